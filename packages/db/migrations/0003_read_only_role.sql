-- The read API's roles (issue 13). `airfill_readonly` may only read: SELECT on
-- every table and view of the schema, now and for tables later migrations create
-- (default privileges of the migrating user). `airfill_api` is the login the API
-- Lambda uses with IAM auth on Aurora (`rds_iam` is granted where it exists); it
-- holds nothing but membership in `airfill_readonly`. Roles are per cluster, so
-- creating them tolerates another database of the same server having done it
-- first (tests migrate many databases at once).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'airfill_readonly') THEN
    BEGIN
      CREATE ROLE airfill_readonly NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'airfill_api') THEN
    BEGIN
      CREATE ROLE airfill_api LOGIN IN ROLE airfill_readonly;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam')
     AND NOT pg_has_role('airfill_api', 'rds_iam', 'MEMBER') THEN
    GRANT rds_iam TO airfill_api;
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO airfill_readonly', current_database());
END
$$;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO airfill_readonly;--> statement-breakpoint
GRANT SELECT ON ALL TABLES IN SCHEMA public TO airfill_readonly;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO airfill_readonly;
