ALTER TABLE "step_logs" ADD COLUMN "source_offset" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "trial_logs" ADD COLUMN "source_offset" bigint DEFAULT 0 NOT NULL;