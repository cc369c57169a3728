// Who may use the global keys (DESIGN §6 "Billing"), read on every model call on them: the
// settings and the plans (small, whole tables) are cached snapshots, each user's role, grant and
// Stripe subscriptions a cached map entry, all dropped on every instance through the change bus
// when they change, so a call reads no table unless something changed. Only the free allowance
// reads the user's spend, and only for a user nothing else lets in. The decision is taken before a
// call is admitted: a change applies from the next call on, never to one already running.
import type { AccessReason, BillingPolicy, BillingView, PlanView } from '../../shared/billing.ts';
import type { BudgetLimitsView } from '../../shared/limits.ts';
import { createCachedMap } from '../cache/cached-map.ts';
import { createCachedSnapshot } from '../cache/cached-snapshot.ts';
import { ACCOUNT_CHANNEL, type ChangeBus } from '../cache/change-bus.ts';
import type { BillingStore, SettingsRow } from './billing-store.ts';
import { planForPrice, type SubscriptionRow, type SubscriptionStatus, shownStatus } from './subscription-store.ts';

export const SETTINGS_CHANNEL = 'billing-settings';
export const PLANS_CHANNEL = 'billing-plans';
/** A user's grant changed; the message is the user id. */
export const GRANT_CHANNEL = 'billing-grant';
/** A user's Stripe subscription changed (a webhook, `webox billing sync`); the message is the user id. */
export const SUBSCRIPTION_CHANNEL = 'billing-subscription';

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
  subscriptions: SubscriptionRow[];
}

/** Which of a user's subscriptions speaks for them when none opens the keys: the likeliest to come back. */
const SHOWN_FIRST: SubscriptionStatus[] = ['active', 'trialing', 'past_due', 'unpaid', 'canceled', 'none'];

