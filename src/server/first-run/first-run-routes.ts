// GET/PUT /api/admin/first-run: the admins' first-run checklist. Each step is read from the module
// that owns it (the vault's global keys, the models offered, the default budget, the sign-up
// setting, the accounts and invitations, the display time zone); only "dismissed" and the steps
// an admin chose to skip are stored here.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  FIRST_RUN_STEPS,
  type FirstRunStep,
  type FirstRunStepId,
  type FirstRunView,
  firstRunBody,
  firstRunView,
} from '../../shared/first-run.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope } from '../auth/route-scopes.ts';
import { createFirstRunStore } from './first-run-store.ts';

const tags = ['First run'];

/** The display time zone, as the module that owns it answers; null: no such module yet. */
export type TimeZoneState = { timeZone: string; chosen: boolean } | null;

export interface FirstRunRoutesOptions {
  /** Whether an admin chose the time zone (the display settings). Default: nobody can, so not done. */
  timeZone?: () => Promise<TimeZoneState>;
}

const hasLimit = (limits: Record<string, number | null>) => Object.values(limits).some((value) => value !== null);

export const firstRunRoutes: FastifyPluginAsyncZod<FirstRunRoutesOptions> = async (app, options) => {
  const store = createFirstRunStore(app.database.db);
  const timeZone = options.timeZone ?? (async () => null);

  async function view(): Promise<FirstRunView> {
    const [choices, keys, models, limits, signupOpen, accounts, invitations, zone] = await Promise.all([
      store.read(),
      app.vault.listGlobalKeys(),
      app.models.store.read(),
      app.metering.policies.getDefault(),
      app.accountSettings.signupOpen(),
      app.users.ids(),
      app.invitations.list(),
      timeZone(),
    ]);
    const configured = keys.filter((key) => key.configured);
    const unverified = configured.filter((key) => !key.verified).map((key) => key.provider);
    const defaultBudget = hasLimit(limits.budgets.global);
    // Under the `subscribers` policy a new account pays (or gets the bounded free allowance).
    const billingBounds = app.billing.access.settings().policy !== 'everyone';
    const done: Record<FirstRunStepId, boolean> = {
      keys: configured.length > 0 && unverified.length === 0,
      models: models.offered !== null || models.defaultModel !== null,
      budget: defaultBudget,
      signup: !signupOpen,
      invite: accounts.length > 1 || invitations.length > 0,
      timeZone: zone?.chosen === true,
    };
    const extra: Partial<Record<FirstRunStepId, Partial<FirstRunStep>>> = {
      keys: { configured: configured.map((key) => key.provider), unverified },
      signup: { signupOpen },
      ...(zone ? { timeZone: { timeZone: zone.timeZone } } : {}),
    };
    return {
      steps: FIRST_RUN_STEPS.map((id) => ({
        id,
        done: done[id],
        skipped: !done[id] && choices.skipped.includes(id),
        ...extra[id],
      })),
      dismissed: choices.dismissed,
      openToAnyone: signupOpen && !defaultBudget && !billingBounds,
    };
  }

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/first-run',
        {
          schema: {
            tags,
            summary: 'The first-run checklist',
            description:
              'Each step (global keys saved and checked with the provider, the models offered, a default budget, sign-up closed or kept open, people invited, the time zone) says whether it is done, read from the state itself; `skipped`: an admin chose to leave it. `openToAnyone`: sign-up is open and no budget applies.',
            response: { 200: firstRunView },
          },
        },
        async () => view(),
      );

      app.put(
        '/api/admin/first-run',
        {
          schema: {
            tags,
            summary: 'Dismiss the checklist, or skip steps',
            description:
              '`dismissed: true` puts the checklist away (false brings it back); `skipped` is the whole list of the steps to leave as they are. Fields left out keep their value. Answers the checklist.',
            body: firstRunBody,
            response: { 200: firstRunView },
          },
        },
        async (request) => {
          await store.write(request.body, currentUser(request).id);
          return view();
        },
      );
    }),
  );
};
