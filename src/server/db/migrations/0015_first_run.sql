ALTER TABLE "provider_key" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "account_settings" ADD COLUMN "signup" text;--> statement-breakpoint
ALTER TABLE "account_settings" ADD CONSTRAINT "account_settings_signup_check" CHECK ("account_settings"."signup" is null or "account_settings"."signup" in ('open', 'closed'));--> statement-breakpoint
CREATE TABLE "first_run" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"dismissed_at" timestamp with time zone,
	"skipped" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
