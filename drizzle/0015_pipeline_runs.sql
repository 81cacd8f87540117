CREATE TABLE "pipeline_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"pipeline_id" integer NOT NULL,
	"version_id" integer NOT NULL,
	"version" integer NOT NULL,
	"owner_id" integer NOT NULL,
	"status" text NOT NULL,
	"trigger" jsonb NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"pins" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"cancelled_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "pipeline_schedules" (
	"id" serial PRIMARY KEY NOT NULL,
	"pipeline_id" integer NOT NULL,
	"kind" text NOT NULL,
	"cron" text,
	"timezone" text,
	"dataset_id" integer,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"next_at" timestamp with time zone,
	"last_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pipeline_step_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"pipeline_run_id" integer NOT NULL,
	"step" text NOT NULL,
	"status" text NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"attempts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"run_id" integer,
	"cached_from_id" integer,
	"cache_key" text,
	"outputs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"worker" text,
	"heartbeat_at" timestamp with time zone,
	"process" jsonb,
	"error" text,
	"ready_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "step_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"step_run_id" integer NOT NULL,
	"attempt" integer NOT NULL,
	"data" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "run_id" integer;--> statement-breakpoint
ALTER TABLE "pipelines" ADD COLUMN "webhook_url" text;--> statement-breakpoint
ALTER TABLE "pipelines" ADD COLUMN "webhook_secret" text;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_version_id_pipeline_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."pipeline_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_cancelled_by_users_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_schedules" ADD CONSTRAINT "pipeline_schedules_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_step_runs" ADD CONSTRAINT "pipeline_step_runs_pipeline_run_id_pipeline_runs_id_fk" FOREIGN KEY ("pipeline_run_id") REFERENCES "public"."pipeline_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_step_runs" ADD CONSTRAINT "pipeline_step_runs_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_logs" ADD CONSTRAINT "step_logs_step_run_id_pipeline_step_runs_id_fk" FOREIGN KEY ("step_run_id") REFERENCES "public"."pipeline_step_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pipeline_runs_pipeline_idx" ON "pipeline_runs" USING btree ("pipeline_id","id");--> statement-breakpoint
CREATE INDEX "pipeline_runs_status_idx" ON "pipeline_runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "pipeline_schedules_pipeline_idx" ON "pipeline_schedules" USING btree ("pipeline_id");--> statement-breakpoint
CREATE INDEX "pipeline_schedules_next_idx" ON "pipeline_schedules" USING btree ("next_at");--> statement-breakpoint
CREATE INDEX "pipeline_schedules_dataset_idx" ON "pipeline_schedules" USING btree ("dataset_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pipeline_step_runs_run_step_key" ON "pipeline_step_runs" USING btree ("pipeline_run_id","step");--> statement-breakpoint
CREATE INDEX "pipeline_step_runs_status_idx" ON "pipeline_step_runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "pipeline_step_runs_cache_idx" ON "pipeline_step_runs" USING btree ("cache_key");--> statement-breakpoint
CREATE INDEX "step_logs_step_idx" ON "step_logs" USING btree ("step_run_id","id");--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;