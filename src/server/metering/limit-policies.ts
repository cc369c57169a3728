// Who may spend how much: the default budgets (subject '*'), each user's overrides, and the rate
// limits. Read on every model call, so each user's combined limits are cached in memory and
// dropped on every change, on every instance, through the change bus; a read that overlaps a
// change is never kept (the cached map's generation guard). The admin's pages read the table.
import { eq, inArray, ne } from 'drizzle-orm';
import type { AuditDetails } from '../../shared/audit.ts';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.ts';
import { createCachedMap } from '../cache/cached-map.ts';
import type { ChangeBus } from '../cache/change-bus.ts';
import type { Database } from '../db/client.ts';
import { type BudgetLimits, limitPolicy, type PolicyBudgets } from '../db/schema/metering.ts';

export type { BudgetLimits, PolicyBudgets };
export type KeySource = 'global' | 'personal';

/** The change bus's channel for limit changes: the message is a user id, or DEFAULT_SUBJECT. */
export const POLICY_CHANNEL = 'limit-policy';
export const DEFAULT_SUBJECT = '*';
const CACHE_MAX_ENTRIES = 50_000;
/** Cached limits are read again after this long even without a change notice (a safety net). */
const CACHE_TTL_MS = 60_000;

/**
 * The shortest answer worth giving, in output tokens, until an admin sets another: a request the
 * budget left cannot cover whole is capped to what fits, and refused only below this.
 */
export const DEFAULT_MIN_USEFUL_OUTPUT_TOKENS = 256;

export const NO_LIMITS: BudgetLimits = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };

/** A budget with every limit unset is no budget at all (the request skips the hold entirely). */
const isUnlimited = (budget: BudgetLimits | null | undefined) =>
  !budget ||
  (budget.dayMicrousd === null &&
    budget.monthMicrousd === null &&
    budget.dayTokens === null &&
    budget.monthTokens === null);

/**
 * Limits held with a call's budget whose refusal belongs to whoever set them (billing's free
 * allowance answers 402, not 429): `refusal` is thrown when the request does not fit them.
 */
export interface BudgetCeiling {
  limits: BudgetLimits;
  refusal: () => Error;
}

/**
 * What a caller of admission knows of a user's budget on the global keys that metering does not
 * (the user's group, billing's plans and free allowance), handed in per call so metering never
 * asks those modules.
 */
export interface BudgetFallback {
  /** The user's group: its budgets (null or no limit set: the group sets none) and its name. */
  group?: { budget: BudgetLimits | null; name: string } | null;
  /** In the default budget's place when neither the admin nor the group set one (a plan's budgets). */
  budget?: BudgetLimits | null;
  /** The plan's name, shown beside the limits it sets. */
  budgetName?: string | null;
  /** Held together with the budget in force, limit by limit (the free allowance). */
  ceiling?: BudgetCeiling | null;
}

/** Where a limit in force comes from: the user's own, their group's, their plan's, the default. */
export type BudgetOrigin = 'user' | 'group' | 'plan' | 'default';
export type BudgetLimitName = keyof BudgetLimits;
const LIMIT_NAMES: readonly BudgetLimitName[] = ['dayMicrousd', 'monthMicrousd', 'dayTokens', 'monthTokens'];

/** Per limit, the lower of the two (null: no limit). */
function tightest(first: BudgetLimits | null, second: BudgetLimits): BudgetLimits {
  const lower = (a: number | null | undefined, b: number | null) => (a == null ? b : b === null ? a : Math.min(a, b));
  return {
    dayMicrousd: lower(first?.dayMicrousd, second.dayMicrousd),
    monthMicrousd: lower(first?.monthMicrousd, second.monthMicrousd),
    dayTokens: lower(first?.dayTokens, second.dayTokens),
    monthTokens: lower(first?.monthTokens, second.monthTokens),
  };
}

