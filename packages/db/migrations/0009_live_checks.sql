CREATE TABLE "live_checks" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"parameter" text NOT NULL,
	"model_version" text NOT NULL,
	"points" integer NOT NULL,
	"refused" integer NOT NULL,
	"in_sample" integer NOT NULL,
	"mae" double precision,
	"linear_mae" double precision,
	"coverage" double precision,
	"nominal_coverage" double precision,
	"holdout_mae" double precision,
	"expected_mae" double precision,
	"ratio" double precision,
	"drift" boolean DEFAULT false NOT NULL,
	"checked_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "live_checks" ADD CONSTRAINT "live_checks_run_id_runs_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "live_checks_parameter_idx" ON "live_checks" USING btree ("parameter","checked_at");