// Simultaneous account changes and the invariants they must keep (issue 10, item 9), shared by the
// one-instance races and the two-instance ones on PostgreSQL.
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { App } from '../../src/server/app.ts';
import { user } from '../../src/server/db/schema/index.ts';
import { type Client, signIn, uniqueEmail } from './client.ts';
import { postgresUrl } from './database.ts';

export const FIRST_PASSWORD = 'long enough password';
export const SIMULTANEOUS_SIGN_UPS = 8;
const ROUNDS = postgresUrl ? 12 : 6;

let addressCounter = 0;
/** `count` sign-ups sent at once, each from an address of its own (sign-up is limited per address). */
export function simultaneousSignUps(apps: readonly App[], count: number) {
  return Promise.all(
    Array.from({ length: count }, (_unused, index) => {
      addressCounter++;
      const app = apps[index % apps.length] as App;
      return app.inject({
        method: 'POST',
        url: '/api/auth/sign-up/email',
        remoteAddress: `10.250.${(addressCounter >> 8) & 255}.${addressCounter & 255}`,
        headers: { origin: app.config.publicUrl },
        payload: { name: `First ${index}`, email: uniqueEmail('first'), password: FIRST_PASSWORD },
      });
    }),
  );
}

async function accounts(app: App) {
  return app.database.db.select({ id: user.id, role: user.role, banned: user.banned }).from(user);
}

export const activeAdmins = async (app: App) =>
  (await accounts(app)).filter((row) => row.role === 'admin' && row.banned !== true);

/** Sign-ups racing on a fresh install, on one instance or spread over several sharing a database. */
export async function expectOneFirstAdmin(apps: readonly App[]) {
  const responses = await simultaneousSignUps(apps, SIMULTANEOUS_SIGN_UPS);
  expect(responses.map((response) => response.statusCode)).toEqual(responses.map(() => 200));
  const rows = await accounts(apps[0] as App);
  expect(rows).toHaveLength(SIMULTANEOUS_SIGN_UPS);
  expect(rows.filter((row) => row.role === 'admin')).toHaveLength(1);
}

export async function expectOneAccountWhenClosed(apps: readonly App[]) {
  const responses = await simultaneousSignUps(apps, SIMULTANEOUS_SIGN_UPS);
  const statuses = responses.map((response) => response.statusCode).sort();
  expect(statuses).toEqual([200, ...Array.from({ length: SIMULTANEOUS_SIGN_UPS - 1 }, () => 403)]);
  const rows = await accounts(apps[0] as App);
  expect(rows).toHaveLength(1);
  expect(rows[0]?.role).toBe('admin');
}

type Move = 'demote' | 'disable' | 'delete';

const perform = (actor: Client, targetId: string, move: Move) =>
  move === 'delete'
    ? actor.delete(`/api/admin/users/${targetId}`)
    : actor.patch(`/api/admin/users/${targetId}`, move === 'demote' ? { role: 'user' } : { disabled: true });

const succeeded = (response: LightMyRequestResponse) => response.statusCode === 200 || response.statusCode === 204;

/**
 * Rounds of two admins (the only two) acting on each other at once: one succeeds, the other is
 * refused — 409 last_admin when it was decided under the lock; 403, or 401, when its author had
 * already been demoted, or disabled or deleted, before its request got in — and one active admin
 * always remains.
 */
export async function expectAnAdminAlwaysRemains(
  apps: readonly App[],
  first: { client: Client; id: string },
  moves: Array<[Move, Move]>,
) {
  let survivor = first;
  let lastAdminRefusals = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const [moveOfA, moveOfB] = moves[round % moves.length] as [Move, Move];
    const email = uniqueEmail('second');
    const created = await survivor.client.post('/api/admin/users', {
      name: 'Second',
      email,
      password: 'second admin password',
      role: 'admin',
    });
    expect(created.statusCode).toBe(201);
    const signedIn = await signIn(apps[round % apps.length] as App, email, 'second admin password');
    const second = { client: signedIn.client, id: created.json().id as string };
    expect((await activeAdmins(apps[0] as App)).map((row) => row.id).sort()).toEqual([survivor.id, second.id].sort());

    const [byA, byB] = await Promise.all([
      perform(survivor.client, second.id, moveOfA),
      perform(second.client, survivor.id, moveOfB),
    ]);
    const outcomes = [byA, byB];
    expect(outcomes.filter(succeeded), `${moveOfA}/${moveOfB}: ${byA.body} ${byB.body}`).toHaveLength(1);
    for (const refused of outcomes.filter((response) => !succeeded(response))) {
      expect([401, 403, 409]).toContain(refused.statusCode);
      if (refused.statusCode === 409) {
        lastAdminRefusals++;
        expect(refused.json().error).toEqual({ code: 'last_admin', message: expect.stringContaining('administrator') });
      }
    }
    const remaining = await activeAdmins(apps[0] as App);
    expect(remaining).toHaveLength(1);
    survivor = succeeded(byA) ? survivor : second;
    expect(remaining[0]?.id).toBe(survivor.id);
  }
  return { lastAdminRefusals };
}
