import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { z } from 'zod';
import { CalendarNotCoveredError } from './errors.ts';
import { addDays, type CstDate, isCstDate, weekdayOf } from './time.ts';

/** Whole days from one business date to another (UTC arithmetic on dates, so no DST or zone effects). */
function daysBetween(from: CstDate, to: CstDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine(isCstDate, 'not a real calendar date');

/** Bureau term dates and overrides, on top of the national workday calendar. */
export const calendarConfigSchema = z.object({
  /** School terms (inclusive). A day outside every term is not a school day. */
  terms: z
    .array(
      z
        .object({ name: z.string().min(1), start: isoDate, end: isoDate })
        .refine((t) => t.start <= t.end, { message: 'a term must not end before it starts', path: ['end'] }),
    )
    .min(1),
  /** Bureau decisions that win over everything else (e.g. a typhoon closure, a make-up Saturday). */
  overrides: z.record(isoDate, z.enum(['school', 'no-school'])).default({}),
  /**
   * Years that chinese-days does not cover but the bureau accepts to run on plain Mon–Fri weekdays,
   * knowingly. Any other uncovered year is refused.
   */
  assumeWeekdaysFor: z.array(z.number().int()).default([]),
});
export type CalendarConfig = z.infer<typeof calendarConfigSchema>;

/*
 * The raw national data of chinese-days (`holidays`: days off, `workdays`: 调休 make-up working days), imported
 * as JSON so esbuild bundles it into the Lambda (a runtime `require` would look for node_modules there).
 * Read directly rather than through `chineseDays.isWorkday()`: that function parses `YYYY-MM-DD` as UTC
 * midnight and then reads local-time fields, so on a host west of UTC it answers for the previous day.
 */
const national: { holidays: Record<string, string>; workdays: Record<string, string> } = data;

/**
 * Years the national holiday data of chinese-days covers: a year counts only once its 春节 (Spring Festival)
 * arrangement is published, so a stray cross-year entry (e.g. a 元旦 day of the next year) does not make a
 * year look covered.
 */
export const coveredYears: ReadonlySet<number> = new Set(
  Object.entries(national.holidays)
    .filter(([, label]) => label.includes('春节'))
    .map(([d]) => Number(d.slice(0, 4))),
);

/** Decides which business dates are school days. */
export class SchoolCalendar {
  private readonly config: CalendarConfig;
  private readonly warned = new Set<number>();

  constructor(
    config: z.input<typeof calendarConfigSchema>,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {
    this.config = calendarConfigSchema.parse(config);
  }

  /** The term containing a date, if any. */
  termOf(date: CstDate): { name: string; start: string; end: string } | undefined {
    return this.config.terms.find((t) => t.start <= date && date <= t.end);
  }

  /** True if the national calendar makes this date a working day (holidays and 调休 make-up days included). */
  isNationalWorkday(date: CstDate): boolean {
    const year = Number(date.slice(0, 4));
    if (!coveredYears.has(year)) {
      if (!this.config.assumeWeekdaysFor.includes(year)) throw new CalendarNotCoveredError(year);
      if (!this.warned.has(year)) {
        this.warned.add(year);
        this.warn(
          `WARNING: no national holiday data for ${year}; using plain Mon–Fri as configured (assumeWeekdaysFor). Holidays and 调休 days of ${year} are NOT known.`,
        );
      }
      return weekdayOf(date) <= 5;
    }
    if (national.workdays[date]) return true; // 调休: a weekend day made a working day
    if (national.holidays[date]) return false;
    return weekdayOf(date) <= 5;
  }

  /** School day: a bureau override, else a national workday inside a term. */
  isSchoolDay(date: CstDate): boolean {
    const override = this.config.overrides[date];
    if (override) return override === 'school';
    if (!this.termOf(date)) return false;
    return this.isNationalWorkday(date);
  }

  /** School days in [from, to], inclusive. */
  schoolDaysBetween(from: CstDate, to: CstDate): CstDate[] {
    const days: CstDate[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) if (this.isSchoolDay(d)) days.push(d);
    return days;
  }

  /**
   * The first day, within `horizonDays` of `today`, on which a configured term needs national calendar data that
   * is neither in chinese-days nor accepted in `assumeWeekdaysFor` (the Monday of the ISO week holding 1 January,
   * as that week's report needs the new year): from that day on, report periods there are refused. Lets the daily job warn weeks ahead instead of failing on the day. Undefined when nothing is missing.
   */
  coverageGap(today: CstDate, horizonDays: number): { year: number; firstDay: CstDate; daysLeft: number } | undefined {
    const horizon = addDays(today, horizonDays);
    for (const term of [...this.config.terms].sort((a, b) => a.start.localeCompare(b.start))) {
      if (term.end < today || term.start > horizon) continue;
      const from = Number(term.start.slice(0, 4));
      const to = Number(term.end.slice(0, 4));
      for (const year of this.uncoveredYears(from, to)) {
        // The weekly period of the ISO week holding 1 January already needs the new year's days.
        const weekOfNewYear = addDays(`${year}-01-01`, 1 - weekdayOf(`${year}-01-01`));
        const firstDay = [term.start, weekOfNewYear, today].reduce((a, b) => (a > b ? a : b));
        if (firstDay > horizon) continue;
        return { year, firstDay, daysLeft: daysBetween(today, firstDay) };
      }
    }
    return undefined;
  }

  /** Years in [from, to] that the calendar would refuse (neither covered nor assumed). */
  uncoveredYears(fromYear: number, toYear: number): number[] {
    const out: number[] = [];
    for (let y = fromYear; y <= toYear; y++)
      if (!coveredYears.has(y) && !this.config.assumeWeekdaysFor.includes(y)) out.push(y);
    return out;
  }
}
