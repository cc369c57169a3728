// Admin › Users over real HTTP: search, sort and pages counted on the server, the group column and
// filter, rename, and what deleting an account removes, counted first (usage rows included: they
// go with the account).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { member, v1 } from './helpers/limits.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
/** A tag in every name of this file's batch, so searches find exactly them. */
const TAG = `zq${Date.now().toString(36)}`;
const names = ['Camille', 'alice', 'Bob', 'Dominique', 'Émile'];
const batch: Array<{ id: string; name: string; email: string }> = [];

type Listed = { id: string; name: string; email: string; group: { id: string; name: string; role: string } | null };
const list = async (query: string) => {
  const answer = await admin.get(`/api/admin/users?${query}`);
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json() as { users: Listed[]; total: number; page: number; limit: number | null };
};

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env });
  admin = await signUp(test.app, { name: 'Admin' });
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  for (const name of names) {
    const client = await signUp(test.app, {
      name: `${name} ${TAG}`,
      email: `${name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}.${TAG}@example.com`,
    });
    const me = (await client.get('/api/me')).json();
    batch.push({ id: me.id, name: me.name, email: me.email });
  }
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('GET /api/admin/users', () => {
  it('answers every account, oldest first, without parameters (the contract of DESIGN §6)', async () => {
    const all = await list('');
    expect(all.users.map((user) => user.id)).toEqual([
      (await admin.get('/api/me')).json().id,
      ...batch.map((user) => user.id),
    ]);
    expect(all).toMatchObject({ total: batch.length + 1, page: 1, limit: null });
    expect(all.users[0]).toMatchObject({ role: 'admin', disabled: false, personalKeys: [], group: null });
  });

  it('searches names and e-mails in any case, with LIKE characters taken literally', async () => {
    expect((await list(`q=${TAG.toUpperCase()}`)).total).toBe(5);
    expect((await list(`q=${encodeURIComponent(`bob ${TAG}`)}`)).users.map((user) => user.id)).toEqual([batch[2]?.id]);
    expect((await list(`q=${encodeURIComponent(`alice.${TAG}@`)}`)).users.map((user) => user.id)).toEqual([
      batch[1]?.id,
    ]);
    expect((await list('q=%25')).total).toBe(0);
    expect((await list('q=_')).total).toBe(0);
    expect((await admin.get(`/api/admin/users?q=${encodeURIComponent('a\nb')}`)).statusCode).toBe(400);
  });

  it('sorts by name, e-mail or creation, either way, and cuts pages that never overlap', async () => {
    const byName = await list(`q=${TAG}&sort=name&order=asc`);
    const expected = [...batch].sort((a, b) => (a.name < b.name ? -1 : 1)).map((user) => user.id);
    // PostgreSQL's collation may order case and accents its own way; the order must be the same both ways.
    const reversed = await list(`q=${TAG}&sort=name&order=desc`);
    expect(reversed.users.map((user) => user.id)).toEqual([...byName.users.map((user) => user.id)].reverse());
    expect(byName.users.map((user) => user.id).sort()).toEqual(expected.sort());

    const newest = await list(`q=${TAG}&sort=createdAt&order=desc`);
    expect(newest.users.map((user) => user.id)).toEqual([...batch].reverse().map((user) => user.id));

    const pages = [];
    for (const page of [1, 2, 3]) pages.push(await list(`q=${TAG}&sort=email&limit=2&page=${page}`));
    expect(pages.map((answer) => answer.users.length)).toEqual([2, 2, 1]);
    for (const answer of pages) expect(answer).toMatchObject({ total: 5, limit: 2 });
    const paged = pages.flatMap((answer) => answer.users.map((user) => user.email));
    expect(paged).toEqual([...batch.map((user) => user.email)].sort());
    expect((await list(`q=${TAG}&limit=2&page=9`)).users).toEqual([]);

    for (const bad of ['sort=password', 'order=up', 'limit=0', 'limit=201', 'page=0', 'page=x']) {
      expect((await admin.get(`/api/admin/users?${bad}`)).statusCode, bad).toBe(400);
    }
  });

  it("shows each account's group and keeps one group's members, or those in none", async () => {
    const group = (await admin.post('/api/admin/groups', { name: `3e B ${TAG}` })).json();
    const [first, second] = batch;
    if (!first || !second) throw new Error('no batch');
    await admin.put(`/api/admin/groups/${group.id}/members/${first.id}`, { role: 'admin' });
    await admin.put(`/api/admin/groups/${group.id}/members/${second.id}`, {});
    const members = await list(`group=${group.id}`);
    expect(members.total).toBe(2);
    expect(members.users.map((user) => [user.id, user.group])).toEqual([
      [first.id, { id: group.id, name: group.name, role: 'admin' }],
      [second.id, { id: group.id, name: group.name, role: 'member' }],
    ]);
    const ungrouped = await list(`q=${TAG}&group=none`);
    expect(ungrouped.total).toBe(3);
    expect(ungrouped.users.every((user) => user.group === null)).toBe(true);
    expect((await list('group=00000000-0000-4000-8000-000000000000')).total).toBe(0);
    expect((await list('group=not-a-group')).total).toBe(0);
  });
});

