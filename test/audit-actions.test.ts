// The audit trail's writing side over real HTTP: every change that matters leaves one row with who
// did it (account, address, user agent), what it touched, whose account it concerns and how it
// ended; a key never enters a row in any encoding; and a change whose row cannot be written does
// not happen.
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp, uniqueEmail } from './helpers/client.ts';
import { allProviders, keyEncodings, makeKey } from './helpers/keys.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let adminId: string;
let member: Client;
let memberId: string;

const IP = '192.0.2.44';
const AGENT = 'audit-test/1.0';

interface Row {
  action: string;
  outcome: string;
  actor_id: string | null;
  actor_email: string | null;
  ip: string | null;
  user_agent: string | null;
  target_kind: string | null;
  target_id: string | null;
  subject_user_id: string | null;
  details: Record<string, unknown>;
}

const rowsOf = async (query: ReturnType<typeof sql>) =>
  ((await test.app.database.db.execute(query)) as unknown as { rows: Row[] }).rows;

/** The rows written since `mark` (a count of rows), oldest first. */
let seen = 0;
async function newRows(): Promise<Row[]> {
  const rows = await rowsOf(sql`select * from audit_event order by at, id`);
  // `at` is the transaction's time: rows of one test come after the previous test's.
  const fresh = rows.slice(seen);
  seen = rows.length;
  return fresh;
}

/** A request from a known address and user agent, as `client`. */
function send(client: Client, method: InjectOptions['method'], url: string, payload?: unknown) {
  return client.request({
    method,
    url,
    remoteAddress: IP,
    headers: { 'user-agent': AGENT },
    ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
  });
}

