// Groups over real HTTP: the admin's CRUD and members, a group admin who sees and manages their
// own group only (another group answers 404, admin routes 403), the one order of budgets
// (own > group > plan > default) on /api/limits, in Admin › Users and in real admission, and the
// model list the model policy reads (app.groups.modelsOf), dropped on every change.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/server/audit/audit-trail.ts';
import { inTransaction } from '../src/server/db/after-commit.ts';
import { GROUP_CHANNEL } from '../src/server/groups/group-service.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { type Member, member, NO_LIMITS, setLimits, v1 } from './helpers/limits.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let groupCounter = 0;

const uniqueName = (prefix = 'Class') => `${prefix} ${++groupCounter}-${Date.now().toString(36)}`;

async function createGroup(body: Record<string, unknown> = {}) {
  const created = await admin.post('/api/admin/groups', { name: uniqueName(), ...body });
  expect(created.statusCode).toBe(201);
  return created.json() as { id: string; name: string };
}

/** The user's group as the admin's list of users shows it. */
async function groupOf(userId: string) {
  const membership = await test.app.groups.membershipOf(userId);
  return membership ? { id: membership.groupId, name: membership.name, role: membership.role } : null;
}

const join = (groupId: string, userId: string, role?: 'member' | 'admin') =>
  admin.put(`/api/admin/groups/${groupId}/members/${userId}`, role ? { role } : {});

const globalLines = async (who: Member) =>
  (await who.client.get('/api/limits'))
    .json()
    .budgets.filter((line: { source: string }) => line.source === 'global') as Array<Record<string, unknown>>;

const setDefault = (global: Record<string, number | null>) =>
  admin.put('/api/admin/limits/default', { global, personal: NO_LIMITS });

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env });
  admin = await signUp(test.app, { name: 'Admin' });
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
});

beforeEach(async () => {
  fakes.reset();
  await setDefault(NO_LIMITS);
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('the admin manages groups', () => {
  it('creates, lists, reads, changes and deletes a group', async () => {
    const name = uniqueName('3e B');
    const created = await admin.post('/api/admin/groups', {
      name,
      description: 'Mme Martin',
      budgets: { ...NO_LIMITS, dayMicrousd: 10_000_000 },
      models: ['openai/gpt-4.1-mini', 'openai/gpt-4.1-mini'],
    });
    expect(created.statusCode).toBe(201);
    const group = created.json();
    expect(group).toMatchObject({
      name,
      description: 'Mme Martin',
      budgets: { ...NO_LIMITS, dayMicrousd: 10_000_000 },
      models: ['openai/gpt-4.1-mini'],
      memberCount: 0,
    });
    const listed = (await admin.get('/api/admin/groups')).json().groups;
    expect(listed.map((entry: { id: string }) => entry.id)).toContain(group.id);

    const changed = await admin.patch(`/api/admin/groups/${group.id}`, { models: null, description: '' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ name, description: '', models: null });
    expect((await admin.get(`/api/admin/groups/${group.id}`)).json()).toMatchObject({ members: [], models: null });

    expect((await admin.delete(`/api/admin/groups/${group.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/admin/groups/${group.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/admin/groups/${group.id}`)).statusCode).toBe(404);
  });

  it('refuses a taken name, unknown or malformed models, empty changes and unknown ids', async () => {
    const group = await createGroup();
    const taken = await admin.post('/api/admin/groups', { name: group.name });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('group_name_taken');
    const other = await createGroup();
    const renamed = await admin.patch(`/api/admin/groups/${other.id}`, { name: group.name });
    expect(renamed.statusCode).toBe(409);
    expect(renamed.json().error.code).toBe('group_name_taken');

    const unknown = await admin.post('/api/admin/groups', { name: uniqueName(), models: ['openai/not-a-model'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'invalid_request', param: 'models' });
    for (const models of [['gpt-4.1'], ['openai/../x'], ['openai/a b']]) {
      const malformed = await admin.post('/api/admin/groups', { name: uniqueName(), models });
      expect(malformed.statusCode).toBe(400);
    }
    const hostileName = await admin.post('/api/admin/groups', { name: 'two\nlines' });
    expect(hostileName.statusCode).toBe(400);
    expect((await admin.patch(`/api/admin/groups/${group.id}`, {})).statusCode).toBe(400);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      expect((await admin.get(`/api/admin/groups/${id}`)).statusCode).toBe(404);
      expect((await admin.patch(`/api/admin/groups/${id}`, { description: 'x' })).statusCode).toBe(404);
    }
  });

  it('adds members, moves them (one group per user), names an admin, and takes members out', async () => {
    const first = await createGroup();
    const second = await createGroup();
    const student = await member(test);
    expect((await join(first.id, student.id)).json().members).toMatchObject([{ userId: student.id, role: 'member' }]);
    expect(await groupOf(student.id)).toEqual({
      id: first.id,
      name: first.name,
      role: 'member',
    });

    const moved = await join(second.id, student.id, 'admin');
    expect(moved.statusCode).toBe(200);
    expect(moved.json().members).toMatchObject([{ userId: student.id, role: 'admin' }]);
    expect((await admin.get(`/api/admin/groups/${first.id}`)).json().members).toEqual([]);
    expect((await admin.get('/api/admin/groups')).json().groups).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: second.id, memberCount: 1 })]),
    );

    expect((await admin.delete(`/api/admin/groups/${first.id}/members/${student.id}`)).statusCode).toBe(404);
    expect((await join(first.id, 'no-such-user')).statusCode).toBe(404);
    expect((await join('00000000-0000-4000-8000-000000000000', student.id)).statusCode).toBe(404);
    expect((await admin.put(`/api/admin/groups/${first.id}/members/${student.id}`, { role: 'owner' })).statusCode).toBe(
      400,
    );
    expect((await admin.delete(`/api/admin/groups/${second.id}/members/${student.id}`)).statusCode).toBe(204);
    expect(await groupOf(student.id)).toBeNull();
  });

  it('keeps the members when a group is deleted', async () => {
    const group = await createGroup();
    const student = await member(test);
    await join(group.id, student.id);
    expect((await admin.delete(`/api/admin/groups/${group.id}`)).statusCode).toBe(204);
    expect(await groupOf(student.id)).toBeNull();
  });
});

