// Budgets and rate limits over HTTP: each user reads what applies to them (/api/limits); admins
// set the default budgets and each user's own (/api/admin/limits, /api/admin/users/:id/limits).

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { defaultLimitsBody, idParams, userLimitsBody } from '../../shared/contracts.ts';
import {
  type AdminLimits,
  adminLimits,
  defaultLimits,
  type MyLimits,
  myLimits,
  type UserLimitsDetail,
  userLimitsDetail,
} from '../../shared/limits.ts';
import { signedInActor } from '../audit/audit-actor.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { commonErrors } from '../errors.ts';
import { type BudgetFallback, type BudgetInForce, type BudgetLimitName, budgetInForce } from './limit-policies.ts';
import { type BudgetLine, bindingLine } from './quota-status.ts';

const limitNameOf = (line: BudgetLine): BudgetLimitName =>
  `${line.period}${line.unit === 'microusd' ? 'Microusd' : 'Tokens'}` as BudgetLimitName;

/** Each line with who set its limit. */
const withOrigins = (lines: BudgetLine[], inForce: BudgetInForce): BudgetLine[] =>
  lines.map((line) => {
    const origin = inForce.origins[limitNameOf(line)];
    return origin ? { ...line, origin: origin.origin, originName: origin.name } : line;
  });

const tags = ['Limits'];

const BUDGETS =
  "Budgets are money (micro-dollars) and/or tokens (input + output) per day and month in the display time zone (an admin's choice, else WEBOX_TIMEZONE), for the global keys and, apart, the personal keys; null is no limit.";

export interface LimitsRoutesOptions {
  /**
   * What the completion gates hand admission for this user's global-key calls (billing's plan
   * budget and free allowance), so the budgets shown are the ones held. Unset: none.
   */
  budgetFallback?: (userId: string) => Promise<BudgetFallback | undefined>;
}

export const limitsRoutes: FastifyPluginAsyncZod<LimitsRoutesOptions> = async (app, options) => {
  const { policies, quota } = app.metering;

  async function budgetLines(userId: string) {
    const [limits, fallback] = await Promise.all([policies.effective(userId), options.budgetFallback?.(userId)]);
    const globalInForce = budgetInForce(limits, 'global', fallback);
    const personalInForce = budgetInForce(limits, 'personal', undefined);
    const [global, personal] = await Promise.all([
      quota.status(userId, 'global', globalInForce.budget),
      quota.status(userId, 'personal', personalInForce.budget),
    ]);
    const lines = { global: withOrigins(global, globalInForce), personal: withOrigins(personal, personalInForce) };
    return {
      limits,
      budgets: [...lines.global, ...lines.personal],
      left: { global: bindingLine(lines.global), personal: bindingLine(lines.personal) },
    };
  }

  // Accounts belong to the users module: asked through its service, never read from its table.
  async function requireUserRow(id: string) {
    if (!(await app.users.exists(id))) throw commonErrors.notFound('The user');
  }

  async function detail(userId: string): Promise<UserLimitsDetail> {
    const { limits, budgets } = await budgetLines(userId);
    return {
      userId,
      override: await policies.getOverride(userId),
      budgets,
      requestsPerMinute: limits.requestsPerMinute,
      tokensPerMinute: limits.tokensPerMinute,
    };
  }

  // Who may call each route is the scope's guard (auth/route-scopes.ts).
  await app.register(
    userScope(async (app) => {
      app.get(
        '/api/limits',
        {
          schema: {
            tags,
            summary: 'Your budgets and rate limits',
            description: `What applies to you now: each budget's limit, spent, held by requests running, remaining and reset. ${BUDGETS}`,
            response: { 200: myLimits },
          },
        },
        async (request): Promise<MyLimits> => {
          const { limits, budgets, left } = await budgetLines(currentUser(request).id);
          return {
            budgets,
            left,
            rateLimits: { requestsPerMinute: limits.requestsPerMinute, tokensPerMinute: limits.tokensPerMinute },
            timezone: app.display.timeZone(),
          };
        },
      );
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/limits',
        {
          schema: {
            tags,
            summary: "The default limits and every user's",
            description: `${BUDGETS} Each user's own settings, what applies to them, and what they spent on the global keys this day and month.`,
            response: { 200: adminLimits },
          },
        },
        async (): Promise<AdminLimits> => {
          const [fallback, everyone, spent, users] = await Promise.all([
            policies.getDefault(),
            policies.listEffective(),
            quota.spentByUser('global'),
            app.users.ids(),
          ]);
          // Each user's billing budget is a cached decision in billing (read once per user, then
          // kept until it changes), so the list shows the budgets admission would hold.
          const fallbacks = await Promise.all(users.map((id) => options.budgetFallback?.(id)));
          const summaries = users.map((id, index) => {
            const { own, limits } = everyone.forUser(id);
            const global = budgetInForce(limits, 'global', fallbacks[index]);
            const personal = budgetInForce(limits, 'personal', undefined);
            return {
              userId: id,
              override: {
                global: own?.budgets.global ?? null,
                personal: own?.budgets.personal ?? null,
                requestsPerMinute: own?.requestsPerMinute ?? null,
                tokensPerMinute: own?.tokensPerMinute ?? null,
              },
              effective: { global: global.budget, personal: personal.budget },
              origins: { global: global.origins, personal: personal.origins },
              requestsPerMinute: limits.requestsPerMinute,
              tokensPerMinute: limits.tokensPerMinute,
              spentGlobal: spent.get(id) ?? { dayMicrousd: 0, monthMicrousd: 0, dayTokens: 0, monthTokens: 0 },
            };
          });
          return {
            default: fallback,
            users: summaries,
            store: app.metering.rates.store,
            timezone: app.display.timeZone(),
          };
        },
      );

      app.put(
        '/api/admin/limits/default',
        {
          schema: {
            tags,
            summary: 'Set the default budgets',
            description: `For every user without budgets of their own, from the next request on, on every instance. ${BUDGETS}`,
            body: defaultLimitsBody,
            response: { 200: defaultLimits },
          },
        },
        async (request) => {
          const { global, personal, minUsefulOutputTokens } = request.body;
          await policies.setDefault({ global, personal }, signedInActor(request), minUsefulOutputTokens);
          return policies.getDefault();
        },
      );

      app.get(
        '/api/admin/users/:id/limits',
        {
          schema: {
            tags,
            summary: "One user's limits",
            params: idParams,
            response: { 200: userLimitsDetail },
          },
        },
        async (request) => {
          await requireUserRow(request.params.id);
          return detail(request.params.id);
        },
      );

      app.put(
        '/api/admin/users/:id/limits',
        {
          schema: {
            tags,
            summary: "Set one user's limits",
            description:
              'Each field replaces the default for this user; null gives the default back. Rate limits are requests and tokens per minute.',
            params: idParams,
            body: userLimitsBody,
            response: { 200: userLimitsDetail },
          },
        },
        async (request) => {
          await requireUserRow(request.params.id);
          const { global, personal, requestsPerMinute, tokensPerMinute } = request.body;
          await policies.setOverride(
            request.params.id,
            { budgets: { global, personal }, requestsPerMinute, tokensPerMinute },
            signedInActor(request),
          );
          return detail(request.params.id);
        },
      );
    }),
  );
};
