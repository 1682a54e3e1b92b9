-- Issue 16: the per-row foreign-key trigger of imputations.run_id cost more
-- than the insert itself (1.1 s of PostgreSQL CPU per 100,000 rows,
-- bench/writeback). writeImputations checks the run once per statement and
-- holds its row FOR KEY SHARE (the lock the per-row check took), and this
-- trigger keeps the other half of the key: a run that imputations name cannot
-- be deleted or re-keyed.
ALTER TABLE "imputations" DROP CONSTRAINT "imputations_run_id_runs_run_id_fk";--> statement-breakpoint
CREATE FUNCTION "refuse_orphaning_imputations"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'DELETE' OR NEW."run_id" IS DISTINCT FROM OLD."run_id")
     AND EXISTS (SELECT 1 FROM "imputations" WHERE "run_id" = OLD."run_id") THEN
    RAISE EXCEPTION 'run % has imputations; they must name a real run', OLD."run_id"
      USING ERRCODE = 'foreign_key_violation', TABLE = 'runs';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;--> statement-breakpoint
CREATE TRIGGER "runs_keep_imputed" BEFORE DELETE OR UPDATE OF "run_id" ON "runs"
FOR EACH ROW EXECUTE FUNCTION "refuse_orphaning_imputations"();
