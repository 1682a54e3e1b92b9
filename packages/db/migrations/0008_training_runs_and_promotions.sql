CREATE TYPE "public"."promotion_action" AS ENUM('gate', 'promote', 'rollback');--> statement-breakpoint
CREATE TYPE "public"."training_decision" AS ENUM('promoted', 'rejected');--> statement-breakpoint
CREATE TABLE "model_promotions" (
	"id" serial PRIMARY KEY NOT NULL,
	"parameter" text NOT NULL,
	"version" text NOT NULL,
	"previous_version" text,
	"action" "promotion_action" NOT NULL,
	"forced" boolean DEFAULT false NOT NULL,
	"reason" text NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_runs" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"execution_id" text NOT NULL,
	"parameter" text NOT NULL,
	"trigger" text NOT NULL,
	"status" "run_status" DEFAULT 'running' NOT NULL,
	"model_version" text,
	"decision" "training_decision",
	"error" jsonb,
	"started_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (6) with time zone
);
--> statement-breakpoint
CREATE INDEX "model_promotions_parameter_idx" ON "model_promotions" USING btree ("parameter","id");--> statement-breakpoint
CREATE INDEX "training_runs_parameter_idx" ON "training_runs" USING btree ("parameter","started_at");