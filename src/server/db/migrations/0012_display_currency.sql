CREATE TABLE "display_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"currency" text DEFAULT 'usd' NOT NULL,
	"time_zone" text,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "currency_rate" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"currency" text NOT NULL,
	"usd_per_unit" double precision NOT NULL,
	"effective_from" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text
);
--> statement-breakpoint
CREATE INDEX "currency_rate_currency_from_idx" ON "currency_rate" USING btree ("currency","effective_from");
--> statement-breakpoint
-- The rates billing already had apply from when its settings were last saved.
INSERT INTO "currency_rate" ("currency", "usd_per_unit", "effective_from", "created_by")
SELECT rate.key, rate.value::text::double precision, settings.updated_at, settings.updated_by
FROM "billing_settings" AS settings, jsonb_each(settings.usd_per_currency) AS rate
WHERE rate.key <> 'usd';