describe('who may call the group routes', () => {
  it('refuses users (403) and anonymous callers (401) on every admin route', async () => {
    const group = await createGroup();
    const user = await member(test);
    const groupAdmin = await member(test);
    await join(group.id, groupAdmin.id, 'admin');
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/admin/groups'],
      ['POST', '/api/admin/groups', { name: uniqueName() }],
      ['GET', `/api/admin/groups/${group.id}`],
      ['PATCH', `/api/admin/groups/${group.id}`, { description: 'x' }],
      ['DELETE', `/api/admin/groups/${group.id}`],
      ['PUT', `/api/admin/groups/${group.id}/members/${user.id}`, {}],
      ['DELETE', `/api/admin/groups/${group.id}/members/${groupAdmin.id}`],
    ];
    for (const [method, url, payload] of routes) {
      const options = { method: method as 'GET', url, ...(payload ? { payload: payload as object } : {}) };
      expect((await user.client.request(options)).statusCode, `${method} ${url}`).toBe(403);
      expect((await groupAdmin.client.request(options)).statusCode, `${method} ${url}`).toBe(403);
      expect((await anonymous(test.app).request(options)).statusCode, `${method} ${url}`).toBe(401);
    }
    // Nothing changed.
    expect((await admin.get(`/api/admin/groups/${group.id}`)).json().members).toHaveLength(1);
    expect((await anonymous(test.app).get('/api/group')).statusCode).toBe(401);
  });

  it("lets a group admin see their group's members and usage, and manage its members only", async () => {
    const mine = await createGroup();
    const theirs = await createGroup();
    const groupAdmin = await member(test);
    const student = await member(test);
    const otherAdmin = await member(test);
    const outsider = await member(test);
    const stranger = await member(test);
    await join(mine.id, groupAdmin.id, 'admin');
    await join(mine.id, student.id);
    await join(theirs.id, otherAdmin.id, 'admin');
    await join(theirs.id, outsider.id);

    // The student spends something on the global keys: the group admin sees it.
    expect(
      (await v1(test, student.token, { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'Hi' }] }))
        .statusCode,
    ).toBe(200);
    await test.app.metering.ledger.flush();
    const seen = await groupAdmin.client.get('/api/group');
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ id: mine.id, name: mine.name });
    const members = seen.json().members as Array<{ userId: string; spentGlobal: { monthTokens: number } }>;
    expect(members.map((entry) => entry.userId).sort()).toEqual([groupAdmin.id, student.id].sort());
    // Another group's people are never in the answer.
    expect(seen.body).not.toContain(outsider.id);
    expect(seen.body).not.toContain(otherAdmin.id);

    // A plain member, and someone in no group, administer nothing: 404.
    expect((await student.client.get('/api/group')).statusCode).toBe(404);
    expect((await stranger.client.get('/api/group')).statusCode).toBe(404);

    // Another group's member: 404, whatever the group admin does; nothing changes.
    expect((await groupAdmin.client.delete(`/api/group/members/${outsider.id}`)).statusCode).toBe(404);
    expect((await groupAdmin.client.delete(`/api/group/members/${otherAdmin.id}`)).statusCode).toBe(404);
    expect((await groupAdmin.client.post('/api/group/members', { email: outsider.client.email })).statusCode).toBe(404);
    expect((await groupOf(outsider.id))?.id).toBe(theirs.id);
    expect((await groupAdmin.client.post('/api/group/members', { email: 'nobody@example.com' })).statusCode).toBe(404);
    // The group's admins are the site admin's to change: 403 on themselves.
    expect((await groupAdmin.client.delete(`/api/group/members/${groupAdmin.id}`)).statusCode).toBe(403);
    // A member can't manage the group.
    expect((await student.client.post('/api/group/members', { email: stranger.client.email })).statusCode).toBe(404);

    // Someone in no group is added, by e-mail (any case), and taken out again.
    const added = await groupAdmin.client.post('/api/group/members', { email: stranger.client.email.toUpperCase() });
    expect(added.statusCode).toBe(200);
    expect(added.json().members.map((entry: { userId: string }) => entry.userId)).toContain(stranger.id);
    expect(await groupOf(stranger.id)).toEqual({
      id: mine.id,
      name: mine.name,
      role: 'member',
    });
    expect((await groupAdmin.client.delete(`/api/group/members/${stranger.id}`)).statusCode).toBe(204);
    expect(await groupOf(stranger.id)).toBeNull();

    // A group admin is a plain user elsewhere.
    expect((await groupAdmin.client.get('/api/admin/users')).statusCode).toBe(403);
  });
});

