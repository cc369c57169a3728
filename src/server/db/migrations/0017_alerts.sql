CREATE TABLE "alert" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"once_key" text NOT NULL,
	"severity" text NOT NULL,
	"audience" text NOT NULL,
	"subject_user_id" text,
	"provider" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_once_key_unique" UNIQUE("once_key")
);
--> statement-breakpoint
CREATE INDEX "alert_audience_idx" ON "alert" USING btree ("audience","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "alert_subject_idx" ON "alert" USING btree ("subject_user_id","created_at" DESC NULLS LAST);