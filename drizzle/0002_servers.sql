CREATE TABLE "images" (
	"name" text PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"default_cpu" real NOT NULL,
	"default_memory_mb" integer NOT NULL,
	"max_cpu" real NOT NULL,
	"max_memory_mb" integer NOT NULL,
	"max_gpus" integer DEFAULT 0 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "servers" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"name" text NOT NULL,
	"image" text NOT NULL,
	"cpu" real NOT NULL,
	"memory_mb" integer NOT NULL,
	"gpus" integer DEFAULT 0 NOT NULL,
	"spawner" text NOT NULL,
	"status" text NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone,
	"last_activity" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "servers" ADD CONSTRAINT "servers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "servers_user_name_key" ON "servers" USING btree ("user_id","name");--> statement-breakpoint
CREATE INDEX "servers_status_idx" ON "servers" USING btree ("status");