export interface BudgetInForce {
  budget: BudgetLimits | null;
  ceiling: BudgetCeiling | null;
  /** For each limit set in `budget`: who set it, and the group's or plan's name where there is one. */
  origins: Partial<Record<BudgetLimitName, { origin: BudgetOrigin; name: string | null }>>;
}

/**
 * The budget a call on `source` is held against, and the ceiling inside it, in the one order
 * WeBox knows: on the global keys, the admin's own budget for the user > the user's group's > the
 * fallback's (a plan) > the default, then the fallback's ceiling (billing's free allowance)
 * applied limit by limit on top. A group or plan budget with no limit set leaves the next one in
 * force (nothing says "unlimited" apart from "not set"); the admin's own budget with no limit set
 * does say it. Personal keys: the user's or the default. Admission, /api/limits and Admin › Users
 * all read the budget here, so what is shown is what is held.
 */
export function budgetInForce(
  limits: EffectiveLimits,
  source: KeySource,
  fallback: BudgetFallback | undefined,
): BudgetInForce {
  let budget = limits.budgets[source];
  let origin: BudgetOrigin = limits.overridden[source] ? 'user' : 'default';
  let name: string | null = null;
  let ceiling: BudgetCeiling | null = null;
  if (source === 'global' && fallback && !limits.overridden.global) {
    if (fallback.group && !isUnlimited(fallback.group.budget)) {
      budget = fallback.group.budget;
      origin = 'group';
      name = fallback.group.name;
    } else if (!isUnlimited(fallback.budget)) {
      budget = fallback.budget ?? null;
      origin = 'plan';
      name = fallback.budgetName ?? null;
    }
  }
  if (source === 'global' && fallback?.ceiling && !isUnlimited(fallback.ceiling.limits)) ceiling = fallback.ceiling;
  const base = budget;
  if (ceiling) budget = tightest(budget, ceiling.limits);
  const origins: BudgetInForce['origins'] = {};
  if (budget) {
    for (const limit of LIMIT_NAMES) {
      if (budget[limit] === null) continue;
      // A limit the ceiling lowered (or set) is billing's: the free allowance.
      const fromCeiling = base?.[limit] == null || (base[limit] as number) > (budget[limit] as number);
      origins[limit] = fromCeiling ? { origin: 'plan', name: null } : { origin, name };
    }
  }
  return { budget, ceiling, origins };
}

/** What applies to one user once the default and their overrides are combined. */
export interface EffectiveLimits {
  budgets: Record<KeySource, BudgetLimits | null>;
  requestsPerMinute: number;
  tokensPerMinute: number | null;
  /** Below this many output tokens a request is refused rather than capped (the default row's). */
  minUsefulOutputTokens: number;
  /** Whether an admin set this user's own budgets (per key source) or rate limits. */
  overridden: { global: boolean; personal: boolean; requestsPerMinute: boolean; tokensPerMinute: boolean };
}

type PolicyRow = typeof limitPolicy.$inferSelect;

/** `name` → after and `nameBefore` → before, when they differ (numbers, or null for "no limit"). */
function addChange(details: AuditDetails, name: string, before: number | null, after: number | null) {
  if (before === after) return;
  details[`${name}Before`] = before;
  details[name] = after;
}

/**
 * Each limit that changed, named by key source and limit (`globalDayMicrousd`, its
 * `globalDayMicrousdBefore`); a source without a budget of its own counts as no limit.
 */
function budgetChanges(before: PolicyBudgets, after: PolicyBudgets): AuditDetails {
  const details: AuditDetails = {};
  for (const source of ['global', 'personal'] as const) {
    for (const limit of LIMIT_NAMES) {
      const name = `${source}${limit[0]?.toUpperCase()}${limit.slice(1)}`;
      addChange(details, name, before[source]?.[limit] ?? null, after[source]?.[limit] ?? null);
    }
  }
  return details;
}

