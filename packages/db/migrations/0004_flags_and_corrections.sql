CREATE TYPE "public"."correction_action" AS ENUM('delete', 'invalidate', 'clear');--> statement-breakpoint
CREATE TYPE "public"."flag_severity" AS ENUM('invalid', 'suspect');--> statement-breakpoint
CREATE TABLE "corrections" (
	"id" serial PRIMARY KEY NOT NULL,
	"action" "correction_action" NOT NULL,
	"device_id" text NOT NULL,
	"parameter" text,
	"from_ts" timestamp (6) with time zone NOT NULL,
	"to_ts" timestamp (6) with time zone NOT NULL,
	"reason" text,
	"requested_by" text NOT NULL,
	"readings" integer NOT NULL,
	"imputations_removed" integer NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flags" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sensor_ref" integer NOT NULL,
	"parameter" text NOT NULL,
	"ts" timestamp (6) with time zone NOT NULL,
	"check" text NOT NULL,
	"severity" "flag_severity" NOT NULL,
	"detail" text NOT NULL,
	"run_id" uuid,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"cleared_at" timestamp (6) with time zone,
	"cleared_reason" text
);
--> statement-breakpoint
CREATE TABLE "run_refusals" (
	"run_id" uuid NOT NULL,
	"sensor_ref" integer NOT NULL,
	"parameter" text NOT NULL,
	"ts" timestamp (6) with time zone NOT NULL,
	"value" double precision,
	"reason" text NOT NULL,
	CONSTRAINT "run_refusals_run_id_sensor_ref_parameter_ts_pk" PRIMARY KEY("run_id","sensor_ref","parameter","ts")
);
--> statement-breakpoint
DROP VIEW "public"."readings_filled";--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "refused" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "run_refusals" ADD CONSTRAINT "run_refusals_run_id_runs_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "flags_reading_check_idx" ON "flags" USING btree ("sensor_ref","parameter","ts","check");--> statement-breakpoint
CREATE VIEW "public"."readings_filled" AS (select "readings"."sensor_ref", "readings"."parameter", "readings"."ts", "readings"."value" as "observed", "readings"."raw_value", "imputations"."value" as "imputed", coalesce("readings"."value", "imputations"."value") as "value", ("readings"."value" is null and "imputations"."value" is not null) as "is_imputed", case when "readings"."value" is null then "imputations"."lower" end as "lower", case when "readings"."value" is null then "imputations"."upper" end as "upper", case when "readings"."value" is null then coalesce((
        select f."check" from flags f
         where f.sensor_ref = "readings"."sensor_ref" and f.parameter = "readings"."parameter" and f.ts = "readings"."ts"
           and f.severity = 'invalid' and f.cleared_at is null
         order by f.created_at limit 1), 'missing') end as "fill_reason", "imputations"."model_version", "imputations"."run_id" from "readings" left join "imputations" on "imputations"."sensor_ref" = "readings"."sensor_ref" and "imputations"."parameter" = "readings"."parameter" and "imputations"."ts" = "readings"."ts");