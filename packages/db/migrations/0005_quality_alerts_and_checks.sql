CREATE TYPE "public"."alert_kind" AS ENUM('dead', 'stuck', 'drift');--> statement-breakpoint
CREATE TABLE "quality_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sensor_ref" integer NOT NULL,
	"parameter" text NOT NULL,
	"kind" "alert_kind" NOT NULL,
	"started_at" timestamp (6) with time zone NOT NULL,
	"ended_at" timestamp (6) with time zone NOT NULL,
	"detail" text NOT NULL,
	"raised_run_id" uuid NOT NULL,
	"raised_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"seen_run_id" uuid NOT NULL,
	"seen_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quality_checks" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"window_from" timestamp (6) with time zone NOT NULL,
	"window_to" timestamp (6) with time zone NOT NULL,
	"read_from" timestamp (6) with time zone NOT NULL,
	"read_to" timestamp (6) with time zone NOT NULL,
	"readings" integer DEFAULT 0 NOT NULL,
	"invalid" integer DEFAULT 0 NOT NULL,
	"suspect" integer DEFAULT 0 NOT NULL,
	"nulled" integer DEFAULT 0 NOT NULL,
	"alerts_raised" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (6) with time zone
);
--> statement-breakpoint
ALTER TABLE "corrections" ADD COLUMN "check" text;--> statement-breakpoint
CREATE INDEX "quality_alerts_channel_idx" ON "quality_alerts" USING btree ("sensor_ref","parameter","kind","ended_at");--> statement-breakpoint
CREATE INDEX "quality_alerts_raised_run_idx" ON "quality_alerts" USING btree ("raised_run_id");--> statement-breakpoint
CREATE INDEX "flags_run_idx" ON "flags" USING btree ("run_id") WHERE "flags"."run_id" is not null;