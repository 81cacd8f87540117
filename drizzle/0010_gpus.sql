CREATE TABLE "gpu_allocations" (
	"id" serial PRIMARY KEY NOT NULL,
	"gpu_uuid" text NOT NULL,
	"model" text NOT NULL,
	"host" text NOT NULL,
	"holder_kind" text NOT NULL,
	"holder_id" text NOT NULL,
	"user_id" integer,
	"group_id" integer,
	"image" text,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text
);
--> statement-breakpoint
CREATE TABLE "gpu_quotas" (
	"id" serial PRIMARY KEY NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" integer NOT NULL,
	"max_gpus" integer,
	"max_gpu_hours" real,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gpu_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"holder_kind" text NOT NULL,
	"holder_id" text NOT NULL,
	"user_id" integer NOT NULL,
	"count" integer NOT NULL,
	"image" text,
	"priority" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gpus" (
	"uuid" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"index" integer NOT NULL,
	"model" text NOT NULL,
	"memory_mb" integer NOT NULL,
	"state" text DEFAULT 'available' NOT NULL,
	"holder_kind" text,
	"holder_id" text,
	"holder_user_id" integer,
	"held_since" timestamp with time zone,
	"allocation_id" integer,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gpu_allocations" ADD CONSTRAINT "gpu_allocations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gpu_allocations" ADD CONSTRAINT "gpu_allocations_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gpu_requests" ADD CONSTRAINT "gpu_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gpus" ADD CONSTRAINT "gpus_holder_user_id_users_id_fk" FOREIGN KEY ("holder_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gpu_allocations_user_started_idx" ON "gpu_allocations" USING btree ("user_id","started_at");--> statement-breakpoint
CREATE INDEX "gpu_allocations_holder_idx" ON "gpu_allocations" USING btree ("holder_kind","holder_id");--> statement-breakpoint
CREATE INDEX "gpu_allocations_gpu_idx" ON "gpu_allocations" USING btree ("gpu_uuid","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "gpu_quotas_subject_key" ON "gpu_quotas" USING btree ("subject_kind","subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "gpu_requests_holder_key" ON "gpu_requests" USING btree ("holder_kind","holder_id");--> statement-breakpoint
CREATE INDEX "gpu_requests_created_idx" ON "gpu_requests" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "gpus_holder_idx" ON "gpus" USING btree ("holder_kind","holder_id");--> statement-breakpoint
CREATE INDEX "gpus_host_idx" ON "gpus" USING btree ("host");--> statement-breakpoint
CREATE INDEX "gpus_holder_user_idx" ON "gpus" USING btree ("holder_user_id");