CREATE TABLE "budget_lease" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"key_source" text NOT NULL,
	"microusd" bigint NOT NULL,
	"tokens" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "budget_lease" ADD CONSTRAINT "budget_lease_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "budget_lease_user_idx" ON "budget_lease" USING btree ("user_id","key_source");--> statement-breakpoint
CREATE INDEX "budget_lease_expires_idx" ON "budget_lease" USING btree ("expires_at");--> statement-breakpoint
-- Budget leases (src/server/metering/budget-lease.ts). A lease is a slice of a user's remaining
-- budget an instance admits against in memory; it counts as held, so the request hold below now
-- adds every instance's slices to the holds: spent + held + leased never passes a limit.
CREATE OR REPLACE FUNCTION webox_quota_hold(
  p_request_id text, p_user_id text, p_token_id uuid, p_endpoint text, p_provider text, p_model text,
  p_key_source text, p_input_tokens integer, p_output_tokens integer, p_microusd bigint, p_ttl_ms integer,
  p_day date, p_month_start date,
  p_day_microusd bigint, p_month_microusd bigint, p_day_tokens bigint, p_month_tokens bigint
) RETURNS TABLE (
  held boolean, day_microusd bigint, day_tokens bigint, month_microusd bigint, month_tokens bigint,
  held_microusd bigint, held_tokens bigint
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  request_tokens bigint := p_input_tokens::bigint + p_output_tokens::bigint;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(hashtextextended('quota:' || p_user_id || ':' || p_key_source, 7201));
  SELECT
    coalesce(sum(d.cost_microusd) FILTER (WHERE d.day = p_day), 0)::int8,
    coalesce(sum(d.input_tokens + d.output_tokens) FILTER (WHERE d.day = p_day), 0)::int8,
    coalesce(sum(d.cost_microusd), 0)::int8,
    coalesce(sum(d.input_tokens + d.output_tokens), 0)::int8,
    (SELECT coalesce(sum(h.microusd), 0)::int8 FROM quota_hold h
      WHERE h.user_id = p_user_id AND h.key_source = p_key_source)
    + (SELECT coalesce(sum(l.microusd), 0)::int8 FROM budget_lease l
      WHERE l.user_id = p_user_id AND l.key_source = p_key_source),
    (SELECT coalesce(sum(h.input_tokens + h.output_tokens), 0)::int8 FROM quota_hold h
      WHERE h.user_id = p_user_id AND h.key_source = p_key_source)
    + (SELECT coalesce(sum(l.tokens), 0)::int8 FROM budget_lease l
      WHERE l.user_id = p_user_id AND l.key_source = p_key_source)
  INTO day_microusd, day_tokens, month_microusd, month_tokens, held_microusd, held_tokens
  FROM usage_daily d
  WHERE d.user_id = p_user_id AND d.key_source = p_key_source AND d.day >= p_month_start AND d.day <= p_day;

  held := (p_day_microusd IS NULL OR day_microusd + held_microusd + p_microusd <= p_day_microusd)
    AND (p_month_microusd IS NULL OR month_microusd + held_microusd + p_microusd <= p_month_microusd)
    AND (p_day_tokens IS NULL OR day_tokens + held_tokens + request_tokens <= p_day_tokens)
    AND (p_month_tokens IS NULL OR month_tokens + held_tokens + request_tokens <= p_month_tokens);
  IF held THEN
    INSERT INTO quota_hold (request_id, user_id, token_id, endpoint, provider, model, key_source,
      input_tokens, output_tokens, microusd, expires_at)
    VALUES (p_request_id, p_user_id, p_token_id, p_endpoint, p_provider, p_model, p_key_source,
      p_input_tokens, p_output_tokens, p_microusd, now() + p_ttl_ms * interval '1 millisecond');
  END IF;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
-- One lease's round trip, under the same per-user lock as a hold: the requests the instance
-- admitted against the slice since its last call get their quota_hold rows (their worst cases move
-- out of the slice into the holds, so the ledger releases them as it releases any hold), then the
-- slice is topped up towards its target with at most half the room the spend, the holds and the
-- other slices leave (so a second instance always finds some) — and only while that room is at
-- least p_min_room in each unit: near a limit, requests go back to holding one by one. With
-- p_keep false the slice is given back (deleted) once its requests are moved.
CREATE FUNCTION webox_budget_lease(
  p_lease_id text, p_user_id text, p_key_source text,
  p_request_ids text[], p_token_ids uuid[], p_endpoints text[], p_providers text[], p_models text[],
  p_input_tokens integer[], p_output_tokens integer[], p_microusd bigint[], p_ttl_ms integer,
  p_day date, p_month_start date,
  p_day_microusd bigint, p_month_microusd bigint, p_day_tokens bigint, p_month_tokens bigint,
  p_target_microusd bigint, p_target_tokens bigint, p_min_room_microusd bigint, p_min_room_tokens bigint,
  p_keep boolean, p_lease_ttl_ms integer
) RETURNS TABLE (lease_microusd bigint, lease_tokens bigint, granted boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  moved_microusd bigint; moved_tokens bigint;
  spent_day_microusd bigint; spent_day_tokens bigint; spent_month_microusd bigint; spent_month_tokens bigint;
  outside_microusd bigint; outside_tokens bigint;
  room_microusd bigint; room_tokens bigint;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(hashtextextended('quota:' || p_user_id || ':' || p_key_source, 7201));
  INSERT INTO quota_hold (request_id, user_id, token_id, endpoint, provider, model, key_source,
    input_tokens, output_tokens, microusd, expires_at)
  SELECT r, p_user_id, t, e, p, m, p_key_source, i, o, c, now() + p_ttl_ms * interval '1 millisecond'
  FROM unnest(p_request_ids, p_token_ids, p_endpoints, p_providers, p_models, p_input_tokens, p_output_tokens,
    p_microusd) AS x(r, t, e, p, m, i, o, c)
  ON CONFLICT (request_id) DO NOTHING;
  SELECT coalesce(sum(c), 0)::int8, coalesce(sum(i::int8 + o::int8), 0)::int8 INTO moved_microusd, moved_tokens
  FROM unnest(p_microusd, p_input_tokens, p_output_tokens) AS x(c, i, o);

  SELECT greatest(0, l.microusd - moved_microusd), greatest(0, l.tokens - moved_tokens)
  INTO lease_microusd, lease_tokens FROM budget_lease l WHERE l.id = p_lease_id;
  lease_microusd := coalesce(lease_microusd, 0);
  lease_tokens := coalesce(lease_tokens, 0);
  granted := false;
  IF NOT p_keep THEN
    DELETE FROM budget_lease WHERE id = p_lease_id;
    lease_microusd := 0;
    lease_tokens := 0;
    RETURN NEXT;
    RETURN;
  END IF;

  SELECT
    coalesce(sum(d.cost_microusd) FILTER (WHERE d.day = p_day), 0)::int8,
    coalesce(sum(d.input_tokens + d.output_tokens) FILTER (WHERE d.day = p_day), 0)::int8,
    coalesce(sum(d.cost_microusd), 0)::int8,
    coalesce(sum(d.input_tokens + d.output_tokens), 0)::int8
  INTO spent_day_microusd, spent_day_tokens, spent_month_microusd, spent_month_tokens
  FROM usage_daily d
  WHERE d.user_id = p_user_id AND d.key_source = p_key_source AND d.day >= p_month_start AND d.day <= p_day;
  -- What the holds (those just moved included) and the other slices take, and this slice as it stands.
  SELECT
    (SELECT coalesce(sum(h.microusd), 0)::int8 FROM quota_hold h
      WHERE h.user_id = p_user_id AND h.key_source = p_key_source)
    + (SELECT coalesce(sum(l.microusd), 0)::int8 FROM budget_lease l
      WHERE l.user_id = p_user_id AND l.key_source = p_key_source AND l.id <> p_lease_id) + lease_microusd,
    (SELECT coalesce(sum(h.input_tokens + h.output_tokens), 0)::int8 FROM quota_hold h
      WHERE h.user_id = p_user_id AND h.key_source = p_key_source)
    + (SELECT coalesce(sum(l.tokens), 0)::int8 FROM budget_lease l
      WHERE l.user_id = p_user_id AND l.key_source = p_key_source AND l.id <> p_lease_id) + lease_tokens
  INTO outside_microusd, outside_tokens;
  -- Null: no limit in that unit.
  room_microusd := least(p_day_microusd - spent_day_microusd, p_month_microusd - spent_month_microusd)
    - outside_microusd;
  room_tokens := least(p_day_tokens - spent_day_tokens, p_month_tokens - spent_month_tokens) - outside_tokens;

  IF (room_microusd IS NULL OR room_microusd >= p_min_room_microusd)
    AND (room_tokens IS NULL OR room_tokens >= p_min_room_tokens) THEN
    granted := true;
    lease_microusd := lease_microusd
      + greatest(0, least(p_target_microusd - lease_microusd, coalesce(room_microusd / 2, p_target_microusd)));
    lease_tokens := lease_tokens
      + greatest(0, least(p_target_tokens - lease_tokens, coalesce(room_tokens / 2, p_target_tokens)));
  END IF;
  INSERT INTO budget_lease (id, user_id, key_source, microusd, tokens, expires_at)
  VALUES (p_lease_id, p_user_id, p_key_source, lease_microusd, lease_tokens,
    now() + p_lease_ttl_ms * interval '1 millisecond')
  ON CONFLICT (id) DO UPDATE SET microusd = excluded.microusd, tokens = excluded.tokens,
    expires_at = excluded.expires_at;
  RETURN NEXT;
END
$$;
