-- The operator budget (src/server/metering/operator-budget.ts): what the whole community may spend
-- on the global keys per day and per month, the thresholds that raise an alert, whether reaching a
-- limit pauses global-key traffic, and the spend-jump detector's multiple. One row ('operator').
CREATE TABLE "operator_budget" (
	"id" text PRIMARY KEY NOT NULL,
	"day_microusd" bigint,
	"month_microusd" bigint,
	"thresholds" jsonb DEFAULT '[50,80,100]'::jsonb NOT NULL,
	"hard_cap" boolean DEFAULT false NOT NULL,
	"spend_jump_multiple" double precision,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- The operator's hard cap, held exactly: under one operator-wide lock (taken before any user's, and
-- only here, so no two locks are ever taken in the other order), what every user spent on the
-- global keys this day and month, what their requests hold and what their leased slices keep are
-- read in one snapshot; if the request's worst case fits the operator's limits, the user's own hold
-- (webox_quota_hold, under the user's lock) is tried. Returns the user's figures and the operator's.
CREATE FUNCTION webox_operator_quota_hold(
  p_request_id text, p_user_id text, p_token_id uuid, p_endpoint text, p_provider text, p_model text,
  p_key_source text, p_input_tokens integer, p_output_tokens integer, p_microusd bigint, p_ttl_ms integer,
  p_day date, p_month_start date,
  p_day_microusd bigint, p_month_microusd bigint, p_day_tokens bigint, p_month_tokens bigint,
  p_operator_day_microusd bigint, p_operator_month_microusd bigint
) RETURNS TABLE (
  held boolean, day_microusd bigint, day_tokens bigint, month_microusd bigint, month_tokens bigint,
  held_microusd bigint, held_tokens bigint, operator_fits boolean,
  operator_day_microusd bigint, operator_month_microusd bigint, operator_held_microusd bigint
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  user_row record;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(hashtextextended('quota:operator', 7201));
  SELECT
    coalesce(sum(d.cost_microusd) FILTER (WHERE d.day = p_day), 0)::int8,
    coalesce(sum(d.cost_microusd), 0)::int8,
    (SELECT coalesce(sum(h.microusd), 0)::int8 FROM quota_hold h WHERE h.key_source = 'global')
    + (SELECT coalesce(sum(l.microusd), 0)::int8 FROM budget_lease l WHERE l.key_source = 'global')
  INTO operator_day_microusd, operator_month_microusd, operator_held_microusd
  FROM usage_daily d
  WHERE d.key_source = 'global' AND d.day >= p_month_start AND d.day <= p_day;

  operator_fits := (p_operator_day_microusd IS NULL
      OR operator_day_microusd + operator_held_microusd + p_microusd <= p_operator_day_microusd)
    AND (p_operator_month_microusd IS NULL
      OR operator_month_microusd + operator_held_microusd + p_microusd <= p_operator_month_microusd);
  IF NOT operator_fits THEN
    held := false;
    day_microusd := 0; day_tokens := 0; month_microusd := 0; month_tokens := 0;
    held_microusd := 0; held_tokens := 0;
    RETURN NEXT;
    RETURN;
  END IF;
  SELECT * INTO user_row FROM webox_quota_hold(p_request_id, p_user_id, p_token_id, p_endpoint, p_provider,
    p_model, p_key_source, p_input_tokens, p_output_tokens, p_microusd, p_ttl_ms, p_day, p_month_start,
    p_day_microusd, p_month_microusd, p_day_tokens, p_month_tokens);
  held := user_row.held;
  day_microusd := user_row.day_microusd; day_tokens := user_row.day_tokens;
  month_microusd := user_row.month_microusd; month_tokens := user_row.month_tokens;
  held_microusd := user_row.held_microusd; held_tokens := user_row.held_tokens;
  RETURN NEXT;
END
$$;
