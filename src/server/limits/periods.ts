// Budget periods are calendar days and months in the operator's time zone (WEBOX_TIMEZONE), the
// same days the usage rollups are kept in. A day is a YYYY-MM-DD string; resets are instants.
import { dayIn } from '../usage/usage-ledger.ts';

export type Period = 'day' | 'month';

export interface PeriodBounds {
  /** Today, YYYY-MM-DD. */
  day: string;
  /** The first day of this month, YYYY-MM-01. */
  monthStart: string;
  /** When the day's budget starts again (the next midnight there). */
  dayResetsAt: Date;
  /** When the month's budget starts again (midnight on the 1st of next month there). */
  monthResetsAt: Date;
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
function offsetMs(timeZone: string, at: Date) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const wallClock = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return wallClock - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a calendar day begins in the zone (midnight there; DST days included). */
export function startOfDay(timeZone: string, day: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(year, month - 1, date);
  // The offset at the guess, then once more at the corrected instant (it may cross a DST change).
  let instant = utcMidnight - offsetMs(timeZone, new Date(utcMidnight));
  instant = utcMidnight - offsetMs(timeZone, new Date(instant));
  return new Date(instant);
}

const addDays = (day: string, days: number) => {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
};

const nextMonthStart = (day: string) => {
  const [year, month] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
};

export function periodsIn(timeZone: string) {
  const toDay = dayIn(timeZone);
  return (at: Date = new Date()): PeriodBounds => {
    const day = toDay(at);
    return {
      day,
      monthStart: `${day.slice(0, 8)}01`,
      dayResetsAt: startOfDay(timeZone, addDays(day, 1)),
      monthResetsAt: startOfDay(timeZone, nextMonthStart(day)),
    };
  };
}
