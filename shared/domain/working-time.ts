import type { SchoolCalendar } from './calendar.ts';
import { CalendarNotCoveredError, TermNotConfiguredError } from './errors.ts';
import { addDays, type CstDate, cstDate, cstInstant, weekdayOf } from './time.ts';

/** Officials' office hours on a working day (CST, HH:MM, start < end). */
export interface OfficeHours {
  start: string;
  end: string;
}

/** How a ladder level's delay is counted. */
export const delayBases = ['wall', 'working', 'school'] as const;
export type DelayBasis = (typeof delayBases)[number];

/** The days a delay may run on: officials' working days (national calendar) and school days. */
export interface LadderTime {
  officeHours: OfficeHours;
  isWorkingDay(date: CstDate): boolean;
  isSchoolDay(date: CstDate): boolean;
}

/** Longest stretch of non-working days searched (a Spring Festival week is 9). */
const MAX_DAYS = 400;

/**
 * `ms` of working time after `from`: only time inside office hours on days `isDay` accepts counts. A start outside
 * office hours begins at the next opening; the result is always inside (or at the close of) office hours.
 * E.g. Friday 17:00 + 2h with 08:00–18:00 → Monday 09:00 (Friday 17–18 counts 1h, Monday 08–09 the other).
 */
export function addWorkingTime(from: Date, ms: number, isDay: (date: CstDate) => boolean, hours: OfficeHours): Date {
  let left = ms;
  let day = cstDate(from);
  let at = from.getTime();
  for (let i = 0; i < MAX_DAYS; i++, day = addDays(day, 1)) {
    if (!isDay(day)) continue;
    const open = cstInstant(day, hours.start).getTime();
    const close = cstInstant(day, hours.end).getTime();
    const start = Math.max(at, open);
    if (start >= close) continue;
    if (start + left <= close) return new Date(start + left);
    left -= close - start;
    at = close;
  }
  throw new RangeError(`no working time within ${MAX_DAYS} days of ${from.toISOString()}`);
}

/**
 * The ladder's view of the calendar. A day the calendar cannot decide (no national data for the year, no term
 * configured) counts as Monday–Friday, with a warning: an escalation is never held back for missing calendar
 * data — the calendar's own alerts (45/30/14/7 days) ask the bureau to add it.
 */
export function ladderTimeOf(
  calendar: SchoolCalendar,
  officeHours: OfficeHours,
  warn: (m: string) => void,
): LadderTime {
  const warned = new Set<string>();
  const decide = (date: CstDate, ask: (d: CstDate) => boolean): boolean => {
    try {
      return ask(date);
    } catch (error) {
      if (!(error instanceof CalendarNotCoveredError || error instanceof TermNotConfiguredError)) throw error;
      if (!warned.has(error.code)) {
        warned.add(error.code);
        warn(`ladder: ${date} cannot be decided by the calendar (${error.code}); counted as Mon–Fri`);
      }
      return weekdayOf(date) <= 5;
    }
  };
  return {
    officeHours,
    isWorkingDay: (d) => decide(d, (x) => calendar.isNationalWorkday(x)),
    isSchoolDay: (d) => decide(d, (x) => calendar.isSchoolDay(x)),
  };
}

/** A delay after an instant on a basis: wall clock, officials' working time, or working time on school days. */
export function delayUntil(from: Date, ms: number, basis: DelayBasis, time: LadderTime | undefined): Date {
  if (basis === 'wall') return new Date(from.getTime() + ms);
  if (!time) throw new Error(`a ${basis}-time ladder level needs the calendar and office hours`);
  const isDay = basis === 'working' ? time.isWorkingDay : time.isSchoolDay;
  return addWorkingTime(from, ms, isDay, time.officeHours);
}
