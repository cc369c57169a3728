// The first run over HTTP: the admins' checklist read from the real state (each step flips when
// its state changes, skipped and dismissed are the only things stored), closing sign-up from the
// web app, global keys checked with the provider (the provider's reason comes back; saved unchecked
// on request), the number of users a global key's deletion cuts off, the public address in
// /api/info, and the operator told once when browsers come from another address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signUp, uniqueEmail } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { NO_LIMITS } from './helpers/limits.ts';

let test: TestApp;
let fakes: FakeUpstreams;
let admin: Client;

type Step = { id: string; done: boolean; skipped: boolean; [field: string]: unknown };
type View = { steps: Step[]; dismissed: boolean; openToAnyone: boolean };
const checklist = async () => {
  const response = await admin.get('/api/admin/first-run');
  expect(response.statusCode).toBe(200);
  return response.json() as View;
};
const step = async (id: string) => (await checklist()).steps.find((entry) => entry.id === id);

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env });
  admin = await signUp(test.app);
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('who may read and change it', () => {
  it('answers admins only', async () => {
    const user = await signUp(test.app);
    for (const client of [anonymous(test.app), user]) {
      const expected = client === user ? 403 : 401;
      expect((await client.get('/api/admin/first-run')).statusCode).toBe(expected);
      expect((await client.put('/api/admin/first-run', { dismissed: true })).statusCode).toBe(expected);
      expect((await client.get('/api/admin/keys/openai/impact')).statusCode).toBe(expected);
    }
    // The user's own account makes the "invite" step done from here on: delete it to start clean.
    const id = (await user.get('/api/me')).json().id as string;
    expect((await admin.delete(`/api/admin/users/${id}`)).statusCode).toBe(204);
  });

  it('refuses an unknown step and an unknown provider', async () => {
    expect((await admin.put('/api/admin/first-run', { skipped: ['everything'] })).statusCode).toBe(400);
    expect((await admin.get('/api/admin/keys/nobody/impact')).statusCode).toBe(400);
  });
});

