// budgetInForce, the one order of budgets on the global keys: the user's own > the group's > the
// plan's > the default, the free allowance held limit by limit on top; each limit says who set it.
import { describe, expect, it } from 'vitest';
import { type BudgetLimits, budgetInForce, type EffectiveLimits, NO_LIMITS } from './limit-policies.ts';

const day = (dayTokens: number): BudgetLimits => ({ ...NO_LIMITS, dayTokens });

function limits(options: { own?: BudgetLimits | null; fallback?: BudgetLimits | null } = {}): EffectiveLimits {
  const own = options.own !== undefined;
  return {
    budgets: { global: own ? (options.own ?? null) : (options.fallback ?? null), personal: options.fallback ?? null },
    requestsPerMinute: 120,
    tokensPerMinute: null,
    minUsefulOutputTokens: 256,
    overridden: { global: own, personal: false, requestsPerMinute: false, tokensPerMinute: false },
  };
}

const group = (budget: BudgetLimits | null) => ({ group: { budget, name: '3e B' } });

describe('budgetInForce', () => {
  it('takes the first that sets a limit: own > group > plan > default', () => {
    const plan = { budget: day(300), budgetName: 'Pro' };
    expect(budgetInForce(limits({ fallback: day(400) }), 'global', undefined)).toMatchObject({
      budget: day(400),
      origins: { dayTokens: { origin: 'default', name: null } },
    });
    expect(budgetInForce(limits({ fallback: day(400) }), 'global', plan)).toMatchObject({
      budget: day(300),
      origins: { dayTokens: { origin: 'plan', name: 'Pro' } },
    });
    expect(budgetInForce(limits({ fallback: day(400) }), 'global', { ...plan, ...group(day(200)) })).toMatchObject({
      budget: day(200),
      origins: { dayTokens: { origin: 'group', name: '3e B' } },
    });
    expect(
      budgetInForce(limits({ own: day(100), fallback: day(400) }), 'global', { ...plan, ...group(day(200)) }),
    ).toMatchObject({ budget: day(100), origins: { dayTokens: { origin: 'user', name: null } } });
  });

  it('skips a group or plan that sets no limit, but an own budget without limits means none', () => {
    const plan = { budget: day(300), budgetName: 'Pro' };
    expect(budgetInForce(limits({ fallback: day(400) }), 'global', { ...plan, ...group(NO_LIMITS) }).budget).toEqual(
      day(300),
    );
    expect(budgetInForce(limits({ fallback: day(400) }), 'global', { ...plan, ...group(null) }).budget).toEqual(
      day(300),
    );
    expect(budgetInForce(limits({ fallback: day(400) }), 'global', { budget: NO_LIMITS }).budget).toEqual(day(400));
    expect(budgetInForce(limits({ own: null, fallback: day(400) }), 'global', group(day(200)))).toEqual({
      budget: null,
      ceiling: null,
      origins: {},
    });
  });

  it('holds the free allowance on top, limit by limit, as billing’s', () => {
    const ceiling = { limits: { ...NO_LIMITS, dayTokens: 50, monthTokens: 1000 }, refusal: () => new Error('402') };
    const inForce = budgetInForce(limits(), 'global', {
      ...group({ ...NO_LIMITS, dayTokens: 200, monthTokens: 500 }),
      ceiling,
    });
    expect(inForce.budget).toEqual({ ...NO_LIMITS, dayTokens: 50, monthTokens: 500 });
    expect(inForce.origins).toEqual({
      dayTokens: { origin: 'plan', name: null },
      monthTokens: { origin: 'group', name: '3e B' },
    });
  });

  it('never applies a group or plan to personal keys', () => {
    expect(
      budgetInForce(limits({ fallback: day(400) }), 'personal', { ...group(day(1)), budget: day(2) }),
    ).toMatchObject({ budget: day(400), ceiling: null, origins: { dayTokens: { origin: 'default' } } });
  });
});