export function createLimitPolicies(options: {
  db: Database;
  bus: ChangeBus;
  defaults: { requestsPerMinute: number; tokensPerMinute: number | undefined };
  audit: AuditTrail;
}) {
  const { db, bus, defaults, audit } = options;
  /** Each user's combined limits (the default changing drops them all). */
  const combined = createCachedMap<EffectiveLimits>({
    load: readEffective,
    maxEntries: CACHE_MAX_ENTRIES,
    ttlMs: CACHE_TTL_MS,
  });
  combined.follow(bus, POLICY_CHANNEL, (subject) =>
    subject === DEFAULT_SUBJECT ? combined.invalidateAll() : combined.invalidate(subject),
  );

  async function row(subject: string, from: Database = db): Promise<PolicyRow | null> {
    const [found] = await from.select().from(limitPolicy).where(eq(limitPolicy.subject, subject));
    return found ?? null;
  }

  /** The default and the user's own settings, in one read. */
  async function readEffective(userId: string): Promise<EffectiveLimits> {
    const rows = await db
      .select()
      .from(limitPolicy)
      .where(inArray(limitPolicy.subject, [DEFAULT_SUBJECT, userId]));
    const find = (subject: string) => rows.find((entry) => entry.subject === subject) ?? null;
    return combine(find(DEFAULT_SUBJECT), find(userId));
  }

  /** Drops the subject here at once, then on the other instances. */
  const changed = (subject: string) => bus.publish(POLICY_CHANNEL, subject);

  function combine(fallback: PolicyRow | null, own: PolicyRow | null): EffectiveLimits {
    const pick = (source: KeySource) => {
      const budget = own?.budgets[source] ?? fallback?.budgets[source] ?? null;
      return isUnlimited(budget) ? null : budget;
    };
    return {
      budgets: { global: pick('global'), personal: pick('personal') },
      requestsPerMinute: own?.requestsPerMinute ?? defaults.requestsPerMinute,
      tokensPerMinute: own?.tokensPerMinute ?? defaults.tokensPerMinute ?? null,
      minUsefulOutputTokens: fallback?.minUsefulOutputTokens ?? DEFAULT_MIN_USEFUL_OUTPUT_TOKENS,
      overridden: {
        global: own?.budgets.global !== undefined,
        personal: own?.budgets.personal !== undefined,
        requestsPerMinute: own?.requestsPerMinute != null,
        tokensPerMinute: own?.tokensPerMinute != null,
      },
    };
  }

  return {
    /**
     * The hot path: the user's limits if they are cached, synchronously (no promise on a hit).
     * Callers fall back to effective(): `cached(id) ?? (await effective(id))`.
     */
    cached: (userId: string): EffectiveLimits | undefined => combined.peek(userId),

    async effective(userId: string): Promise<EffectiveLimits> {
      return combined.get(userId);
    },

    async getDefault() {
      const fallback = await row(DEFAULT_SUBJECT);
      return {
        budgets: {
          global: fallback?.budgets.global ?? NO_LIMITS,
          personal: fallback?.budgets.personal ?? NO_LIMITS,
        },
        requestsPerMinute: defaults.requestsPerMinute,
        tokensPerMinute: defaults.tokensPerMinute ?? null,
        minUsefulOutputTokens: fallback?.minUsefulOutputTokens ?? DEFAULT_MIN_USEFUL_OUTPUT_TOKENS,
        updatedAt: fallback?.updatedAt.toISOString() ?? null,
      };
    },

    /** `minUsefulOutputTokens` left undefined keeps the one set; null gives the default back. */
    async setDefault(
      budgets: Record<KeySource, BudgetLimits>,
      actor: AuditActor & { userId: string },
      minUsefulOutputTokens?: number | null,
    ) {
      const values = {
        budgets,
        updatedBy: actor.userId,
        updatedAt: new Date(),
        ...(minUsefulOutputTokens === undefined ? {} : { minUsefulOutputTokens }),
      };
      await db.transaction(async (tx) => {
        const before = await row(DEFAULT_SUBJECT, tx);
        await tx
          .insert(limitPolicy)
          .values({ subject: DEFAULT_SUBJECT, ...values })
          .onConflictDoUpdate({ target: limitPolicy.subject, set: values });
        const details = budgetChanges(before?.budgets ?? {}, budgets);
        if (minUsefulOutputTokens !== undefined) {
          // The numbers in force: null gives the default back.
          addChange(
            details,
            'minUsefulOutputTokens',
            before?.minUsefulOutputTokens ?? DEFAULT_MIN_USEFUL_OUTPUT_TOKENS,
            minUsefulOutputTokens ?? DEFAULT_MIN_USEFUL_OUTPUT_TOKENS,
          );
        }
        await audit.record(tx, {
          action: 'budget.changed',
          actor,
          target: { kind: 'budget', id: 'default' },
          details: { scope: 'default', ...details },
        });
      });
      await changed(DEFAULT_SUBJECT);
    },

    /** A user's own settings: a budget given replaces the default's for that key source. */
    async getOverride(userId: string) {
      const own = await row(userId);
      return {
        global: own?.budgets.global ?? null,
        personal: own?.budgets.personal ?? null,
        requestsPerMinute: own?.requestsPerMinute ?? null,
        tokensPerMinute: own?.tokensPerMinute ?? null,
      };
    },

    async setOverride(
      userId: string,
      override: {
        budgets: { global: BudgetLimits | null; personal: BudgetLimits | null };
        requestsPerMinute: number | null;
        tokensPerMinute: number | null;
      },
      actor: AuditActor & { userId: string },
    ) {
      const budgets: PolicyBudgets = {};
      if (override.budgets.global) budgets.global = override.budgets.global;
      if (override.budgets.personal) budgets.personal = override.budgets.personal;
      const values = {
        budgets,
        requestsPerMinute: override.requestsPerMinute,
        tokensPerMinute: override.tokensPerMinute,
        updatedBy: actor.userId,
        updatedAt: new Date(),
      };
      await db.transaction(async (tx) => {
        const before = await row(userId, tx);
        await tx
          .insert(limitPolicy)
          .values({ subject: userId, ...values })
          .onConflictDoUpdate({ target: limitPolicy.subject, set: values });
        const entry = { actor, subjectUserId: userId };
        const budgetDetails = budgetChanges(before?.budgets ?? {}, budgets);
        // A save that changes nothing still says it was made: the admin pressed "save".
        const rates: AuditDetails = {};
        addChange(rates, 'requestsPerMinute', before?.requestsPerMinute ?? null, override.requestsPerMinute);
        addChange(rates, 'tokensPerMinute', before?.tokensPerMinute ?? null, override.tokensPerMinute);
        if (Object.keys(budgetDetails).length > 0 || Object.keys(rates).length === 0) {
          await audit.record(tx, {
            ...entry,
            action: 'budget.changed',
            target: { kind: 'budget', id: userId },
            details: { scope: 'user', ...budgetDetails },
          });
        }
        if (Object.keys(rates).length > 0) {
          await audit.record(tx, {
            ...entry,
            action: 'rate_limit.changed',
            target: { kind: 'rate_limit', id: userId },
            details: rates,
          });
        }
      });
      await changed(userId);
    },

    /**
     * What applies to every user with settings of their own, and to everyone else (Admin › Users):
     * two reads whatever the number of users.
     */
    async listEffective() {
      const [fallback, rows] = await Promise.all([
        row(DEFAULT_SUBJECT),
        db.select().from(limitPolicy).where(ne(limitPolicy.subject, DEFAULT_SUBJECT)),
      ]);
      const own = new Map(rows.map((entry) => [entry.subject, entry]));
      return {
        forUser: (userId: string) => ({
          own: own.get(userId) ?? null,
          limits: combine(fallback, own.get(userId) ?? null),
        }),
      };
    },
  };
}

export type LimitPolicies = ReturnType<typeof createLimitPolicies>;