const by = (client: Client, id: () => string) => ({
  actor_id: id(),
  actor_email: client.email,
  ip: IP,
  user_agent: AGENT,
});

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env });
  admin = await signUp(test.app, { name: 'Admin' });
  adminId = (await admin.get('/api/me')).json().id;
  member = await signUp(test.app, { name: 'Member' });
  memberId = (await member.get('/api/me')).json().id;
  await newRows();
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('provider keys', () => {
  it('a personal key: saved, replaced (telling the previous key), re-saved (same fingerprint), deleted', async () => {
    const first = makeKey.openai();
    const second = makeKey.openai();
    expect((await send(member, 'PUT', '/api/keys/openai', { apiKey: first })).statusCode).toBe(200);
    expect((await send(member, 'PUT', '/api/keys/openai', { apiKey: second })).statusCode).toBe(200);
    expect((await send(member, 'PUT', '/api/keys/openai', { apiKey: first })).statusCode).toBe(200);
    expect((await send(member, 'DELETE', '/api/keys/openai')).statusCode).toBe(204);
    const rows = await newRows();
    const target = { target_kind: 'provider_key', target_id: `personal/${memberId}/openai` };
    expect(rows.map((row) => row.action)).toEqual([
      'key.personal.saved',
      'key.personal.replaced',
      'key.personal.replaced',
      'key.personal.deleted',
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({
        ...by(member, () => memberId),
        ...target,
        subject_user_id: memberId,
        outcome: 'success',
      });
      expect(row.details.provider).toBe('openai');
      expect(row.details.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    const [saved, replaced, again, deleted] = rows as [Row, Row, Row, Row];
    expect(replaced.details.fingerprint).not.toBe(saved.details.fingerprint);
    expect(replaced.details.previousFingerprint).toBe(saved.details.fingerprint);
    expect(again.details.fingerprint).toBe(saved.details.fingerprint);
    expect(again.details.previousFingerprint).toBe(replaced.details.fingerprint);
    expect(deleted.details.fingerprint).toBe(saved.details.fingerprint);
  });

  it('a global key: saved, verified by the provider, deleted — by the admin, about no account', async () => {
    expect((await send(admin, 'PUT', '/api/admin/keys/openai', { apiKey: makeKey.openai() })).statusCode).toBe(200);
    expect(
      (await send(admin, 'PUT', '/api/admin/keys/openai', { apiKey: makeKey.openai(), verify: true })).statusCode,
    ).toBe(200);
    expect((await send(admin, 'DELETE', '/api/admin/keys/openai')).statusCode).toBe(204);
    const rows = await newRows();
    expect(rows.map((row) => [row.action, row.details.verified ?? null])).toEqual([
      ['key.global.saved', false],
      ['key.global.replaced', true],
      ['key.global.deleted', null],
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({
        ...by(admin, () => adminId),
        target_kind: 'provider_key',
        target_id: 'global/openai',
        subject_user_id: null,
      });
    }
  });

  it('a key the provider refuses on verify: a failure row, and nothing saved', async () => {
    const refused = makeKey.openai();
    fakes.byProvider.openai.rejectKeys.add(refused);
    const answer = await send(member, 'PUT', '/api/keys/openai', { apiKey: refused, verify: true });
    expect(answer.statusCode).toBe(502);
    const [row, ...others] = await newRows();
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      action: 'key.personal.verified',
      outcome: 'failure',
      ...by(member, () => memberId),
      subject_user_id: memberId,
      details: { provider: 'openai', reason: 'provider_rejected_key' },
    });
    expect((await member.get('/api/keys')).json().providers[0]).toMatchObject({ personal: null });
  });

  it('a rotation from the admin API', async () => {
    expect((await send(admin, 'POST', '/api/admin/vault/rotate')).statusCode).toBe(200);
    const [row] = await newRows();
    expect(row).toMatchObject({ action: 'vault.rotated', ...by(admin, () => adminId), target_kind: 'vault' });
    expect(row?.details).toMatchObject({ rotated: expect.any(Number), unreadable: 0 });
  });
});

describe('access tokens', () => {
  it('created and revoked by their owner, never holding the token', async () => {
    const created = await send(member, 'POST', '/api/tokens', { name: 'ci', requestsPerMinute: 30 });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect((await send(member, 'DELETE', `/api/tokens/${id}`)).statusCode).toBe(204);
    const rows = await newRows();
    expect(rows).toMatchObject([
      {
        action: 'token.created',
        ...by(member, () => memberId),
        target_kind: 'access_token',
        target_id: id,
        subject_user_id: memberId,
        details: { name: 'ci', requestsPerMinute: 30, expiresAt: null },
      },
      { action: 'token.revoked', ...by(member, () => memberId), target_id: id, subject_user_id: memberId },
    ]);
    expect(JSON.stringify(rows)).not.toContain(token.slice(4, 16));
  });
});

describe('accounts', () => {
  let madeId: string;
  const madeEmail = uniqueEmail('made');

  it('a sign-up is recorded as made by the new account itself, from its address', async () => {
    const email = uniqueEmail('self');
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/auth/sign-up/email',
      remoteAddress: IP,
      headers: { origin: test.app.config.publicUrl, 'user-agent': AGENT },
      payload: { name: 'Self', email, password: 'correct horse battery staple' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const id = response.json().user.id;
    // The sign-up's own session is not a sign-in.
    expect(await newRows()).toMatchObject([
      {
        action: 'account.created',
        actor_id: id,
        actor_email: email,
        ip: IP,
        user_agent: AGENT,
        target_kind: 'user',
        target_id: id,
        subject_user_id: id,
        details: { via: 'sign_up', role: 'user' },
      },
    ]);
  });

  it('made by an admin, promoted, disabled, enabled, its password reset, deleted', async () => {
    const made = await send(admin, 'POST', '/api/admin/users', {
      name: 'Made',
      email: madeEmail,
      password: 'correct horse battery staple',
    });
    expect(made.statusCode, made.body).toBe(201);
    madeId = made.json().id;
    expect((await send(admin, 'PATCH', `/api/admin/users/${madeId}`, { role: 'admin' })).statusCode).toBe(200);
    expect((await send(admin, 'PATCH', `/api/admin/users/${madeId}`, { disabled: true })).statusCode).toBe(200);
    // No change, no row.
    expect((await send(admin, 'PATCH', `/api/admin/users/${madeId}`, { disabled: true })).statusCode).toBe(200);
    expect((await send(admin, 'PATCH', `/api/admin/users/${madeId}`, { disabled: false })).statusCode).toBe(200);
    const reset = await send(admin, 'POST', `/api/admin/users/${madeId}/password-reset`, {
      password: 'another horse battery staple',
    });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await send(admin, 'DELETE', `/api/admin/users/${madeId}`)).statusCode).toBe(204);
    const rows = await newRows();
    expect(rows.map((row) => row.action)).toEqual([
      'account.created',
      'account.role_changed',
      'account.disabled',
      'account.enabled',
      'account.password_reset',
      'account.deleted',
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({
        ...by(admin, () => adminId),
        target_kind: 'user',
        target_id: madeId,
        subject_user_id: madeId,
        outcome: 'success',
      });
    }
    expect(rows[0]?.details).toEqual({ via: 'admin', role: 'user' });
    expect(rows[1]?.details).toEqual({ email: madeEmail, roleBefore: 'user', roleAfter: 'admin' });
    expect(rows[4]?.details).toEqual({ email: madeEmail, method: 'password' });
    expect(JSON.stringify(rows)).not.toContain('horse');
  });

  it('an accepted invitation: the account is its own actor, from the address that accepted', async () => {
    const email = uniqueEmail('invited');
    const invited = await admin.post('/api/admin/invitations', { email, sendEmail: false });
    expect(invited.statusCode, invited.body).toBe(201);
    const token = (invited.json().invitations[0].url as string).split('#')[1];
    await newRows();
    const accepted = await test.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      remoteAddress: IP,
      headers: { origin: test.app.config.publicUrl, 'user-agent': AGENT },
      payload: { name: 'Invited', password: 'correct horse battery staple' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const id = accepted.json().user.id;
    const rows = await newRows();
    expect(rows.map((row) => row.action)).toEqual(['account.created', 'signin.succeeded']);
    expect(rows[0]).toMatchObject({
      actor_id: id,
      actor_email: email,
      ip: IP,
      user_agent: AGENT,
      subject_user_id: id,
      details: { via: 'invitation' },
    });
  });
});

describe('sign-ins', () => {
  it('one that succeeds, with the address and user agent it came from', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      remoteAddress: IP,
      headers: { origin: test.app.config.publicUrl, 'user-agent': AGENT },
      payload: { email: member.email, password: member.password },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(await newRows()).toMatchObject([
      {
        action: 'signin.succeeded',
        outcome: 'success',
        ...by(member, () => memberId),
        subject_user_id: memberId,
        details: { method: 'password' },
      },
    ]);
  });

  it("one refused: an account's address names it; an unknown address is not kept; never the password", async () => {
    const wrong = 'Wrong-Password-Canary-42';
    const failed = (email: string) =>
      test.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        remoteAddress: IP,
        headers: { origin: test.app.config.publicUrl, 'user-agent': AGENT },
        payload: { email, password: wrong },
      });
    expect((await failed(member.email)).statusCode).toBe(401);
    const stranger = uniqueEmail('stranger');
    expect((await failed(stranger)).statusCode).toBe(401);
    const rows = await newRows();
    expect(rows).toMatchObject([
      {
        action: 'signin.failed',
        outcome: 'failure',
        actor_id: null,
        ip: IP,
        user_agent: AGENT,
        subject_user_id: memberId,
        details: { method: 'password', status: 401, email: member.email },
      },
      { action: 'signin.failed', outcome: 'failure', actor_id: null, ip: IP, subject_user_id: null, target_id: null },
    ]);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(stranger);
  });
});

