-- A budget hold in one round trip (src/server/limits/quota.ts). Under a per-user, per-key-source
-- advisory lock, one statement reads what the ledger charged this day and month and what requests
-- in flight hold (one snapshot: a ledger write that adds a cost and deletes its hold is seen whole
-- or not at all); if the request's worst case fits every limit given (null: no limit), the hold is
-- inserted. The lock is taken before that statement starts, so its snapshot sees every hold the
-- previous lock holder committed. A hold lives for one request: its commit does not wait for the
-- disk (synchronous_commit off for this transaction only).
CREATE FUNCTION webox_quota_hold(
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
      WHERE h.user_id = p_user_id AND h.key_source = p_key_source),
    (SELECT coalesce(sum(h.input_tokens + h.output_tokens), 0)::int8 FROM quota_hold h
      WHERE h.user_id = p_user_id AND h.key_source = p_key_source)
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
