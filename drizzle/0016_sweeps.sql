CREATE TABLE "sweep_trials" (
	"id" serial PRIMARY KEY NOT NULL,
	"sweep_id" integer NOT NULL,
	"number" integer NOT NULL,
	"params" jsonb NOT NULL,
	"status" text NOT NULL,
	"run_id" integer,
	"objective" double precision,
	"steps" integer DEFAULT 0 NOT NULL,
	"rung" integer,
	"attempt" integer DEFAULT 0 NOT NULL,
	"worker" text,
	"heartbeat_at" timestamp with time zone,
	"process" jsonb,
	"gpus" integer DEFAULT 0 NOT NULL,
	"error" text,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	"launched_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sweeps" (
	"id" serial PRIMARY KEY NOT NULL,
	"owner_id" integer NOT NULL,
	"notebook_id" integer,
	"notebook_name" text NOT NULL,
	"notebook_revision" integer NOT NULL,
	"source" jsonb NOT NULL,
	"space" jsonb NOT NULL,
	"objective" jsonb NOT NULL,
	"strategy" text NOT NULL,
	"options" jsonb,
	"asha" jsonb,
	"budget" jsonb NOT NULL,
	"seed" integer NOT NULL,
	"resources" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"timeout_s" integer DEFAULT 3600 NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"worker" text,
	"heartbeat_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "trial_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"trial_id" integer NOT NULL,
	"attempt" integer NOT NULL,
	"data" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sweep_trials" ADD CONSTRAINT "sweep_trials_sweep_id_sweeps_id_fk" FOREIGN KEY ("sweep_id") REFERENCES "public"."sweeps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sweep_trials" ADD CONSTRAINT "sweep_trials_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_notebook_id_notebooks_id_fk" FOREIGN KEY ("notebook_id") REFERENCES "public"."notebooks"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trial_logs" ADD CONSTRAINT "trial_logs_trial_id_sweep_trials_id_fk" FOREIGN KEY ("trial_id") REFERENCES "public"."sweep_trials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sweep_trials_number_key" ON "sweep_trials" USING btree ("sweep_id","number");--> statement-breakpoint
CREATE INDEX "sweep_trials_run_idx" ON "sweep_trials" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "sweeps_owner_idx" ON "sweeps" USING btree ("owner_id","id");--> statement-breakpoint
CREATE INDEX "sweeps_status_idx" ON "sweeps" USING btree ("status");--> statement-breakpoint
CREATE INDEX "trial_logs_trial_idx" ON "trial_logs" USING btree ("trial_id","id");