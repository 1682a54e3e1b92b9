CREATE TYPE "public"."model_status" AS ENUM('candidate', 'approved', 'current', 'retired');--> statement-breakpoint
CREATE TYPE "public"."run_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "claims" (
	"sensor_ref" integer NOT NULL,
	"parameter" text NOT NULL,
	"ts" timestamp (6) with time zone NOT NULL,
	"run_id" uuid NOT NULL,
	"claimed_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claims_sensor_ref_parameter_ts_pk" PRIMARY KEY("sensor_ref","parameter","ts")
);
--> statement-breakpoint
CREATE TABLE "imputations" (
	"sensor_ref" integer NOT NULL,
	"parameter" text NOT NULL,
	"ts" timestamp (6) with time zone NOT NULL,
	"value" double precision NOT NULL,
	"model_version" text NOT NULL,
	"run_id" uuid NOT NULL,
	"imputed_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "imputations_sensor_ref_parameter_ts_pk" PRIMARY KEY("sensor_ref","parameter","ts")
);
--> statement-breakpoint
CREATE TABLE "models" (
	"version" text PRIMARY KEY NOT NULL,
	"parameter" text NOT NULL,
	"artifact_uri" text NOT NULL,
	"feature_contract" jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"status" "model_status" DEFAULT 'candidate' NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"promoted_at" timestamp (6) with time zone
);
--> statement-breakpoint
CREATE TABLE "readings" (
	"sensor_ref" integer NOT NULL,
	"parameter" text NOT NULL,
	"ts" timestamp (6) with time zone NOT NULL,
	"value" double precision,
	"raw_value" text,
	CONSTRAINT "readings_sensor_ref_parameter_ts_pk" PRIMARY KEY("sensor_ref","parameter","ts")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"run_id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trigger" text NOT NULL,
	"parameter" text NOT NULL,
	"window_start" timestamp (6) with time zone,
	"window_end" timestamp (6) with time zone,
	"status" "run_status" DEFAULT 'running' NOT NULL,
	"found" integer DEFAULT 0 NOT NULL,
	"predicted" integer DEFAULT 0 NOT NULL,
	"written" integer DEFAULT 0 NOT NULL,
	"model_version" text,
	"execution_id" text,
	"error" jsonb,
	"started_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (6) with time zone
);
--> statement-breakpoint
CREATE TABLE "sensor_channels" (
	"sensor_ref" integer NOT NULL,
	"parameter" text NOT NULL,
	"sensor_id" text,
	"sensor_type" text,
	CONSTRAINT "sensor_channels_sensor_ref_parameter_pk" PRIMARY KEY("sensor_ref","parameter")
);
--> statement-breakpoint
CREATE TABLE "sensors" (
	"id" serial PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"chip_id" text,
	"location_id" text,
	"location" text,
	"street_name" text,
	"city" text,
	"country" text,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"deployment_date" date,
	CONSTRAINT "sensors_device_id_unique" UNIQUE("device_id")
);
--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_run_id_runs_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imputations" ADD CONSTRAINT "imputations_run_id_runs_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("run_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "readings" ADD CONSTRAINT "readings_sensor_ref_sensors_id_fk" FOREIGN KEY ("sensor_ref") REFERENCES "public"."sensors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sensor_channels" ADD CONSTRAINT "sensor_channels_sensor_ref_sensors_id_fk" FOREIGN KEY ("sensor_ref") REFERENCES "public"."sensors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claims_run_idx" ON "claims" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "imputations_run_idx" ON "imputations" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "models_one_current_idx" ON "models" USING btree ("parameter") WHERE "models"."status" = 'current';--> statement-breakpoint
CREATE INDEX "readings_missing_idx" ON "readings" USING btree ("parameter","ts") WHERE "readings"."value" is null;--> statement-breakpoint
CREATE INDEX "runs_status_idx" ON "runs" USING btree ("status","started_at");--> statement-breakpoint
CREATE VIEW "public"."readings_filled" AS (select "readings"."sensor_ref", "readings"."parameter", "readings"."ts", "readings"."value" as "observed", "readings"."raw_value", "imputations"."value" as "imputed", coalesce("readings"."value", "imputations"."value") as "value", ("readings"."value" is null and "imputations"."value" is not null) as "is_imputed", "imputations"."model_version", "imputations"."run_id" from "readings" left join "imputations" on "imputations"."sensor_ref" = "readings"."sensor_ref" and "imputations"."parameter" = "readings"."parameter" and "imputations"."ts" = "readings"."ts");