// Budget periods: the day and month an instant falls in, in the operator's time zone, and the
// instants they start again — across summer time, month and year ends, and the zones whose clocks
// skip or repeat midnight.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentDayIn, dayIn, periodsIn, startOfDay } from './periods.ts';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

describe('Europe/Paris', () => {
  const periods = periodsIn('Europe/Paris');

  it('the day changes at midnight in Paris, not in UTC', () => {
    // 23:59:59.999 in winter (UTC+1) on the 28th, then midnight on the 29th.
    expect(periods(at('2026-03-28T22:59:59.999Z')).day).toBe('2026-03-28');
    expect(periods(at('2026-03-28T23:00:00.000Z')).day).toBe('2026-03-29');
    expect(periods(at('2026-03-28T22:59:59.999Z')).dayResetsAt).toEqual(at('2026-03-28T23:00:00.000Z'));
  });

  it('the day the clocks go forward lasts 23 hours, the day they go back 25', () => {
    const spring = periods(at('2026-03-29T12:00:00Z'));
    expect(spring.day).toBe('2026-03-29');
    // Begins at midnight winter time (UTC+1), ends at midnight summer time (UTC+2).
    expect(startOfDay('Europe/Paris', '2026-03-29')).toEqual(at('2026-03-28T23:00:00Z'));
    expect(spring.dayResetsAt).toEqual(at('2026-03-29T22:00:00Z'));
    expect(spring.dayResetsAt.getTime() - startOfDay('Europe/Paris', spring.day).getTime()).toBe(23 * HOUR);

    const autumn = periods(at('2026-10-25T12:00:00Z'));
    expect(startOfDay('Europe/Paris', '2026-10-25')).toEqual(at('2026-10-24T22:00:00Z'));
    expect(autumn.dayResetsAt).toEqual(at('2026-10-25T23:00:00Z'));
    expect(autumn.dayResetsAt.getTime() - startOfDay('Europe/Paris', autumn.day).getTime()).toBe(25 * HOUR);
    // The hour that happens twice (02:00–03:00 local) is the same day both times.
    expect(periods(at('2026-10-25T00:30:00Z')).day).toBe('2026-10-25');
    expect(periods(at('2026-10-25T01:30:00Z')).day).toBe('2026-10-25');
  });

  it('a month that ends in summer time resets at midnight summer time', () => {
    const march = periods(at('2026-03-15T12:00:00Z'));
    expect(march.monthStart).toBe('2026-03-01');
    expect(march.monthResetsAt).toEqual(at('2026-03-31T22:00:00Z'));
    const october = periods(at('2026-10-31T22:59:59Z'));
    expect(october.day).toBe('2026-10-31');
    expect(october.monthResetsAt).toEqual(at('2026-10-31T23:00:00Z'));
    expect(october.monthResetsAt).toEqual(october.dayResetsAt);
  });

  it('month and year ends: the last day of January, February in leap and common years, New Year', () => {
    const lastOfJanuary = periods(at('2026-01-31T22:59:59.999Z'));
    expect(lastOfJanuary).toMatchObject({ day: '2026-01-31', monthStart: '2026-01-01' });
    expect(lastOfJanuary.monthResetsAt).toEqual(at('2026-01-31T23:00:00Z'));
    const firstOfFebruary = periods(at('2026-01-31T23:00:00Z'));
    expect(firstOfFebruary).toMatchObject({ day: '2026-02-01', monthStart: '2026-02-01' });
    expect(firstOfFebruary.monthResetsAt).toEqual(at('2026-02-28T23:00:00Z'));

    const leap = periods(at('2028-02-28T23:30:00Z'));
    expect(leap).toMatchObject({ day: '2028-02-29', monthStart: '2028-02-01' });
    expect(leap.dayResetsAt).toEqual(at('2028-02-29T23:00:00Z'));
    expect(leap.monthResetsAt).toEqual(leap.dayResetsAt);

    // 00:30 on New Year's Day in Paris is still the last day of the old year in UTC.
    const newYear = periods(at('2026-12-31T23:30:00Z'));
    expect(newYear).toMatchObject({ day: '2027-01-01', monthStart: '2027-01-01' });
    expect(newYear.monthResetsAt).toEqual(at('2027-01-31T23:00:00Z'));
    const utc = periodsIn('UTC')(at('2026-12-31T23:30:00Z'));
    expect(utc).toMatchObject({ day: '2026-12-31', monthStart: '2026-12-01' });
    expect(utc.monthResetsAt).toEqual(at('2027-01-01T00:00:00Z'));
  });
});