/** A subscription as the decision reads it. */
export interface SubscriptionAccess {
  status: SubscriptionStatus;
  /** Whether it opens the global keys now. */
  opens: boolean;
  /** null: canceled (DESIGN: after deletion the plan is null), or a price no plan has. */
  plan: PlanView | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Active and trialing open the keys (cancelled at period end: until that end, as Stripe keeps them
 * active, and not past it should the deletion's webhook be late); past due opens them for
 * `graceDays` after the first failed payment; the rest open nothing. Only with a plan of ours.
 */
export function subscriptionAccess(
  row: SubscriptionRow,
  plans: readonly PlanView[],
  graceDays: number,
  now: Date,
): SubscriptionAccess {
  const status = shownStatus(row.status);
  const found = plans.find((plan) => plan.id === row.planId) ?? planForPrice(plans, row.stripePriceId);
  const plan = status === 'canceled' || status === 'none' ? null : found;
  let open = false;
  if (status === 'active' || status === 'trialing') {
    open = !(row.cancelAtPeriodEnd && row.currentPeriodEnd !== null && row.currentPeriodEnd <= now);
  } else if (status === 'past_due') {
    open = row.pastDueSince === null || now.getTime() < row.pastDueSince.getTime() + graceDays * DAY_MS;
  }
  return {
    status,
    opens: open && plan !== null,
    plan,
    currentPeriodEnd: row.currentPeriodEnd,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
  };
}

/** The subscription that speaks for the user: one that opens the keys, else the likeliest to. */
function chooseSubscription(
  rows: readonly SubscriptionRow[],
  plans: readonly PlanView[],
  graceDays: number,
  now: Date,
): SubscriptionAccess | null {
  const candidates = [...rows]
    .sort((a, b) => b.sourceCreated - a.sourceCreated)
    .map((row) => subscriptionAccess(row, plans, graceDays, now));
  const rank = (entry: SubscriptionAccess) => (entry.opens ? -1 : SHOWN_FIRST.indexOf(entry.status));
  return candidates.reduce<SubscriptionAccess | null>(
    (best, entry) => (best === null || rank(entry) < rank(best) ? entry : best),
    null,
  );
}

/** What the gate and GET /api/billing decide from. */
export interface Access {
  allowed: boolean;
  reason: AccessReason | null;
  admin: boolean;
  /** The plan that opens the keys: the subscription's, else a live grant's. */
  plan: PlanView | null;
  grantedUntil: Date | null;
  /** The user's subscription that speaks for them, if they have one. */
  subscription: SubscriptionAccess | null;
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
  subscriptionsOf: (userId: string) => Promise<SubscriptionRow[]>;
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
      const [admin, grant, subscriptions] = await Promise.all([
        options.isAdmin(userId),
        store.grant(userId),
        options.subscriptionsOf(userId),
      ]);
      return { admin, grant: grant ? { planId: grant.planId, until: grant.until } : null, subscriptions };
    },
    maxEntries: CACHE_MAX_ENTRIES,
    ttlMs: CACHE_TTL_MS,
  });
  users.follow(bus, GRANT_CHANNEL);
  users.follow(bus, SUBSCRIPTION_CHANNEL);
  // A role changed, or an account was disabled or deleted.
  users.follow(bus, ACCOUNT_CHANNEL);

  return {
    /** Reads the settings and plans once before the server answers (the snapshots start empty). */
    ready: () => Promise.all([settings.refresh(), plans.refresh()]).then(() => undefined),
    settings: () => settings.current(),
    plans: () => plans.current(),

    async decide(userId: string, now = new Date()): Promise<Access> {
      const state = await users.get(userId);
      const { policy, freeAllowance, graceDays } = settings.current();
      const grant = state.grant;
      const live = grant !== null && (grant.until === null || grant.until > now);
      // A grant or a subscription of a plan created on another instance may arrive before that
      // plan's notice does.
      const unheardOf = (id: string | null) => id !== null && !plans.current().some((plan) => plan.id === id);
      if ((live && unheardOf(grant.planId)) || state.subscriptions.some((row) => unheardOf(row.planId))) {
        await plans.invalidate();
      }
      const current = plans.current();
      const subscription = chooseSubscription(state.subscriptions, current, graceDays, now);
      const granted = live ? (current.find((entry) => entry.id === grant?.planId) ?? null) : null;
      const plan = subscription?.opens ? subscription.plan : granted;
      const base = {
        admin: state.admin,
        plan,
        grantedUntil: granted ? (grant?.until ?? null) : null,
        subscription,
      };
      if (plan || state.admin || policy === 'everyone') return { ...base, allowed: true, reason: null };
      if (freeAllowance && !(await options.allowanceSpent(userId, freeAllowance))) {
        return { ...base, allowed: true, reason: 'free_allowance' };
      }
      const lapsed = subscription?.status === 'past_due';
      return { ...base, allowed: false, reason: lapsed ? 'past_due_grace_over' : 'no_subscription' };
    },

    /**
     * The user's billing as GET /api/billing answers it. A subscription that opens the keys
     * speaks for the status; else a live grant (`granted`); else the subscription as it stands.
     */
    async view(userId: string, enabled: boolean): Promise<BillingView> {
      const access = await this.decide(userId);
      const { subscription } = access;
      const granted = access.plan !== null && !subscription?.opens;
      const shown = granted ? null : subscription;
      const plan = shown ? shown.plan : access.plan;
      return {
        enabled,
        policy: settings.current().policy,
        plan: plan ? { id: plan.id, name: plan.name } : null,
        status: shown ? shown.status : granted ? 'granted' : 'none',
        currentPeriodEnd: shown?.currentPeriodEnd?.toISOString() ?? null,
        cancelAtPeriodEnd: shown?.cancelAtPeriodEnd ?? false,
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
    subscriptionChanged: (userId: string) => bus.publish(SUBSCRIPTION_CHANNEL, userId),
  };
}

export type BillingAccess = ReturnType<typeof createBillingAccess>;
