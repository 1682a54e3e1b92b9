-- Issue 16: `readings` range-partitioned by time, one partition per UTC month.
--
-- The primary key stays (sensor_ref, parameter, ts): a key of a partitioned
-- table must contain the partition key, and ts already is part of it. Within a
-- partition it is the same channel-then-time B-tree the per-channel range reads
-- use; across partitions a query on a time range touches only its months. The
-- partial index on missing values is declared once on the parent and so exists
-- on every partition.
--
-- There is no default partition: attaching a month next to a default one
-- takes an ACCESS EXCLUSIVE lock on it, which a load (one transaction) would
-- hold to its end and so block every reader. Instead `ensure_readings_partitions`
-- creates the months a writer needs first (the loader calls it per batch, the
-- migrate step for the months ahead); a row for a month without a partition is
-- refused by PostgreSQL, never stored somewhere unexpected.
--
-- Existing readings move into the new table; the view is recreated over it.
DROP VIEW "public"."readings_filled";--> statement-breakpoint
ALTER TABLE "readings" RENAME TO "readings_unpartitioned";--> statement-breakpoint
ALTER TABLE "readings_unpartitioned" RENAME CONSTRAINT "readings_sensor_ref_parameter_ts_pk" TO "readings_unpartitioned_pk";--> statement-breakpoint
ALTER INDEX "readings_missing_idx" RENAME TO "readings_unpartitioned_missing_idx";--> statement-breakpoint
CREATE TABLE "readings" (
	"sensor_ref" integer NOT NULL,
	"parameter" text NOT NULL,
	"ts" timestamp (6) with time zone NOT NULL,
	"value" double precision,
	"raw_value" text,
	CONSTRAINT "readings_sensor_ref_parameter_ts_pk" PRIMARY KEY("sensor_ref","parameter","ts")
) PARTITION BY RANGE ("ts");--> statement-breakpoint
CREATE INDEX "readings_missing_idx" ON "readings" USING btree ("parameter","ts") WHERE "readings"."value" is null;--> statement-breakpoint
-- Creates the monthly partitions (`readings_YYYY_MM`, UTC months) that cover
-- [from_ts, to_ts] and do not exist yet; returns how many it created. Safe to
-- call concurrently (creators queue on the parent's lock) and cheap when
-- nothing is missing (no lock then). A partition is created as a plain table
-- and attached, which locks the parent only against other DDL (SHARE UPDATE
-- EXCLUSIVE), never against readers or writers, so a load may call it inside
-- its transaction. The caller must own `readings` (the migrating user).
CREATE FUNCTION "ensure_readings_partitions"(from_ts timestamptz, to_ts timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  first_month timestamp := date_trunc('month', from_ts AT TIME ZONE 'UTC');
  last_month timestamp := date_trunc('month', to_ts AT TIME ZONE 'UTC');
  month timestamp;
  partition_name text;
  created integer := 0;
BEGIN
  IF from_ts IS NULL OR to_ts IS NULL OR to_ts < from_ts THEN
    RETURN 0;
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM generate_series(first_month, last_month, interval '1 month') AS g(m)
     WHERE to_regclass(format('%I', 'readings_' || to_char(g.m, 'YYYY_MM'))) IS NULL
  ) THEN
    RETURN 0;
  END IF;
  -- The lock ATTACH takes anyway, taken first: it serialises creators without
  -- blocking readers or writers, and taking it refreshes the catalog caches,
  -- so a partition another session just created is seen below.
  LOCK TABLE "readings" IN SHARE UPDATE EXCLUSIVE MODE;
  FOR month IN SELECT g.m FROM generate_series(first_month, last_month, interval '1 month') AS g(m) LOOP
    partition_name := 'readings_' || to_char(month, 'YYYY_MM');
    CONTINUE WHEN to_regclass(format('%I', partition_name)) IS NOT NULL;
    EXECUTE format('CREATE TABLE %I (LIKE "readings" INCLUDING DEFAULTS)', partition_name);
    EXECUTE format(
      'ALTER TABLE "readings" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
      partition_name, month AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC'
    );
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;--> statement-breakpoint
SELECT "ensure_readings_partitions"(min("ts"), max("ts")) FROM "readings_unpartitioned";--> statement-breakpoint
INSERT INTO "readings" ("sensor_ref", "parameter", "ts", "value", "raw_value")
SELECT "sensor_ref", "parameter", "ts", "value", "raw_value" FROM "readings_unpartitioned";--> statement-breakpoint
DROP TABLE "readings_unpartitioned";--> statement-breakpoint
CREATE VIEW "public"."readings_filled" AS (select "readings"."sensor_ref", "readings"."parameter", "readings"."ts", "readings"."value" as "observed", "readings"."raw_value", "imputations"."value" as "imputed", coalesce("readings"."value", "imputations"."value") as "value", ("readings"."value" is null and "imputations"."value" is not null) as "is_imputed", case when "readings"."value" is null then "imputations"."lower" end as "lower", case when "readings"."value" is null then "imputations"."upper" end as "upper", case when "readings"."value" is null then coalesce((
        select f."check" from flags f
         where f.sensor_ref = "readings"."sensor_ref" and f.parameter = "readings"."parameter" and f.ts = "readings"."ts"
           and f.severity = 'invalid' and f.cleared_at is null
         order by f.created_at limit 1), 'missing') end as "fill_reason", "imputations"."model_version", "imputations"."run_id" from "readings" left join "imputations" on "imputations"."sensor_ref" = "readings"."sensor_ref" and "imputations"."parameter" = "readings"."parameter" and "imputations"."ts" = "readings"."ts");