describe('budgets in one order: own > group > plan > default', () => {
  it('shows on /api/limits and in Admin › Users which one is in force, and where it comes from', async () => {
    const user = await member(test);
    await setDefault({ ...NO_LIMITS, dayTokens: 100 });
    expect(await globalLines(user)).toMatchObject([{ limit: 100, origin: 'default', originName: null }]);

    const plan = await admin.post('/api/admin/plans', {
      name: uniqueName('Plan'),
      prices: { month: null, year: null },
      budgets: { ...NO_LIMITS, dayTokens: 200 },
    });
    await admin.put(`/api/admin/users/${user.id}/plan`, { planId: plan.json().id });
    expect(await globalLines(user)).toMatchObject([{ limit: 200, origin: 'plan', originName: plan.json().name }]);

    const group = await createGroup({ budgets: { ...NO_LIMITS, dayTokens: 300 } });
    await join(group.id, user.id);
    expect(await globalLines(user)).toMatchObject([{ limit: 300, origin: 'group', originName: group.name }]);

    await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayTokens: 400 } });
    expect(await globalLines(user)).toMatchObject([{ limit: 400, origin: 'user' }]);
    const listed = (await admin.get('/api/admin/limits'))
      .json()
      .users.find((entry: { userId: string }) => entry.userId === user.id);
    expect(listed.effective.global).toEqual({ ...NO_LIMITS, dayTokens: 400 });
    expect(listed.origins.global).toEqual({ dayTokens: { origin: 'user', name: null } });

    // Taken away one by one, each gives the next its place back.
    await setLimits(admin, user.id, {});
    const afterOwn = (await admin.get('/api/admin/limits'))
      .json()
      .users.find((entry: { userId: string }) => entry.userId === user.id);
    expect(afterOwn.origins.global).toEqual({ dayTokens: { origin: 'group', name: group.name } });
    // A group budget with no limit set leaves the plan in force.
    await admin.patch(`/api/admin/groups/${group.id}`, { budgets: NO_LIMITS });
    expect(await globalLines(user)).toMatchObject([{ limit: 200, origin: 'plan' }]);
    await admin.patch(`/api/admin/groups/${group.id}`, { budgets: { ...NO_LIMITS, monthTokens: 5000 } });
    expect(await globalLines(user)).toMatchObject([{ period: 'month', limit: 5000, origin: 'group' }]);
    await admin.delete(`/api/admin/groups/${group.id}/members/${user.id}`);
    expect(await globalLines(user)).toMatchObject([{ limit: 200, origin: 'plan' }]);
    await admin.put(`/api/admin/users/${user.id}/plan`, { planId: null });
    expect(await globalLines(user)).toMatchObject([{ limit: 100, origin: 'default' }]);
  });

  it("refuses with 429 quota_exceeded what the group's budget cannot fit, on the global keys only", async () => {
    const user = await member(test);
    const body = { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 100 };
    expect((await v1(test, user.token, body)).statusCode).toBe(200);
    const group = await createGroup({ budgets: { ...NO_LIMITS, dayTokens: 10 } });
    await join(group.id, user.id);
    const refused = await v1(test, user.token, body);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('quota_exceeded');
    const calls = fakes.byProvider.openai.requests.filter((request) => request.path.endsWith('/completions'));
    expect(calls).toHaveLength(1);

    // The user's own budget wins over the group's.
    await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayTokens: 1_000_000 } });
    expect((await v1(test, user.token, body)).statusCode).toBe(200);
    await setLimits(admin, user.id, {});
    expect((await v1(test, user.token, body)).statusCode).toBe(429);

    // A personal key is the user's own bill: the group's budget does not hold it.
    await user.client.put('/api/keys/openai', { apiKey: makeKey.openai() });
    expect((await v1(test, user.token, body)).statusCode).toBe(200);
    await user.client.delete('/api/keys/openai');

    // Out of the group: the default (none) again.
    await admin.delete(`/api/admin/groups/${group.id}/members/${user.id}`);
    expect((await v1(test, user.token, body)).statusCode).toBe(200);
  });
});

