// Who may use the global keys (DESIGN §6 "Billing"), read on every model call on them: the
// settings and the plans (small, whole tables) are cached snapshots, each user's grant and role a
// cached map entry, all dropped on every instance through the change bus when they change, so a
// call reads no table unless something changed. Only the free allowance reads the user's spend,
// and only for a user nothing else lets in.
import type { AccessReason, BillingPolicy, BillingView, PlanView } from '../../shared/billing.ts';
import type { BudgetLimitsView } from '../../shared/limits.ts';
import { createCachedMap } from '../cache/cached-map.ts';
import { createCachedSnapshot } from '../cache/cached-snapshot.ts';
import { ACCOUNT_CHANNEL, type ChangeBus } from '../cache/change-bus.ts';
import type { BillingStore, SettingsRow } from './billing-store.ts';

export const SETTINGS_CHANNEL = 'billing-settings';
export const PLANS_CHANNEL = 'billing-plans';
/** A user's grant changed; the message is the user id. */
export const GRANT_CHANNEL = 'billing-grant';

const CACHE_MAX_ENTRIES = 50_000;
/** Read again after this long even without a notice (a safety net: every change sends one, `webox user promote` included). */
const CACHE_TTL_MS = 60_000;

export interface AccessSettings {
  policy: BillingPolicy;
  freeAllowance: BudgetLimitsView | null;
  graceDays: number;
  usdPerCurrency: Record<string, number>;
}

interface UserState {
  admin: boolean;
  grant: { planId: string; until: Date | null } | null;
}

/** What the gate and GET /api/billing decide from. */
export interface Access {
  allowed: boolean;
  reason: AccessReason | null;
  admin: boolean;
  /** The plan a live grant gives, if any. */
  plan: PlanView | null;
  grantedUntil: Date | null;
}

/**
 * Whether the decision lets this `provider/model` run on a global key: what the gate enforces, for
 * the lists that show only what can be used (/v1/models).
 */
export function opensGlobalModel(access: Access, modelId: string): boolean {
  if (access.admin) return true;
  if (!access.allowed) return false;
  const models = access.plan?.models;
  return !models || models.includes(modelId);
}

export function createBillingAccess(options: {
  store: BillingStore;
  bus: ChangeBus;
  defaultGraceDays: number;
  isAdmin: (userId: string) => Promise<boolean>;
  /** Whether the user has spent the allowance on the global keys (any of its limits reached). */
  allowanceSpent: (userId: string, allowance: BudgetLimitsView) => Promise<boolean>;
}) {
  const { store, bus, defaultGraceDays } = options;
  const settingsOf = (row: SettingsRow | null): AccessSettings => ({
    policy: row?.policy ?? 'everyone',
    freeAllowance: row?.freeAllowance ?? null,
    graceDays: row?.graceDays ?? defaultGraceDays,
    usdPerCurrency: row?.usdPerCurrency ?? {},
  });
  const settings = createCachedSnapshot<AccessSettings>({
    load: async () => settingsOf(await store.settings()),
    initial: settingsOf(null),
    maxAgeMs: CACHE_TTL_MS,
  });
  settings.follow(bus, SETTINGS_CHANNEL);
  const plans = createCachedSnapshot<PlanView[]>({ load: store.plans, initial: [], maxAgeMs: CACHE_TTL_MS });
  plans.follow(bus, PLANS_CHANNEL);
  const users = createCachedMap<UserState>({
    load: async (userId) => {
      const [admin, grant] = await Promise.all([options.isAdmin(userId), store.grant(userId)]);
      return { admin, grant: grant ? { planId: grant.planId, until: grant.until } : null };
    },
    maxEntries: CACHE_MAX_ENTRIES,
    ttlMs: CACHE_TTL_MS,
  });
  users.follow(bus, GRANT_CHANNEL);
  // A role changed, or an account was disabled or deleted.
  users.follow(bus, ACCOUNT_CHANNEL);

  return {
    /** Reads the settings and plans once before the server answers (the snapshots start empty). */
    ready: () => Promise.all([settings.refresh(), plans.refresh()]).then(() => undefined),
    settings: () => settings.current(),
    plans: () => plans.current(),

    async decide(userId: string, now = new Date()): Promise<Access> {
      const state = users.peek(userId) ?? (await users.load(userId));
      const { policy, freeAllowance } = settings.current();
      const grant = state.grant;
      const live = grant !== null && (grant.until === null || grant.until > now);
      const find = () => plans.current().find((entry) => entry.id === grant?.planId) ?? null;
      let plan = live ? find() : null;
      // A grant of a plan created on another instance may arrive before that plan's notice does.
      if (live && !plan) {
        await plans.invalidate();
        plan = find();
      }
      const base = { admin: state.admin, plan, grantedUntil: plan ? (grant?.until ?? null) : null };
      if (plan || state.admin || policy === 'everyone') return { ...base, allowed: true, reason: null };
      if (freeAllowance && !(await options.allowanceSpent(userId, freeAllowance))) {
        return { ...base, allowed: true, reason: 'free_allowance' };
      }
      return { ...base, allowed: false, reason: 'no_subscription' };
    },

    /** The user's billing as GET /api/billing answers it (no Stripe subscription in this build). */
    async view(userId: string, enabled: boolean): Promise<BillingView> {
      const access = await this.decide(userId);
      return {
        enabled,
        policy: settings.current().policy,
        plan: access.plan ? { id: access.plan.id, name: access.plan.name } : null,
        status: access.plan ? 'granted' : 'none',
        currentPeriodEnd: null,
        cancelAtPeriodEnd: false,
        grantedUntil: access.grantedUntil?.toISOString() ?? null,
        globalAccess: { allowed: access.allowed, reason: access.reason },
      };
    },

    /** After a write: here at once, then on the other instances. */
    // The local delivery starts the snapshot's read; refresh() waits for it to land, so the
    // answer to the admin's change and the next call here already see it.
    async settingsChanged() {
      await bus.publish(SETTINGS_CHANNEL, 'settings');
      await settings.refresh();
    },
    async plansChanged() {
      await bus.publish(PLANS_CHANNEL, 'plans');
      await plans.refresh();
    },
    grantChanged: (userId: string) => bus.publish(GRANT_CHANNEL, userId),
  };
}

export type BillingAccess = ReturnType<typeof createBillingAccess>;
