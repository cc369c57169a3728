// Budget periods are calendar days and months in the operator's time zone (the admin's display
// setting, else WEBOX_TIMEZONE), the same days the usage rollups are kept in. A day is a
// YYYY-MM-DD string; resets are instants.

/** A zone, or where to read the zone in force each time (it is an admin setting, changed live). */
export type TimeZoneSource = string | (() => string);

export const zoneOf = (source: TimeZoneSource): (() => string) => (typeof source === 'string' ? () => source : source);

/** The calendar day of an instant in the operator's time zone, as YYYY-MM-DD. */
export function dayIn(timeZone: string) {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (at: Date) => format.format(at);
}

const MINUTE_MS = 60_000;

/**
 * dayIn for instants that move forward with the clock (a row's creation time): formatting costs
 * microseconds on every request, so the day is kept for the minute it was read in. Only a minute
 * whose first and last milliseconds fall on the same day is kept (days begin on a minute in every
 * zone today; old offsets such as Monrovia's -00:44:30 began them on a second, and those minutes are read each time).
 */
export function currentDayIn(timeZone: string) {
  const toDay = dayIn(timeZone);
  let keptMinute = Number.NaN;
  let keptDay = '';
  return (at: Date) => {
    const minute = Math.floor(at.getTime() / MINUTE_MS);
    if (minute === keptMinute) return keptDay;
    const first = toDay(new Date(minute * MINUTE_MS));
    if (first !== toDay(new Date(minute * MINUTE_MS + MINUTE_MS - 1))) return toDay(at);
    keptMinute = minute;
    keptDay = first;
    return first;
  };
}

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

// Built once per zone: a formatter costs far more to build than to use, and periods are read on
// every budgeted request.
const wallClocks = new Map<string, Intl.DateTimeFormat>();
const calendarDays = new Map<string, (at: Date) => string>();

function wallClockIn(timeZone: string) {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClocks.set(timeZone, format);
  }
  return format;
}

function calendarDayIn(timeZone: string) {
  let toDay = calendarDays.get(timeZone);
  if (!toDay) {
    toDay = dayIn(timeZone);
    calendarDays.set(timeZone, toDay);
  }
  return toDay;
}

/** What a clock on the wall of the zone shows at an instant (month 1 to 12, hour 0 to 23). */
export function wallClockAt(timeZone: string, at: Date) {
  const parts = wallClockIn(timeZone).formatToParts(at);
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
function offsetMs(timeZone: string, at: Date) {
  const clock = wallClockAt(timeZone, at);
  const wallClock = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  return wallClock - Math.floor(at.getTime() / 1000) * 1000;
}

const HOUR_MS = 3_600_000;

/**
 * The instant a calendar day begins in the zone: the first instant whose day is this one or later
 * (midnight there on most days; see below for the others).
 */
export function startOfDay(timeZone: string, day: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(year, month - 1, date);
  // The offset at the guess, then once more at the corrected instant (it may cross a DST change).
  let instant = utcMidnight - offsetMs(timeZone, new Date(utcMidnight));
  instant = utcMidnight - offsetMs(timeZone, new Date(instant));
  // Where the clocks skip midnight (summer time starting at 00:00: Santiago, Havana, Asunción),
  // that instant is an hour early, still the day before; where midnight comes twice, it is the
  // second one; a day a zone skipped whole (Apia, 2011-12-30) has no midnight at all. There the
  // day's first instant is searched for (to the millisecond: about 28 readings, on those days only).
  const toDay = calendarDayIn(timeZone);
  const startsBy = (at: number) => toDay(new Date(at)) >= day;
  if (startsBy(instant) && !startsBy(instant - 1)) return new Date(instant);
  let before = startsBy(instant) ? instant - 48 * HOUR_MS : instant;
  let from = startsBy(instant) ? instant : instant + 48 * HOUR_MS;
  while (from - before > 1) {
    const middle = Math.floor((before + from) / 2);
    if (startsBy(middle)) from = middle;
    else before = middle;
  }
  return new Date(from);
}

const addDays = (day: string, days: number) => {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
};

const nextMonthStart = (day: string) => {
  const [year, month] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
};

/** The periods of an instant; with a zone source, in the zone in force at each call. */
export function periodsIn(source: TimeZoneSource) {
  if (typeof source !== 'string') return (at: Date = new Date()): PeriodBounds => periodsIn(source())(at);
  const timeZone = source;
  const toDay = calendarDayIn(timeZone);
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