const NO_LIMITS = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };

describe('limits, prices and billing', () => {
  it('the default budget: each limit that changed, before and after, as numbers', async () => {
    const first = await send(admin, 'PUT', '/api/admin/limits/default', {
      global: { ...NO_LIMITS, dayMicrousd: 5_000_000 },
      personal: NO_LIMITS,
    });
    expect(first.statusCode, first.body).toBe(200);
    const second = await send(admin, 'PUT', '/api/admin/limits/default', {
      global: { ...NO_LIMITS, dayMicrousd: 7_000_000, monthTokens: 900 },
      personal: NO_LIMITS,
      minUsefulOutputTokens: 128,
    });
    expect(second.statusCode, second.body).toBe(200);
    const rows = await newRows();
    expect(rows).toMatchObject([
      {
        action: 'budget.changed',
        ...by(admin, () => adminId),
        target_kind: 'budget',
        target_id: 'default',
        subject_user_id: null,
        details: { scope: 'default', globalDayMicrousdBefore: null, globalDayMicrousd: 5_000_000 },
      },
      {
        action: 'budget.changed',
        details: {
          globalDayMicrousdBefore: 5_000_000,
          globalDayMicrousd: 7_000_000,
          globalMonthTokensBefore: null,
          globalMonthTokens: 900,
          minUsefulOutputTokensBefore: 256,
          minUsefulOutputTokens: 128,
        },
      },
    ]);
    expect(rows[1]?.details).not.toHaveProperty('personalDayMicrousd');
    await admin.put('/api/admin/limits/default', { global: NO_LIMITS, personal: NO_LIMITS });
    await newRows();
  });

  it("a user's budget and rate limits: two rows about that user", async () => {
    const answer = await send(admin, 'PUT', `/api/admin/users/${memberId}/limits`, {
      global: { ...NO_LIMITS, monthMicrousd: 3_000_000 },
      personal: null,
      requestsPerMinute: 20,
      tokensPerMinute: null,
    });
    expect(answer.statusCode, answer.body).toBe(200);
    // One transaction: its rows share a time, so their order is the action's.
    const rows = (await newRows()).sort((a, b) => a.action.localeCompare(b.action));
    expect(rows).toMatchObject([
      {
        action: 'budget.changed',
        ...by(admin, () => adminId),
        target_kind: 'budget',
        target_id: memberId,
        subject_user_id: memberId,
        details: { scope: 'user', globalMonthMicrousdBefore: null, globalMonthMicrousd: 3_000_000 },
      },
      {
        action: 'rate_limit.changed',
        target_kind: 'rate_limit',
        target_id: memberId,
        subject_user_id: memberId,
        details: { requestsPerMinuteBefore: null, requestsPerMinute: 20 },
      },
    ]);
  });

  it("a group's budget: made with one, then changed", async () => {
    const made = await send(admin, 'POST', '/api/admin/groups', {
      name: `Audit ${Date.now()}`,
      budgets: { ...NO_LIMITS, dayTokens: 100 },
    });
    expect(made.statusCode, made.body).toBe(201);
    const groupId = made.json().id;
    const changed = await send(admin, 'PATCH', `/api/admin/groups/${groupId}`, {
      budgets: { ...NO_LIMITS, dayTokens: 5000 },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    // A change that leaves the budgets alone is no budget change.
    expect((await send(admin, 'PATCH', `/api/admin/groups/${groupId}`, { description: 'x' })).statusCode).toBe(200);
    const group = {
      action: 'budget.changed',
      ...by(admin, () => adminId),
      target_kind: 'budget',
      target_id: `group/${groupId}`,
    };
    expect(await newRows()).toMatchObject([
      { ...group, details: { scope: 'group', dayTokensBefore: null, dayTokens: 100 } },
      { ...group, details: { scope: 'group', dayTokensBefore: 100, dayTokens: 5000 } },
    ]);
  });

  it('a price: the new one beside the one in force until then', async () => {
    const answer = await send(admin, 'POST', '/api/admin/prices', {
      provider: 'openai',
      model: 'gpt-4o-mini',
      effectiveFrom: new Date().toISOString(),
      inputMicrousdPerMtok: 111,
      outputMicrousdPerMtok: 222,
    });
    expect(answer.statusCode, answer.body).toBe(201);
    expect(await newRows()).toMatchObject([
      {
        action: 'price.changed',
        ...by(admin, () => adminId),
        target_kind: 'price',
        target_id: answer.json().id,
        details: {
          model: 'openai/gpt-4o-mini',
          inputMicrousdPerMtok: 111,
          outputMicrousdPerMtok: 222,
          inputMicrousdPerMtokBefore: 150_000,
          outputMicrousdPerMtokBefore: 600_000,
        },
      },
    ]);
  });

  it('a plan made and retired, the billing policy, a plan granted and taken back', async () => {
    const made = await send(admin, 'POST', '/api/admin/plans', {
      name: 'Pro',
      prices: { month: null, year: null },
      budgets: { ...NO_LIMITS, monthMicrousd: 10_000_000 },
    });
    expect(made.statusCode, made.body).toBe(201);
    const planId = made.json().id;
    expect((await send(admin, 'PUT', '/api/admin/billing', { policy: 'subscribers', graceDays: 4 })).statusCode).toBe(
      200,
    );
    expect((await send(admin, 'PUT', `/api/admin/users/${memberId}/plan`, { planId })).statusCode).toBe(200);
    expect((await send(admin, 'PUT', `/api/admin/users/${memberId}/plan`, { planId: null })).statusCode).toBe(200);
    expect((await send(admin, 'PATCH', `/api/admin/plans/${planId}`, { active: false })).statusCode).toBe(200);
    const rows = await newRows();
    expect(rows).toMatchObject([
      {
        action: 'plan.changed',
        target_kind: 'plan',
        target_id: planId,
        details: { name: 'Pro', created: true, budgetMonthMicrousd: 10_000_000, active: true },
      },
      {
        action: 'billing.policy_changed',
        target_kind: 'billing',
        details: { policyBefore: null, policy: 'subscribers', graceDays: 4 },
      },
      { action: 'plan.granted', target_id: planId, subject_user_id: memberId, details: { plan: 'Pro', until: null } },
      { action: 'plan.revoked', target_id: planId, subject_user_id: memberId },
      { action: 'plan.changed', target_id: planId, details: { created: false, activeBefore: true, active: false } },
    ]);
    for (const row of rows) expect(row).toMatchObject(by(admin, () => adminId));
    await admin.put('/api/admin/billing', { policy: 'everyone' });
    await newRows();
  });
});

describe('secrets never enter the trail', () => {
  it('canary keys saved as personal and global keys, replaced, refused and deleted: in no row, in no encoding', async () => {
    const canaries: string[] = [];
    for (const provider of allProviders) {
      for (const url of [`/api/keys/${provider}`, `/api/admin/keys/${provider}`]) {
        const client = url.startsWith('/api/admin') ? admin : member;
        const first = makeKey[provider]();
        const second = makeKey[provider]();
        const refused = makeKey[provider]();
        canaries.push(first, second, refused);
        fakes.byProvider[provider].rejectKeys.add(refused);
        expect((await client.put(url, { apiKey: first })).statusCode).toBe(200);
        expect((await client.put(url, { apiKey: second, verify: true })).statusCode).toBe(200);
        expect((await client.put(url, { apiKey: refused, verify: true })).statusCode).toBe(502);
        expect((await client.delete(url)).statusCode).toBe(204);
        expect((await client.put(url, { apiKey: first })).statusCode).toBe(200);
      }
    }
    const rows = await newRows();
    expect(rows.length).toBe(allProviders.length * 2 * 5);
    const text = JSON.stringify(await rowsOf(sql`select * from audit_event`));
    for (const canary of canaries) {
      for (const [encoding, form] of Object.entries(keyEncodings(canary))) {
        expect(text.includes(form), `${encoding} of a key in audit_event`).toBe(false);
      }
    }
  });
});

describe('a change whose audit row cannot be written does not happen', () => {
  /** Makes the database refuse every audit row of this action, for the length of `work`. */
  async function refusingRowsOf(action: string, work: () => Promise<void>) {
    const db = test.app.database.db;
    await db.execute(
      sql.raw(`create or replace function audit_test_refuse() returns trigger language plpgsql as $$
        begin
          if NEW.action = '${action}' then raise exception 'audit row refused by the test'; end if;
          return NEW;
        end; $$`),
    );
    await db.execute(
      sql`create trigger audit_test_refuse before insert on audit_event for each row execute function audit_test_refuse()`,
    );
    try {
      await work();
    } finally {
      await db.execute(sql`drop trigger audit_test_refuse on audit_event`);
      await db.execute(sql`drop function audit_test_refuse()`);
    }
  }

  it('a personal key is not saved, replaced or deleted', async () => {
    const kept = makeKey.mistral();
    expect((await member.put('/api/keys/mistral', { apiKey: kept })).statusCode).toBe(200);
    const mask = (await member.get('/api/keys'))
      .json()
      .providers.find((p: { provider: string }) => p.provider === 'mistral').personal.mask;
    await refusingRowsOf('key.personal.replaced', async () => {
      expect((await member.put('/api/keys/mistral', { apiKey: makeKey.mistral() })).statusCode).toBe(500);
    });
    await refusingRowsOf('key.personal.deleted', async () => {
      expect((await member.delete('/api/keys/mistral')).statusCode).toBe(500);
    });
    const after = (await member.get('/api/keys'))
      .json()
      .providers.find((p: { provider: string }) => p.provider === 'mistral');
    expect(after.personal.mask).toBe(mask);
    // The key in use is still the one whose rows were written.
    expect(await test.app.vault.getApiKey(memberId, 'mistral')).toBe(kept);
  });

  it('a budget is not changed', async () => {
    await refusingRowsOf('budget.changed', async () => {
      const refused = await admin.put(`/api/admin/users/${memberId}/limits`, {
        global: { ...NO_LIMITS, dayTokens: 1 },
        personal: null,
        requestsPerMinute: null,
        tokensPerMinute: null,
      });
      expect(refused.statusCode).toBe(500);
    });
    const view = (await admin.get(`/api/admin/users/${memberId}/limits`)).json();
    expect(view.override.global).toMatchObject({ monthMicrousd: 3_000_000, dayTokens: null });
  });

  it('an account is not disabled, and an access token is not made', async () => {
    const other = await signUp(test.app);
    const otherId = (await other.get('/api/me')).json().id;
    await refusingRowsOf('account.disabled', async () => {
      expect((await admin.patch(`/api/admin/users/${otherId}`, { disabled: true })).statusCode).toBe(500);
    });
    expect((await other.get('/api/me')).statusCode).toBe(200);
    await refusingRowsOf('token.created', async () => {
      expect((await other.post('/api/tokens', { name: 'x' })).statusCode).toBe(500);
    });
    expect((await other.get('/api/tokens')).json().tokens).toEqual([]);
  });
});
