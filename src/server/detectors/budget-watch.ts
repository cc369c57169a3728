// Budgets and spend, watched where spend is known without a read on any request's path: after
// each batch the usage ledger writes (a second's worth of calls at most), off the requests.
//
// - The operator budget: what all users spent on the global keys this day and month, against its
//   limits; each threshold crossed raises one alert per period (and the hard cap's refusal counts
//   as reaching 100 %: under the cap the spend stops just short of the limit).
// - Each user's own budget (the one admission last held them to: theirs, their group's, their
//   plan's): the app warns the user from 80 % and when it is used up; admins are told once per
//   period at those same thresholds.
// - Spend that jumps: a user's clock hour on the global keys above the operator's multiple of
//   their usual hour (the average of their active hours over the 7 days before), and above a floor.
//
// "Once" is PostgreSQL's (the alert's once key); what is kept here only spares repeated inserts.
import type { NewAlert } from '../alerts/alert-store.ts';
import type { DatabaseHandle } from '../db/client.ts';
import type { BudgetLimits, KeySource } from '../metering/limit-policies.ts';
import type { OperatorBudget } from '../metering/operator-budget.ts';
import type { PeriodBounds } from '../metering/periods.ts';
import type { BudgetLine } from '../metering/quota-status.ts';
import type { UsageRow } from '../metering/usage-row.ts';

/** The user's own thresholds: the app's warning (from 80 %) and "used up". */
export const USER_THRESHOLDS = [80, 100] as const;
/** A jump is looked for at most this often per user (the alert itself: once per user and hour). */
export const SPEND_JUMP_CHECK_MS = 5 * 60_000;
/** Below this spend in the hour (one dollar) no jump is alerted, whatever the multiple. */
export const SPEND_JUMP_FLOOR_MICROUSD = 1_000_000;
/** The usual hour is read over this many days before the current hour. */
const USUAL_DAYS = 7;
/** Once keys remembered here, to spare the inserts the once key would refuse anyway. */
const MAX_REMEMBERED = 10_000;

interface Logger {
  warn(object: Record<string, unknown>, message: string): void;
}

const periodKey = (period: 'day' | 'month', bounds: PeriodBounds) =>
  period === 'day' ? bounds.day : bounds.monthStart.slice(0, 7);

const severityAt = (threshold: number): NewAlert['severity'] =>
  threshold >= 100 ? 'critical' : threshold >= 80 ? 'warning' : 'info';

const SPEND_JUMP = `
select
  coalesce(sum(cost_microusd) filter (where created_at >= $2::timestamptz), 0)::int8 as hour_microusd,
  coalesce(sum(cost_microusd) filter (where created_at < $2::timestamptz), 0)::int8 as before_microusd,
  count(distinct date_trunc('hour', created_at)) filter (where created_at < $2::timestamptz and cost_microusd > 0)
    as active_hours
from usage_event
where user_id = $1 and key_source = 'global' and created_at >= $3::timestamptz`;

