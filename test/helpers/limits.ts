// What the budget and in-flight suites share: members with a token, an admin setting their limits,
// /v1 calls, the ledger's totals, and a record of every budget hold the app takes.
import type { HoldRequest } from '../../src/server/metering/quota-hold.ts';
import type { TestApp } from './app.ts';
import { type Client, signUp } from './client.ts';
import { type KeyProvider, makeKey } from './keys.ts';

export const NO_LIMITS = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };

export interface Member {
  client: Client;
  id: string;
  token: string;
}

/** A new account with an access token; with personalKey, a key of its own for that provider. */
export async function member(test: TestApp, options: { personalKey?: KeyProvider } = {}): Promise<Member> {
  const client = await signUp(test.app);
  const id = (await client.get('/api/me')).json().id as string;
  if (options.personalKey) {
    await client.put(`/api/keys/${options.personalKey}`, { apiKey: makeKey[options.personalKey]() });
  }
  const token = (await client.post('/api/tokens', { name: 'limits' })).json().token as string;
  return { client, id, token };
}

/** PUT /api/admin/users/:id/limits, with everything not given left to the default. */
export const setLimits = (admin: Client, userId: string, limits: Record<string, unknown>) =>
  admin.put(`/api/admin/users/${userId}/limits`, {
    global: null,
    personal: null,
    requestsPerMinute: null,
    tokensPerMinute: null,
    ...limits,
  });

export const v1 = (test: TestApp, token: string, body: unknown, headers: Record<string, string> = {}) =>
  test.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** What the ledger charged a user on the global keys (after writing what it has queued). */
export async function globalLedger(test: TestApp, userId: string) {
  await test.app.metering.ledger.flush();
  const result = await test.app.database.query<{ requests: string; cost: string; tokens: string }>(
    `select count(*) as requests, coalesce(sum(cost_microusd), 0) as cost,
       coalesce(sum(input_tokens + output_tokens), 0) as tokens
     from usage_event where user_id = $1 and key_source = 'global'`,
    [userId],
  );
  const row = result.rows[0];
  return { requests: Number(row?.requests), cost: Number(row?.cost), tokens: Number(row?.tokens) };
}

/**
 * Records every hold the app takes (what was held is what the tests compare the upstream with): a
 * request shortened to fit the budget left is recorded as the last request tried.
 */
export function recordHolds(test: TestApp): HoldRequest[] {
  const holds: HoldRequest[] = [];
  const quota = test.app.metering.quota;
  const hold = quota.hold;
  quota.hold = (request, limits, ceiling, shorten, operator) => {
    const index = holds.push(request) - 1;
    const recordingFit =
      shorten &&
      ((room: Parameters<typeof shorten>[0]) => {
        const next = shorten(room);
        holds[index] = next;
        return next;
      });
    return hold(request, limits, ceiling, recordingFit, operator);
  };
  return holds;
}
