CREATE TABLE "endpoint_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"endpoint_id" integer NOT NULL,
	"action" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor_id" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoint_traffic" (
	"endpoint_id" integer NOT NULL,
	"version_id" integer NOT NULL,
	"weight" integer NOT NULL,
	CONSTRAINT "endpoint_traffic_endpoint_id_version_id_pk" PRIMARY KEY("endpoint_id","version_id")
);
--> statement-breakpoint
CREATE TABLE "endpoints" (
	"id" serial PRIMARY KEY NOT NULL,
	"owner_id" integer NOT NULL,
	"name" text NOT NULL,
	"model_id" integer NOT NULL,
	"public" boolean DEFAULT false NOT NULL,
	"token_hash" text NOT NULL,
	"max_batch" integer DEFAULT 32 NOT NULL,
	"max_wait_ms" integer DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "endpoint_events" ADD CONSTRAINT "endpoint_events_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_events" ADD CONSTRAINT "endpoint_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_traffic" ADD CONSTRAINT "endpoint_traffic_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_traffic" ADD CONSTRAINT "endpoint_traffic_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "endpoint_events_endpoint_idx" ON "endpoint_events" USING btree ("endpoint_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "endpoints_name_key" ON "endpoints" USING btree ("name");--> statement-breakpoint
CREATE INDEX "endpoints_owner_idx" ON "endpoints" USING btree ("owner_id");