describe('the model list the model policy reads', () => {
  it('is null without a group or a list, and follows every change', async () => {
    const user = await member(test);
    expect(await test.app.groups.modelsOf(user.id)).toBeNull();
    const group = await createGroup({ models: ['openai/gpt-4.1-mini'] });
    await join(group.id, user.id);
    expect(await test.app.groups.modelsOf(user.id)).toEqual(['openai/gpt-4.1-mini']);
    await admin.patch(`/api/admin/groups/${group.id}`, { models: ['openai/gpt-4.1', 'anthropic/claude-sonnet-4-5'] });
    expect(await test.app.groups.modelsOf(user.id)).toEqual(['openai/gpt-4.1', 'anthropic/claude-sonnet-4-5']);
    await admin.patch(`/api/admin/groups/${group.id}`, { models: null });
    expect(await test.app.groups.modelsOf(user.id)).toBeNull();
    await admin.patch(`/api/admin/groups/${group.id}`, { models: [] });
    expect(await test.app.groups.modelsOf(user.id)).toEqual([]);
    await admin.delete(`/api/admin/groups/${group.id}`);
    expect(await test.app.groups.modelsOf(user.id)).toBeNull();
    expect(await test.app.groups.budgetsOf(user.id)).toBeNull();
  });
});

describe("the group service's writes in a caller's transaction", () => {
  it('announce a change once the transaction has committed, and nothing (and no member) when it rolls back', async () => {
    const heard: string[] = [];
    test.app.bus.subscribe(GROUP_CHANNEL, (message) => heard.push(message));
    const { db } = test.app.database;
    const user = await member(test);
    const group = await createGroup({ models: ['openai/gpt-4.1-mini'] });
    // Cached: in no group.
    expect(await test.app.groups.modelsOf(user.id)).toBeNull();

    await expect(
      inTransaction(db, async (scope) => {
        await test.app.groups.setMember(group.id, user.id, 'member', scope);
        throw new Error('the account could not be made');
      }),
    ).rejects.toThrow('the account could not be made');
    expect(heard).toEqual([]);
    expect((await admin.get(`/api/admin/groups/${group.id}`)).json().members).toEqual([]);
    expect(await test.app.groups.membershipsByUser([user.id])).toEqual(new Map());
    expect(await test.app.groups.modelsOf(user.id)).toBeNull();

    // An account that does not exist: 404, and the transaction rolls back.
    await expect(
      inTransaction(db, (scope) => test.app.groups.setMember(group.id, 'no-such-account', 'member', scope)),
    ).rejects.toMatchObject({ statusCode: 404 });
    expect(heard).toEqual([]);

    await inTransaction(db, async (scope) => {
      await test.app.groups.setMember(group.id, user.id, 'member', scope);
      expect(heard).toEqual([]);
    });
    expect(heard).toEqual([`u:${user.id}`]);
    expect(await test.app.groups.modelsOf(user.id)).toEqual(['openai/gpt-4.1-mini']);

    await inTransaction(db, async (scope) => {
      await test.app.groups.update(SYSTEM_ACTOR, group.id, { models: ['openai/gpt-4.1'] }, scope);
      await test.app.groups.removeMember(group.id, user.id, undefined, scope);
      expect(heard).toEqual([`u:${user.id}`]);
    });
    expect(heard).toEqual([`u:${user.id}`, `g:${group.id}`, `u:${user.id}`]);
    expect(await test.app.groups.modelsOf(user.id)).toBeNull();
  });
});
