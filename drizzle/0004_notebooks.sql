CREATE TABLE "executions" (
	"id" serial PRIMARY KEY NOT NULL,
	"notebook_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"cell_id" text NOT NULL,
	"kernel_id" text NOT NULL,
	"msg_id" text NOT NULL,
	"code" text NOT NULL,
	"status" text NOT NULL,
	"execution_count" integer,
	"outputs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" jsonb,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notebook_revisions" (
	"id" serial PRIMARY KEY NOT NULL,
	"notebook_id" integer NOT NULL,
	"revision" integer NOT NULL,
	"content" jsonb NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notebooks" (
	"id" serial PRIMARY KEY NOT NULL,
	"owner_id" integer NOT NULL,
	"name" text NOT NULL,
	"content" jsonb NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_notebook_id_notebooks_id_fk" FOREIGN KEY ("notebook_id") REFERENCES "public"."notebooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notebook_revisions" ADD CONSTRAINT "notebook_revisions_notebook_id_notebooks_id_fk" FOREIGN KEY ("notebook_id") REFERENCES "public"."notebooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notebooks" ADD CONSTRAINT "notebooks_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "executions_notebook_idx" ON "executions" USING btree ("notebook_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "executions_msg_key" ON "executions" USING btree ("msg_id");--> statement-breakpoint
CREATE INDEX "notebook_revisions_notebook_idx" ON "notebook_revisions" USING btree ("notebook_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notebooks_owner_name_key" ON "notebooks" USING btree ("owner_id","name") WHERE "notebooks"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "notebooks_owner_idx" ON "notebooks" USING btree ("owner_id","updated_at");