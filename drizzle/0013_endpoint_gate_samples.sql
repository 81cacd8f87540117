ALTER TABLE "endpoints" ADD COLUMN "sample_rate" real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "gate" jsonb;