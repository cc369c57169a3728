-- The request log (GET /api/admin/requests, /api/requests) pages newest first on (created_at,
-- request_id): the two existing indexes gain request_id, so a page after a cursor is one index
-- range read however deep it is, for everyone or for one user. Failed requests (status >= 400) are
-- few: two partial indexes serve "failed only" for everyone and for one user without walking the
-- successful rows.
DROP INDEX IF EXISTS "usage_event_user_created_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "usage_event_created_idx";--> statement-breakpoint
CREATE INDEX "usage_event_user_created_idx" ON "usage_event" USING btree ("user_id","created_at","request_id");--> statement-breakpoint
CREATE INDEX "usage_event_created_idx" ON "usage_event" USING btree ("created_at","request_id");--> statement-breakpoint
CREATE INDEX "usage_event_failed_created_idx" ON "usage_event" USING btree ("created_at","request_id") WHERE "usage_event"."status" >= 400;--> statement-breakpoint
CREATE INDEX "usage_event_failed_user_created_idx" ON "usage_event" USING btree ("user_id","created_at","request_id") WHERE "usage_event"."status" >= 400;
