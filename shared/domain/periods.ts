import * as z from 'zod/mini';
import type { SchoolCalendar } from './calendar.ts';
import { addDays, type CstDate, cstDate, cstInstant, weekdayOf } from './time.ts';

export const cadences = ['daily', 'weekly', 'monthly'] as const;
export const cadenceSchema = z.enum(cadences);
export type Cadence = z.infer<typeof cadenceSchema>;

export const cadenceLabel: Record<Cadence, string> = { daily: '日报', weekly: '周报', monthly: '月报' };

/** A reporting period: its key (`2023-02-20`, `2023-W08`, `2023-02`), its dates and its school days. */
export interface Period {
  cadence: Cadence;
  key: string;
  start: CstDate;
  end: CstDate;
  /** The last school day of the period: the report is due that day. Undefined: no report is owed. */
  dueDate: CstDate | undefined;
}

/** ISO-8601 week of a date: `{ year, week }` (week-year may differ from the calendar year). */
export function isoWeek(date: CstDate): { year: number; week: number } {
  const weekday = weekdayOf(date);
  const thursday = addDays(date, 4 - weekday);
  const year = Number(thursday.slice(0, 4));
  const jan1 = `${year}-01-01`;
  const dayOfYear = Math.round((cstInstant(thursday).getTime() - cstInstant(jan1).getTime()) / 86_400_000);
  return { year, week: Math.floor(dayOfYear / 7) + 1 };
}

/** The period of a cadence that contains a business date. */
export function periodOf(cadence: Cadence, date: CstDate, calendar: SchoolCalendar): Period {
  let start: CstDate;
  let end: CstDate;
  let key: string;
  if (cadence === 'daily') {
    start = end = key = date;
  } else if (cadence === 'weekly') {
    start = addDays(date, 1 - weekdayOf(date));
    end = addDays(start, 6);
    const w = isoWeek(date);
    key = `${w.year}-W${String(w.week).padStart(2, '0')}`;
  } else {
    key = date.slice(0, 7);
    start = `${key}-01`;
    const [y, m] = key.split('-').map(Number) as [number, number];
    end = `${key}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
  }
  const schoolDays = calendar.schoolDaysBetween(start, end);
  return { cadence, key, start, end, dueDate: schoolDays.at(-1) };
}

/** The period containing an instant, judged in CST (23:59:59 CST belongs to that day; 00:00 to the next). */
export function periodAt(cadence: Cadence, instant: Date, calendar: SchoolCalendar): Period {
  return periodOf(cadence, cstDate(instant), calendar);
}

/** The deadline instant of a period given the due time of day (`HH:MM` CST), or undefined if nothing is owed. */
export function deadlineOf(period: Period, dueTime: string): Date | undefined {
  return period.dueDate ? cstInstant(period.dueDate, dueTime) : undefined;
}

/** Opening a slot is for the period's due date: true when `date` is the day the report becomes owed. */
export function isDueOn(period: Period, date: CstDate): boolean {
  return period.dueDate === date;
}