describe('the checklist', () => {
  it('starts with nothing done, open to anyone', async () => {
    const view = await checklist();
    expect(view.steps.map((entry) => entry.id)).toEqual(['keys', 'models', 'budget', 'signup', 'invite', 'timeZone']);
    expect(view.steps.every((entry) => !entry.done && !entry.skipped)).toBe(true);
    expect(view).toMatchObject({ dismissed: false, openToAnyone: true });
    expect(await step('signup')).toMatchObject({ signupOpen: true });
  });

  it('keys: done once every global key was checked with the provider', async () => {
    const accepted = makeKey.openai();
    expect((await admin.put('/api/admin/keys/openai', { apiKey: accepted, verify: true })).statusCode).toBe(200);
    expect(await step('keys')).toMatchObject({ done: true, configured: ['openai'], unverified: [] });

    const unchecked = makeKey.mistral();
    expect((await admin.put('/api/admin/keys/mistral', { apiKey: unchecked, verify: false })).statusCode).toBe(200);
    expect(await step('keys')).toMatchObject({
      done: false,
      configured: ['openai', 'mistral'],
      unverified: ['mistral'],
    });
    expect((await admin.get('/api/admin/keys')).json().providers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'openai', verified: true }),
        expect.objectContaining({ provider: 'mistral', verified: false }),
      ]),
    );

    expect((await admin.put('/api/admin/keys/mistral', { apiKey: unchecked, verify: true })).statusCode).toBe(200);
    expect(await step('keys')).toMatchObject({ done: true, unverified: [] });
  });

  it('models: done once the admin chose the offer', async () => {
    expect((await admin.put('/api/admin/models', { offered: ['openai/gpt-5-nano'] })).statusCode).toBe(200);
    expect(await step('models')).toMatchObject({ done: true });
    expect((await admin.put('/api/admin/models', { offered: 'all' })).statusCode).toBe(200);
    expect(await step('models')).toMatchObject({ done: false });
  });

  it('budget: done with a default budget on the global keys, which also ends "open to anyone"', async () => {
    const budget = { ...NO_LIMITS, dayMicrousd: 1_000_000 };
    expect((await admin.put('/api/admin/limits/default', { global: budget, personal: NO_LIMITS })).statusCode).toBe(
      200,
    );
    expect(await checklist()).toMatchObject({ openToAnyone: false });
    expect(await step('budget')).toMatchObject({ done: true });
    // A budget on the personal keys only bounds nothing the operator pays for.
    expect((await admin.put('/api/admin/limits/default', { global: NO_LIMITS, personal: budget })).statusCode).toBe(
      200,
    );
    expect(await checklist()).toMatchObject({ openToAnyone: true });
    expect(await step('budget')).toMatchObject({ done: false });
  });

  it('signup: closing it from the web app refuses sign-ups, and ends "open to anyone"', async () => {
    const closed = await admin.put('/api/admin/account-settings', { signup: 'closed' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ signup: 'closed', signupsPerAddressPerMinute: 10 });
    expect(await step('signup')).toMatchObject({ done: true, signupOpen: false });
    expect(await checklist()).toMatchObject({ openToAnyone: false });
    await expect(signUp(test.app)).rejects.toThrow(/SIGNUP_CLOSED/);

    // Admins still create accounts; the other setting is kept.
    const made = await admin.post('/api/admin/users', {
      name: 'Made',
      email: uniqueEmail('made'),
      password: 'correct horse battery staple',
    });
    expect(made.statusCode).toBe(201);
    expect(await step('invite')).toMatchObject({ done: true });
    expect((await admin.delete(`/api/admin/users/${made.json().id}`)).statusCode).toBe(204);
    expect(await step('invite')).toMatchObject({ done: false });

    const opened = await admin.put('/api/admin/account-settings', { signup: 'open' });
    expect(opened.json()).toMatchObject({ signup: 'open' });
    expect(await step('signup')).toMatchObject({ done: false, signupOpen: true });
    expect(await checklist()).toMatchObject({ openToAnyone: true });
  });

  it('invite: done once someone else has an account or an invitation', async () => {
    expect(await step('invite')).toMatchObject({ done: false });
    const invited = await admin.post('/api/admin/invitations', { emails: [uniqueEmail('invitee')] });
    expect(invited.statusCode).toBe(201);
    expect(await step('invite')).toMatchObject({ done: true });
  });

  it('timeZone: done once an admin chose the zone (the display settings)', async () => {
    expect(await step('timeZone')).toMatchObject({ done: false, timeZone: 'UTC' });
    const saved = await admin.put('/api/admin/settings/display', { timeZone: 'Europe/Paris' });
    expect(saved.statusCode).toBe(200);
    expect(await step('timeZone')).toMatchObject({ done: true, timeZone: 'Europe/Paris' });
    expect((await admin.put('/api/admin/settings/display', { timeZone: null })).statusCode).toBe(200);
    expect(await step('timeZone')).toMatchObject({ done: false });
  });

  it('stores only what the admin says: skipped steps and dismissed', async () => {
    const skipped = await admin.put('/api/admin/first-run', { skipped: ['signup', 'timeZone', 'signup'] });
    expect(skipped.statusCode).toBe(200);
    const view = skipped.json() as View;
    expect(view.steps.find((entry) => entry.id === 'signup')).toMatchObject({ done: false, skipped: true });
    expect(view.steps.find((entry) => entry.id === 'timeZone')).toMatchObject({ done: false, skipped: true });
    expect(view.steps.find((entry) => entry.id === 'budget')).toMatchObject({ skipped: false });
    // Keeping sign-up open is a choice, not a budget: the warning stays.
    expect(view.openToAnyone).toBe(true);
    expect(view.dismissed).toBe(false);

    // A skipped step that is then done says done.
    await admin.put('/api/admin/account-settings', { signup: 'closed' });
    expect(await step('signup')).toMatchObject({ done: true, skipped: false });
    await admin.put('/api/admin/account-settings', { signup: 'open' });

    expect((await admin.put('/api/admin/first-run', { dismissed: true })).json()).toMatchObject({ dismissed: true });
    expect(await checklist()).toMatchObject({ dismissed: true });
    expect((await step('signup'))?.skipped).toBe(true);
    expect((await admin.put('/api/admin/first-run', { dismissed: false, skipped: [] })).json()).toMatchObject({
      dismissed: false,
    });
    expect((await step('signup'))?.skipped).toBe(false);
  });
});

