// Marks only where the policy restricts the user: a plan's list, all of it, or a subscription to take.
import { describe, expect, it } from 'vitest';
import { billingOf, proPlan, teamPlan } from './billing-fixtures.ts';
import { planCoverage } from './plan-coverage.ts';

const subscribed = (planId: string) =>
  billingOf({ plan: { id: planId, name: planId }, status: 'active', globalAccess: { allowed: true, reason: null } });

describe('planCoverage', () => {
  it('covers the plan’s models only, or all of them when the plan lists none', () => {
    const pro = planCoverage(subscribed('p-pro'), [proPlan, teamPlan], false);
    expect(pro?.('openai/gpt-4o-mini')).toBe('covered');
    expect(pro?.('openai/gpt-4o')).toBe('not_covered');
    expect(planCoverage(subscribed('p-team'), [proPlan, teamPlan], false)?.('openai/gpt-4o')).toBe('covered');
  });

  it('says a subscription is needed when the shared keys are closed', () => {
    expect(planCoverage(billingOf(), [proPlan], false)?.('openai/gpt-4o-mini')).toBe('needs_subscription');
  });

  it('marks nothing for everyone, an admin, the free allowance or a plan no longer on offer', () => {
    expect(planCoverage(billingOf({ policy: 'everyone' }), [proPlan], false)).toBeNull();
    expect(planCoverage(subscribed('p-pro'), [proPlan], true)).toBeNull();
    expect(
      planCoverage(billingOf({ globalAccess: { allowed: true, reason: 'free_allowance' } }), [proPlan], false),
    ).toBeNull();
    expect(planCoverage(subscribed('p-retired'), [proPlan], false)).toBeNull();
  });
});
