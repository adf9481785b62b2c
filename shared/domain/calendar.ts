import * as z from 'zod/mini';
import { CalendarNotCoveredError, TermNotConfiguredError } from './errors.ts';
import { holidayYearSchema, NationalCalendar, type NationalDay, type StatutoryHoliday } from './national-calendar.ts';
import { addDays, type CstDate, isCstDate, weekdayOf } from './time.ts';

/** Whole days from one business date to another (UTC arithmetic on dates, so no DST or zone effects). */
function daysBetween(from: CstDate, to: CstDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const isoDate = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD'), z.refine(isCstDate, '不是真实存在的日期'));

/** Bureau term dates and overrides, on top of the national workday calendar. */
export const calendarConfigSchema = z.object({
  /** School terms (inclusive). A day outside every term is not a school day. */
  terms: z
    .array(
      z
        .object({ name: z.string().check(z.minLength(1)), start: isoDate, end: isoDate })
        .check(z.refine((t) => t.start <= t.end, { message: '学期结束日期不能早于开始日期', path: ['end'] })),
    )
    .check(z.minLength(1)),
  /** Bureau decisions that win over everything else (e.g. a typhoon closure, a make-up Saturday). */
  overrides: z._default(z.record(isoDate, z.enum(['school', 'no-school'])), {}),
  /**
   * Years that chinese-days does not cover but the bureau accepts to run on plain Mon–Fri weekdays,
   * knowingly. Any other uncovered year is refused.
   */
  assumeWeekdaysFor: z._default(z.array(z.int()), []),
  /**
   * The bureau's national-calendar year files (`config/holidays/<year>.json`), loaded and validated by the config
   * loader (never written inline in the config file); a year with a file wins over chinese-days.
   */
  holidayYears: z._default(z.array(holidayYearSchema), []),
});
export type CalendarConfig = z.infer<typeof calendarConfigSchema>;

/** What one date is, for the operators' `calendar show` and the console. */
export type DayKind =
  | { kind: 'school'; label: string; holiday?: StatutoryHoliday }
  | { kind: 'weekend' | 'holiday' | 'out-of-term' | 'no-school'; label: string; holiday?: StatutoryHoliday }
  | { kind: 'undecided'; label: string; reason: string };

/** Something the calendar cannot decide from a given day on: a missing national year, or no term configured. */
export interface CalendarGap {
  kind: 'year' | 'term';
  /** The missing national year (kind `year`). */
  year?: number;
  /** The end of the last configured term (kind `term`). */
  lastTermEnd?: CstDate;
  /** The first date whose report periods the calendar refuses (a week/month that reaches the gap). */
  firstDay: CstDate;
  daysLeft: number;
  /** Stable key for alerting once per gap and threshold. */
  key: string;
}

/** Decides which business dates are school days. */
export class SchoolCalendar {
  private readonly config: CalendarConfig;
  private readonly national: NationalCalendar;
  private readonly lastTermEnd: CstDate;
  private readonly warned = new Set<number>();

  constructor(
    config: z.input<typeof calendarConfigSchema>,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {
    this.config = calendarConfigSchema.parse(config);
    this.national = new NationalCalendar(this.config.holidayYears);
    this.lastTermEnd = this.config.terms
      .map((t) => t.end)
      .sort()
      .at(-1)!;
  }

  /** The term containing a date, if any. */
  termOf(date: CstDate): { name: string; start: string; end: string } | undefined {
    return this.config.terms.find((t) => t.start <= date && date <= t.end);
  }

  /** Where the national data of a year comes from: the bureau's file, chinese-days, or nothing. */
  nationalSourceOf(year: number): 'file' | 'chinese-days' | undefined {
    return this.national.sourceOf(year);
  }

  /** True if the national calendar makes this date a working day (holidays and 调休 make-up days included). */
  isNationalWorkday(date: CstDate): boolean {
    const { kind } = this.nationalDay(date);
    return kind === 'workday' || kind === 'makeup';
  }

  /**
   * School day: a bureau override, else a national workday inside a term. A date after the last configured term
   * is refused (TermNotConfiguredError): the bureau has not said whether school is on, and the system never guesses.
   */
  isSchoolDay(date: CstDate): boolean {
    const override = this.config.overrides[date];
    if (override) return override === 'school';
    if (!this.termOf(date)) {
      if (date > this.lastTermEnd) throw new TermNotConfiguredError(date, this.lastTermEnd);
      return false;
    }
    return this.isNationalWorkday(date);
  }

  /** School days in [from, to], inclusive. */
  schoolDaysBetween(from: CstDate, to: CstDate): CstDate[] {
    const days: CstDate[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) if (this.isSchoolDay(d)) days.push(d);
    return days;
  }

  /** The kind of one date with its Chinese label (上课日 / 周末 / 法定节假日（名称）/ 调休上班 / 学期外 …); never throws. */
  describe(date: CstDate): DayKind {
    const override = this.config.overrides[date];
    if (override === 'school') return { kind: 'school', label: '上课日（教育局调整）' };
    if (override === 'no-school') return { kind: 'no-school', label: '停课（教育局调整）' };
    if (!this.termOf(date)) {
      if (date > this.lastTermEnd)
        return { kind: 'undecided', label: '无法判定', reason: `学期未配置（最后一个学期止于 ${this.lastTermEnd}）` };
      return { kind: 'out-of-term', label: '学期外' };
    }
    let day: NationalDay;
    try {
      day = this.nationalDay(date);
    } catch (error) {
      if (!(error instanceof CalendarNotCoveredError)) throw error;
      return { kind: 'undecided', label: '无法判定', reason: `缺少 ${error.year} 年国家节假日数据` };
    }
    switch (day.kind) {
      case 'workday':
        return { kind: 'school', label: '上课日' };
      case 'makeup':
        return { kind: 'school', label: `调休上班（${day.name}）`, holiday: day.name };
      case 'holiday':
        return { kind: 'holiday', label: `法定节假日（${day.name}）`, holiday: day.name };
      case 'weekend':
        return { kind: 'weekend', label: '周末' };
    }
  }

  /**
   * What the calendar will refuse within `horizonDays` of `today`, earliest first:
   * - a year that a configured term needs and neither a year file nor chinese-days covers (from the Monday of the
   *   ISO week holding its 1 January, as that week's report needs the new year);
   * - the end of the configured terms (from the first day of the month, or the Monday of the week, that reaches
   *   past the last term's end, as those periods' due dates need the days after it).
   * Lets the daily job warn weeks ahead instead of failing on the day.
   */
  gaps(today: CstDate, horizonDays: number): CalendarGap[] {
    const horizon = addDays(today, horizonDays);
    const gaps: CalendarGap[] = [];
    const latest = (...dates: CstDate[]) => [...dates].sort().at(-1)!;
    for (const term of [...this.config.terms].sort((a, b) => a.start.localeCompare(b.start))) {
      if (term.end < today || term.start > horizon) continue;
      for (const year of this.uncoveredYears(Number(term.start.slice(0, 4)), Number(term.end.slice(0, 4)))) {
        const firstDay = latest(term.start, mondayOf(`${year}-01-01`), today);
        if (firstDay > horizon || gaps.some((g) => g.year === year)) continue;
        gaps.push({ kind: 'year', year, firstDay, daysLeft: daysBetween(today, firstDay), key: `year-${year}` });
      }
    }
    const after = addDays(this.lastTermEnd, 1);
    const reach = [mondayOf(after), `${after.slice(0, 7)}-01`].sort()[0]!;
    const firstDay = latest(reach, today);
    if (firstDay <= horizon)
      gaps.push({
        kind: 'term',
        lastTermEnd: this.lastTermEnd,
        firstDay,
        daysLeft: daysBetween(today, firstDay),
        key: `term-after-${this.lastTermEnd}`,
      });
    return gaps.sort((a, b) => a.firstDay.localeCompare(b.firstDay));
  }

  /** Years in [from, to] that the calendar would refuse (no year file, no chinese-days data, not assumed). */
  uncoveredYears(fromYear: number, toYear: number): number[] {
    const out: number[] = [];
    for (let y = fromYear; y <= toYear; y++)
      if (!this.national.covers(y) && !this.config.assumeWeekdaysFor.includes(y)) out.push(y);
    return out;
  }

  private nationalDay(date: CstDate): NationalDay {
    const year = Number(date.slice(0, 4));
    if (!this.national.covers(year)) {
      if (!this.config.assumeWeekdaysFor.includes(year)) throw new CalendarNotCoveredError(year);
      if (!this.warned.has(year)) {
        this.warned.add(year);
        this.warn(
          `WARNING: no national holiday data for ${year}; using plain Mon–Fri as configured (assumeWeekdaysFor). Holidays and 调休 days of ${year} are NOT known.`,
        );
      }
      return weekdayOf(date) <= 5 ? { kind: 'workday' } : { kind: 'weekend' };
    }
    return this.national.dayOf(date);
  }
}

/** The Monday of the ISO week holding `date`. */
function mondayOf(date: CstDate): CstDate {
  return addDays(date, 1 - weekdayOf(date));
}