describe('PATCH /api/admin/users/:id', () => {
  it('renames an account (one line, trimmed), and still changes role and state', async () => {
    const user = await member(test);
    const renamed = await admin.patch(`/api/admin/users/${user.id}`, { name: '  Jeanne Dupont ' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id: user.id, name: 'Jeanne Dupont', group: null });
    expect((await user.client.get('/api/me')).json().name).toBe('Jeanne Dupont');
    for (const name of ['', 'two\nlines', 'x'.repeat(201)]) {
      expect((await admin.patch(`/api/admin/users/${user.id}`, { name })).statusCode).toBe(400);
    }
    expect((await admin.patch(`/api/admin/users/${user.id}`, {})).statusCode).toBe(400);
    expect((await admin.patch(`/api/admin/users/${user.id}`, { role: 'admin' })).json().role).toBe('admin');
    // An admin may rename themselves.
    const myId = (await admin.get('/api/me')).json().id;
    expect((await admin.patch(`/api/admin/users/${myId}`, { name: 'Ada' })).json().name).toBe('Ada');
    // Another admin may rename them; a user may not rename anyone.
    expect((await user.client.patch(`/api/admin/users/${myId}`, { name: 'Ada L.' })).statusCode).toBe(200);
    const plain = await member(test);
    expect((await plain.client.patch(`/api/admin/users/${myId}`, { name: 'Mallory' })).statusCode).toBe(403);
  });
});

describe('deleting an account', () => {
  it('says first what goes with it, then deletes all of it', async () => {
    const user = await member(test, { personalKey: 'anthropic' });
    await user.client.post('/api/tokens', { name: 'second' });
    await user.client.post('/api/conversations', { provider: 'openai', model: 'gpt-4.1-mini' });
    const asked = await v1(test, user.token, {
      model: 'openai/gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(asked.statusCode).toBe(200);
    await test.app.metering.ledger.flush();
    const group = (await admin.post('/api/admin/groups', { name: `Delete ${TAG}` })).json();
    await admin.put(`/api/admin/groups/${group.id}/members/${user.id}`, {});

    const impact = await admin.get(`/api/admin/users/${user.id}/impact`);
    expect(impact.statusCode).toBe(200);
    expect(impact.json()).toEqual({
      userId: user.id,
      personalKeys: 1,
      accessTokens: 2,
      conversations: 1,
      usageRows: 1,
      group: { id: group.id, name: group.name, role: 'member' },
    });
    expect((await user.client.get(`/api/admin/users/${user.id}/impact`)).statusCode).toBe(403);
    expect((await admin.get('/api/admin/users/no-such-user/impact')).statusCode).toBe(404);

    expect((await admin.delete(`/api/admin/users/${user.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/admin/users/${user.id}/impact`)).statusCode).toBe(404);
    expect((await admin.get(`/api/admin/groups/${group.id}`)).json().members).toEqual([]);
    // Every table but the audit trail: it is append-only, and says who the deleted account was
    // and what it did until its rows expire (docs/audit-trail.md).
    const dump = (await test.dump())
      .split('\n')
      .filter((table) => !table.startsWith('audit_event:'))
      .join('\n');
    expect(dump).not.toContain(user.id);
    expect(dump).toContain('user_group:');
  });
});