describe('zones whose clocks skip or repeat midnight', () => {
  it('Santiago: summer time starts at midnight, so the day starts at 01:00', () => {
    // 2026-09-06: 00:00 (UTC-4) becomes 01:00 (UTC-3), at 04:00 UTC.
    expect(startOfDay('America/Santiago', '2026-09-06')).toEqual(at('2026-09-06T04:00:00Z'));
    const eve = periodsIn('America/Santiago')(at('2026-09-06T03:30:00Z'));
    expect(eve.day).toBe('2026-09-05');
    expect(eve.dayResetsAt).toEqual(at('2026-09-06T04:00:00Z'));
  });

  it('Gaza: midnight comes twice, and the day starts at the first', () => {
    // 2012-09-21: 01:00 summer time (UTC+3) went back to 00:00 (UTC+2).
    expect(startOfDay('Asia/Gaza', '2012-09-21')).toEqual(at('2012-09-20T21:00:00Z'));
  });

  it('Apia skipped 2011-12-30 whole: the 29th resets at the start of the 31st', () => {
    const lastDay = periodsIn('Pacific/Apia')(at('2011-12-30T09:59:59Z'));
    expect(lastDay.day).toBe('2011-12-29');
    expect(lastDay.dayResetsAt).toEqual(at('2011-12-30T10:00:00Z'));
    expect(dayIn('Pacific/Apia')(lastDay.dayResetsAt)).toBe('2011-12-31');
  });
});

describe('for any instant, in any zone', () => {
  const zones = [
    'UTC',
    'Europe/Paris',
    'America/New_York',
    'America/Santiago',
    'America/Havana',
    'America/Asuncion',
    'America/Sao_Paulo',
    'Asia/Gaza',
    'Pacific/Apia',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'Pacific/Chatham',
    'Pacific/Kiritimati',
    'Etc/GMT+12',
  ];
  const anyZone = fc.constantFrom(...zones);
  const anyInstant = fc.date({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z'), noInvalidDate: true });

  it('the instant lies in its day; its day starts at the first instant of that day and resets at the first of the next', () => {
    fc.assert(
      fc.property(anyZone, anyInstant, (timeZone, instant) => {
        const toDay = dayIn(timeZone);
        const bounds = periodsIn(timeZone)(instant);
        const start = startOfDay(timeZone, bounds.day);
        expect(bounds.day).toBe(toDay(instant));
        expect(bounds.monthStart).toBe(`${bounds.day.slice(0, 7)}-01`);
        // The day: [start, dayResetsAt), and nothing of it outside.
        expect(start.getTime()).toBeLessThanOrEqual(instant.getTime());
        expect(toDay(start)).toBe(bounds.day);
        expect(toDay(new Date(start.getTime() - 1)) < bounds.day).toBe(true);
        expect(bounds.dayResetsAt.getTime()).toBeGreaterThan(instant.getTime());
        expect(toDay(new Date(bounds.dayResetsAt.getTime() - 1))).toBe(bounds.day);
        expect(toDay(bounds.dayResetsAt) > bounds.day).toBe(true);
        // The month resets on the first instant of the next month, never before the day does.
        expect(bounds.monthResetsAt.getTime()).toBeGreaterThanOrEqual(bounds.dayResetsAt.getTime());
        expect(toDay(new Date(bounds.monthResetsAt.getTime() - 1)).slice(0, 7)).toBe(bounds.day.slice(0, 7));
        expect(toDay(bounds.monthResetsAt).slice(0, 7) > bounds.day.slice(0, 7)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('days tile time: each day resets exactly where the next one starts', () => {
    fc.assert(
      fc.property(anyZone, anyInstant, (timeZone, instant) => {
        const bounds = periodsIn(timeZone)(instant);
        const next = periodsIn(timeZone)(bounds.dayResetsAt);
        expect(startOfDay(timeZone, next.day)).toEqual(bounds.dayResetsAt);
        // Clocks move by at most an hour in these zones: a day lasts 23 to 25 hours.
        const length = bounds.dayResetsAt.getTime() - startOfDay(timeZone, bounds.day).getTime();
        expect(length).toBeGreaterThanOrEqual(23 * HOUR);
        expect(length).toBeLessThanOrEqual(25 * HOUR);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('currentDayIn (the day kept for the minute)', () => {
  it('reads the same day as dayIn around midnights, in zones on whole, half and odd offsets', () => {
    // Asia/Kathmandu is +05:45; Africa/Monrovia kept -00:44:30 until 1972.
    const zones = ['Europe/Paris', 'Asia/Kathmandu', 'America/Santiago', 'Africa/Monrovia'];
    const minTime = Date.UTC(1900, 0, 1);
    const maxTime = Date.UTC(2100, 0, 1);
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.array(fc.integer({ min: minTime, max: maxTime }), { minLength: 1, maxLength: 20 }),
        (zone, instants) => {
          const kept = currentDayIn(zone);
          const exact = dayIn(zone);
          // Each instant and its neighbours a few ms and seconds apart: hits and misses both.
          for (const instant of instants) {
            for (const offset of [0, 1, 999, 59_999, -1, -30_000]) {
              const when = new Date(instant + offset);
              expect(kept(when)).toBe(exact(when));
            }
          }
        },
      ),
    );
  });

  it('keeps no minute that a midnight of seconds splits (Monrovia, 1960: UTC-00:44:30)', () => {
    const kept = currentDayIn('Africa/Monrovia');
    // Midnight there fell at 00:44:30 UTC: the minute 00:44 UTC holds two days.
    expect(kept(new Date('1960-01-15T00:44:10Z'))).toBe('1960-01-14');
    expect(kept(new Date('1960-01-15T00:44:40Z'))).toBe('1960-01-15');
    expect(kept(new Date('1960-01-15T00:44:10Z'))).toBe('1960-01-14');
  });
});
