CREATE TABLE "limit_policy" (
	"subject" text PRIMARY KEY NOT NULL,
	"budgets" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requests_per_minute" integer,
	"tokens_per_minute" integer,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quota_hold" (
	"request_id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"token_id" uuid,
	"endpoint" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"key_source" text NOT NULL,
	"input_tokens" integer NOT NULL,
	"output_tokens" integer NOT NULL,
	"microusd" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_token" ADD COLUMN "requests_per_minute" integer;--> statement-breakpoint
ALTER TABLE "quota_hold" ADD CONSTRAINT "quota_hold_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "quota_hold_user_idx" ON "quota_hold" USING btree ("user_id","key_source");--> statement-breakpoint
CREATE INDEX "quota_hold_expires_idx" ON "quota_hold" USING btree ("expires_at");