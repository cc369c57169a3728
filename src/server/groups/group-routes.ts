// Groups over HTTP: site admins manage every group (/api/admin/groups…); a group's admin sees their
// own group, its members and what they spent, and adds or removes its members (/api/group…). A
// group admin is a plain user everywhere else, and another group answers 404 to them.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams } from '../../shared/contracts.ts';
import {
  addOwnMemberBody,
  createGroupBody,
  type GroupDetail,
  groupDetail,
  groupList,
  groupMemberParams,
  groupView,
  memberParams,
  setMemberBody,
  updateGroupBody,
} from '../../shared/groups.ts';
import { signedInActor } from '../audit/audit-actor.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { commonErrors } from '../errors.ts';
import { noContent } from '../openapi/route-docs.ts';

const tags = ['Groups'];

const SETTINGS =
  "`budgets` is each member's budget on the global keys (micro-dollars and tokens per day and month; null: none), in force unless the admin set the user one of their own, and before the plan's and the default; `models` lists the catalogue's `provider/model` ids the members may use on the global keys (null: no restriction). 409 `group_name_taken` when another group has the name.";

const ZERO = { dayMicrousd: 0, monthMicrousd: 0, dayTokens: 0, monthTokens: 0 };

export const groupRoutes: FastifyPluginAsyncZod = async (app) => {
  const { groups, users } = app;
  const { quota } = app.metering;

  async function detail(groupId: string): Promise<GroupDetail> {
    const [group, members, spent] = await Promise.all([
      groups.get(groupId),
      groups.members(groupId),
      quota.spentByUser('global'),
    ]);
    const directory = await users.directory(members.map((member) => member.userId));
    return {
      ...group,
      members: members.flatMap((member) => {
        const account = directory.get(member.userId);
        if (!account) return [];
        return [
          {
            userId: member.userId,
            name: account.name,
            email: account.email,
            role: member.role === 'admin' ? ('admin' as const) : ('member' as const),
            addedAt: member.addedAt.toISOString(),
            spentGlobal: spent.get(member.userId) ?? ZERO,
          },
        ];
      }),
      timezone: app.display.timeZone(),
    };
  }

  /** The group the caller administers; 404 for anyone else (a member, another group's admin). */
  async function managedGroup(userId: string) {
    const membership = await groups.membershipOf(userId);
    if (membership?.role !== 'admin') throw commonErrors.notFound('Your group');
    return membership.groupId;
  }

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/groups',
        { schema: { tags, summary: 'Every group', response: { 200: groupList } } },
        async () => ({ groups: await groups.list() }),
      );

      app.post(
        '/api/admin/groups',
        {
          schema: {
            tags,
            summary: 'Create a group',
            description: SETTINGS,
            body: createGroupBody,
            response: { 201: groupView },
          },
        },
        async (request, reply) => reply.status(201).send(await groups.create(signedInActor(request), request.body)),
      );

      app.get(
        '/api/admin/groups/:id',
        {
          schema: {
            tags,
            summary: 'One group and its members',
            params: idParams,
            response: { 200: groupDetail },
          },
        },
        async (request) => detail(request.params.id),
      );

      app.patch(
        '/api/admin/groups/:id',
        {
          schema: {
            tags,
            summary: 'Change a group',
            description: `Each field optional; takes effect from the next request on, on every instance. ${SETTINGS}`,
            params: idParams,
            body: updateGroupBody,
            response: { 200: groupView },
          },
        },
        async (request) => groups.update(signedInActor(request), request.params.id, request.body),
      );

      app.delete(
        '/api/admin/groups/:id',
        {
          schema: {
            tags,
            summary: 'Delete a group',
            description: 'Its members stay, in no group: their own, plan and default budgets apply.',
            params: idParams,
            response: { 204: noContent },
          },
        },
        async (request, reply) => {
          await groups.remove(request.params.id);
          return reply.status(204).send();
        },
      );

      app.put(
        '/api/admin/groups/:id/members/:userId',
        {
          schema: {
            tags,
            summary: 'Add a member, move one here, or change their role',
            description:
              'A user is in one group at most: one in another group is moved here. `role: admin` makes them the group admin (who sees and manages this group only). Unknown group or user: 404.',
            params: memberParams,
            body: setMemberBody,
            response: { 200: groupDetail },
          },
        },
        async (request) => {
          await groups.setMember(request.params.id, request.params.userId, request.body.role ?? 'member');
          return detail(request.params.id);
        },
      );

      app.delete(
        '/api/admin/groups/:id/members/:userId',
        {
          schema: {
            tags,
            summary: 'Take a member out of a group',
            description: 'A user not in this group: 404.',
            params: memberParams,
            response: { 204: noContent },
          },
        },
        async (request, reply) => {
          await groups.get(request.params.id);
          await groups.removeMember(request.params.id, request.params.userId);
          return reply.status(204).send();
        },
      );
    }),
  );

  await app.register(
    userScope(async (app) => {
      app.get(
        '/api/group',
        {
          schema: {
            tags,
            summary: 'The group you administer',
            description:
              'For a group admin: the group, its members and what each spent on the global keys this day and month. Anyone else: 404.',
            response: { 200: groupDetail },
          },
        },
        async (request) => detail(await managedGroup(currentUser(request).id)),
      );

      app.post(
        '/api/group/members',
        {
          schema: {
            tags,
            summary: 'Add an account to your group',
            description:
              'For a group admin: adds the account with this e-mail as a member, if it is in no group yet. No such account, or one already in a group: 404 (the same answer, so the route tells nothing of accounts in other groups).',
            body: addOwnMemberBody,
            response: { 200: groupDetail },
          },
        },
        async (request) => {
          const groupId = await managedGroup(currentUser(request).id);
          const userId = await users.idByEmail(request.body.email);
          if (!userId || !(await groups.addIfUngrouped(groupId, userId))) {
            throw commonErrors.notFound('An account in no group with this e-mail');
          }
          return detail(groupId);
        },
      );

      app.delete(
        '/api/group/members/:userId',
        {
          schema: {
            tags,
            summary: 'Take a member out of your group',
            description:
              "For a group admin: members only (another of the group's admins: 403 `forbidden`, a site admin's call). Someone not in your group: 404.",
            params: groupMemberParams,
            response: { 204: noContent },
          },
        },
        async (request, reply) => {
          const groupId = await managedGroup(currentUser(request).id);
          const target = await groups.membershipOf(request.params.userId);
          if (target?.groupId !== groupId) throw commonErrors.notFound('The member');
          if (target.role === 'admin') throw commonErrors.forbidden();
          await groups.removeMember(groupId, request.params.userId, 'member');
          return reply.status(204).send();
        },
      );
    }),
  );
};