export function createBudgetWatch(options: {
  database: Pick<DatabaseHandle, 'query'>;
  raise: (alert: NewAlert) => Promise<unknown>;
  operator: () => Promise<OperatorBudget>;
  operatorSpent: (bounds: PeriodBounds) => Promise<{ dayMicrousd: number; monthMicrousd: number }>;
  periods: () => PeriodBounds;
  /** The budget admission last held the user to on that source (null: none). */
  budgetHeld: (userId: string, source: KeySource) => BudgetLimits | null;
  budgetLines: (userId: string, source: KeySource, limits: BudgetLimits) => Promise<BudgetLine[]>;
  emails: (ids: readonly string[]) => Promise<Map<string, { email: string }>>;
  log: Logger;
  now?: () => Date;
}) {
  const { database, raise, log } = options;
  const now = options.now ?? (() => new Date());
  const raised = new Set<string>();
  const jumpChecked = new Map<string, number>();
  /** Batches seen while a check runs are folded into one more check after it. */
  let running: Promise<void> | null = null;
  let waiting: Map<string, Set<KeySource>> | null = null;

  async function once(alert: NewAlert) {
    if (raised.has(alert.onceKey)) return;
    await raise(alert);
    if (raised.size >= MAX_REMEMBERED) raised.clear();
    raised.add(alert.onceKey);
  }

  async function operatorThresholds(budget: OperatorBudget, bounds: PeriodBounds) {
    if (budget.dayMicrousd === null && budget.monthMicrousd === null) return;
    const spent = await options.operatorSpent(bounds);
    for (const period of ['day', 'month'] as const) {
      const limit = period === 'day' ? budget.dayMicrousd : budget.monthMicrousd;
      if (limit === null) continue;
      const spentMicrousd = period === 'day' ? spent.dayMicrousd : spent.monthMicrousd;
      for (const threshold of budget.thresholds) {
        if (spentMicrousd * 100 < threshold * limit) continue;
        await operatorAlert(period, threshold, bounds, spentMicrousd, limit);
      }
    }
  }

  function operatorAlert(
    period: 'day' | 'month',
    threshold: number,
    bounds: PeriodBounds,
    spentMicrousd: number,
    limitMicrousd: number,
  ) {
    return once({
      kind: 'operator_budget.threshold',
      onceKey: `operator_budget.threshold|${period}|${periodKey(period, bounds)}|${threshold}`,
      severity: severityAt(threshold),
      audience: 'admins',
      details: { period, threshold, spentMicrousd, limitMicrousd },
    });
  }

  async function userThresholds(users: Map<string, Set<KeySource>>, bounds: PeriodBounds) {
    const crossed: Array<{ userId: string; source: KeySource; line: BudgetLine; threshold: number }> = [];
    for (const [userId, sources] of users) {
      for (const source of sources) {
        const limits = options.budgetHeld(userId, source);
        if (!limits) continue;
        for (const line of await options.budgetLines(userId, source, limits)) {
          for (const threshold of USER_THRESHOLDS) {
            if (line.spent * 100 >= threshold * line.limit) crossed.push({ userId, source, line, threshold });
          }
        }
      }
    }
    const fresh = crossed.filter((entry) => !raised.has(userOnceKey(entry, bounds)));
    if (fresh.length === 0) return;
    const emails = await options.emails([...new Set(fresh.map((entry) => entry.userId))]);
    for (const entry of fresh) {
      const email = emails.get(entry.userId)?.email;
      await once({
        kind: 'user_budget.threshold',
        onceKey: userOnceKey(entry, bounds),
        severity: severityAt(entry.threshold),
        audience: 'admins',
        subjectUserId: entry.userId,
        details: { period: entry.line.period, threshold: entry.threshold, ...(email ? { userEmail: email } : {}) },
      });
    }
  }

  const userOnceKey = (
    entry: { userId: string; source: KeySource; line: BudgetLine; threshold: number },
    bounds: PeriodBounds,
  ) =>
    `user_budget.threshold|${entry.userId}|${entry.source}|${entry.line.unit}|${entry.line.period}|` +
    `${periodKey(entry.line.period, bounds)}|${entry.threshold}`;

  async function spendJumps(multiple: number, users: readonly string[]) {
    const at = now();
    const hourStart = new Date(at);
    hourStart.setUTCMinutes(0, 0, 0);
    const hour = hourStart.toISOString().slice(0, 13);
    const since = new Date(hourStart.getTime() - USUAL_DAYS * 24 * 3_600_000);
    for (const userId of users) {
      const onceKey = `spend.jump|${userId}|${hour}`;
      if (raised.has(onceKey)) continue;
      if (at.getTime() - (jumpChecked.get(userId) ?? Number.NEGATIVE_INFINITY) < SPEND_JUMP_CHECK_MS) continue;
      jumpChecked.set(userId, at.getTime());
      const { rows } = await database.query<{ hour_microusd: string; before_microusd: string; active_hours: string }>(
        SPEND_JUMP,
        [userId, hourStart.toISOString(), since.toISOString()],
      );
      const hourMicrousd = Number(rows[0]?.hour_microusd ?? 0);
      const activeHours = Number(rows[0]?.active_hours ?? 0);
      // A user with no history has no usual hour to jump from.
      if (activeHours === 0 || hourMicrousd < SPEND_JUMP_FLOOR_MICROUSD) continue;
      const usualHourMicrousd = Math.round(Number(rows[0]?.before_microusd ?? 0) / activeHours);
      if (hourMicrousd <= multiple * usualHourMicrousd) continue;
      await once({
        kind: 'spend.jump',
        onceKey,
        severity: 'warning',
        audience: 'admins',
        subjectUserId: userId,
        details: {
          hourMicrousd,
          usualHourMicrousd,
          multiple: usualHourMicrousd > 0 ? Math.round((hourMicrousd / usualHourMicrousd) * 10) / 10 : multiple,
        },
      });
    }
    if (jumpChecked.size > MAX_REMEMBERED) jumpChecked.clear();
  }

  async function check(users: Map<string, Set<KeySource>>) {
    const budget = await options.operator();
    const bounds = options.periods();
    const global = [...users].filter(([, sources]) => sources.has('global')).map(([userId]) => userId);
    if (global.length > 0) await operatorThresholds(budget, bounds);
    await userThresholds(users, bounds);
    if (budget.spendJumpMultiple !== null && global.length > 0) await spendJumps(budget.spendJumpMultiple, global);
  }

  function run(users: Map<string, Set<KeySource>>) {
    running = check(users)
      .catch((error: unknown) => log.warn({ err: error }, 'budget alerts could not be checked'))
      .finally(() => {
        running = null;
        const next = waiting;
        waiting = null;
        if (next) run(next);
      });
  }

  return {
    /** The ledger wrote these rows (not awaited: never on a request's path). */
    written(rows: readonly UsageRow[]) {
      const users = new Map<string, Set<KeySource>>();
      for (const row of rows) {
        if (row.keySource === 'none') continue;
        // A call that spent nothing changes no budget, unless it was refused for one.
        const spent = row.costMicrousd > 0 || row.inputTokens + row.outputTokens > 0;
        if (!spent && row.errorCode !== 'quota_exceeded') continue;
        const sources = users.get(row.userId) ?? new Set<KeySource>();
        sources.add(row.keySource);
        users.set(row.userId, sources);
      }
      if (users.size === 0) return;
      if (!running) return run(users);
      waiting ??= new Map();
      for (const [userId, sources] of users) {
        const known = waiting.get(userId) ?? new Set<KeySource>();
        for (const source of sources) known.add(source);
        waiting.set(userId, known);
      }
    },

    /** The hard cap refused a call: that period's limit is reached (its 100 % alert, if listed). */
    refused(budget: OperatorBudget, period: 'day' | 'month', limitMicrousd: number, spentMicrousd: number) {
      const top = budget.thresholds.filter((threshold) => threshold === 100);
      for (const threshold of top) {
        void operatorAlert(period, threshold, options.periods(), spentMicrousd, limitMicrousd).catch((error: unknown) =>
          log.warn({ err: error }, 'the operator budget alert could not be raised'),
        );
      }
    },

    /** Resolves once the checks started so far are done (tests). */
    async settled() {
      while (running) await running;
    },
  };
}