describe('a global key checked with the provider', () => {
  it("gives the provider's reason when it refuses, stores nothing, and saves unchecked when asked", async () => {
    const rejected = makeKey.groq();
    fakes.byProvider.groq.rejectKeys.add(rejected);
    const refused = await admin.put('/api/admin/keys/groq', { apiKey: rejected, verify: true });
    expect(refused.statusCode).toBe(502);
    const error = refused.json().error;
    expect(error).toMatchObject({ code: 'provider_rejected_key', provider: 'groq', source: 'global' });
    expect(error.providerMessage).toEqual(expect.any(String));
    expect(error.providerMessage.length).toBeGreaterThan(0);
    expect(JSON.stringify(error)).not.toContain(rejected);
    expect((await admin.get('/api/admin/keys')).json().providers).toContainEqual(
      expect.objectContaining({ provider: 'groq', configured: false }),
    );

    const anyway = await admin.put('/api/admin/keys/groq', { apiKey: rejected, verify: false });
    expect(anyway.statusCode).toBe(200);
    expect(anyway.json().verified).toBeUndefined();
    expect(await step('keys')).toMatchObject({ done: false, unverified: ['groq'] });
    expect((await admin.delete('/api/admin/keys/groq')).statusCode).toBe(204);
    expect(await step('keys')).toMatchObject({ done: true });
  });
});

describe("a global key's deletion, counted", () => {
  it('counts the active users without a personal key for that provider', async () => {
    const impact = async (provider: string) => {
      const response = await admin.get(`/api/admin/keys/${provider}/impact`);
      expect(response.statusCode).toBe(200);
      return response.json().usersAffected as number;
    };
    const before = await impact('openai');
    const withKey = await signUp(test.app);
    const plain = await signUp(test.app);
    const disabled = await signUp(test.app);
    expect(await impact('openai')).toBe(before + 3);

    expect((await withKey.put('/api/keys/openai', { apiKey: makeKey.openai() })).statusCode).toBe(200);
    expect(await impact('openai')).toBe(before + 2);
    // Another provider's personal key changes nothing for this one.
    expect(await impact('anthropic')).toBe(before + 3);

    const disabledId = (await disabled.get('/api/me')).json().id as string;
    expect((await admin.patch(`/api/admin/users/${disabledId}`, { disabled: true })).statusCode).toBe(200);
    expect(await impact('openai')).toBe(before + 1);

    // The one left is the plain user (the admin was counted in `before`).
    const plainId = (await plain.get('/api/me')).json().id as string;
    expect((await admin.delete(`/api/admin/users/${plainId}`)).statusCode).toBe(204);
    expect(await impact('openai')).toBe(before);
  });

  it('counts only the users billing lets onto the global keys', async () => {
    await signUp(test.app);
    const before = (await admin.get('/api/admin/keys/openai/impact')).json().usersAffected as number;
    expect(before).toBeGreaterThan(1);
    expect((await admin.put('/api/admin/billing', { policy: 'subscribers' })).statusCode).toBe(200);
    // Only the admin (never refused by the policy) is left.
    expect((await admin.get('/api/admin/keys/openai/impact')).json().usersAffected).toBe(1);
    expect((await checklist()).openToAnyone).toBe(false);
    expect((await admin.put('/api/admin/billing', { policy: 'everyone' })).statusCode).toBe(200);
  });
});

describe('the public address', () => {
  it('is in /api/info, for the sign-in page to compare with its own', async () => {
    const info = await anonymous(test.app).get('/api/info');
    expect(info.json()).toMatchObject({ publicOrigin: new URL(test.app.config.publicUrl).origin });
  });

  it('tells the operator once when a browser sends changes from another address', async () => {
    const wrong = 'http://127.0.0.1:3999';
    const attempt = () =>
      test.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        headers: { origin: wrong, 'content-type': 'application/json' },
        payload: { email: 'nobody@example.com', password: 'not the password' },
      });
    const refused = await attempt();
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'INVALID_ORIGIN' });
    await attempt();
    const warnings = test.logs.filter((line) => line.includes('WEBOX_PUBLIC_URL') && line.includes(wrong));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(new URL(test.app.config.publicUrl).origin);
    expect(warnings[0]).not.toContain('not the password');
  });
});
