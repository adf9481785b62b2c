import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as z from 'zod/mini';
import { CalendarNotCoveredError, HolidayFileError, type HolidayFileIssue } from './errors.ts';
import { type CstDate, isCstDate, weekdayOf } from './time.ts';

/** The seven statutory public holidays (全国年节及纪念日放假办法), as the State Council's notices name them. */
export const STATUTORY_HOLIDAYS = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'] as const;
export type StatutoryHoliday = (typeof STATUTORY_HOLIDAYS)[number];

const WEEKDAY_NAMES = ['', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'];

const dayEntrySchema = () =>
  z.strictObject({
    name: z.enum(STATUTORY_HOLIDAYS, { error: `节日名称须为七个法定节假日之一（${STATUTORY_HOLIDAYS.join('、')}）` }),
    date: z
      .string({ error: '日期应为字符串 YYYY-MM-DD' })
      .check(z.regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD'), z.refine(isCstDate, '不是真实存在的日期')),
    isOffDay: z.boolean({ error: 'isOffDay 应为 true（放假）或 false（调休上班）' }),
  });

/**
 * One year of the State Council's holiday arrangement (国务院办公厅关于XXXX年部分节假日安排的通知), in the schema of
 * the public holiday-cn data set: only the exceptions to Monday–Friday are listed, days off (`isOffDay: true`)
 * and 调休 make-up working days (`isOffDay: false`). A holiday-cn file (with its `$schema`/`$id`) loads as is.
 */
// Built on first parse (z.lazy), not when the bundle loads: most invocations never read a holiday file.
export const holidayYearSchema = z.lazy(() =>
  z
    .strictObject({
      $schema: z.optional(z.string()),
      $id: z.optional(z.string()),
      year: z.int({ error: 'year 应为四位年份数字' }).check(z.gte(2000), z.lte(2100)),
      papers: z
        .array(z.url({ error: '应为国务院通知的网址（http/https）' }), { error: 'papers 应为网址列表' })
        .check(z.minLength(1, '至少列出一份国务院通知的网址（papers），以便核对')),
      days: z.array(dayEntrySchema(), { error: 'days 应为日期列表' }),
    })
    .check(
      z.superRefine((file, ctx) => {
        const seen = new Map<string, number>();
        file.days.forEach((day, i) => {
          if (!day.date.startsWith(`${file.year}-`))
            ctx.addIssue({ code: 'custom', path: ['days', i, 'date'], message: `日期不在 ${file.year} 年内` });
          const first = seen.get(day.date);
          if (first !== undefined)
            ctx.addIssue({ code: 'custom', path: ['days', i, 'date'], message: `日期重复（与 days[${first}] 相同）` });
          else seen.set(day.date, i);
          const weekday = isCstDate(day.date) ? weekdayOf(day.date) : 0;
          if (!day.isOffDay && weekday >= 1 && weekday <= 5)
            ctx.addIssue({
              code: 'custom',
              path: ['days', i, 'isOffDay'],
              message: `调休上班日必须是星期六或星期日，${day.date} 是${WEEKDAY_NAMES[weekday]}`,
            });
        });
      }),
    ),
);
export type HolidayYear = z.infer<typeof holidayYearSchema>;

/**
 * Validates one year file. `source` names it in errors (e.g. `config/holidays/2027.json`); `expectedYear` is the
 * year its file name promises, so `2027.json` holding `"year": 2026` is refused.
 */
export function parseHolidayYear(raw: unknown, source: string, expectedYear?: number): HolidayYear {
  const result = holidayYearSchema.safeParse(raw);
  const issues: HolidayFileIssue[] = [];
  if (!result.success) {
    const days = (raw as { days?: unknown[] } | null)?.days;
    for (const issue of result.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      const index = issue.path[0] === 'days' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
      const date = index !== undefined && Array.isArray(days) ? (days[index] as { date?: unknown })?.date : undefined;
      issues.push({
        field: path.replace(/^\./, '') || '(文件)',
        ...(typeof date === 'string' ? { date } : {}),
        reason: issue.code === 'unrecognized_keys' ? `未知字段 ${issue.keys.join('、')}` : issue.message,
      });
    }
  } else if (expectedYear !== undefined && result.data.year !== expectedYear) {
    issues.push({ field: 'year', reason: `文件名表示 ${expectedYear} 年，但 year 为 ${result.data.year}` });
  }
  if (issues.length > 0 || !result.success) throw new HolidayFileError(source, issues);
  return result.data;
}

/** What the national calendar says of one date. */
export type NationalDay =
  | { kind: 'workday' }
  | { kind: 'weekend' }
  | { kind: 'holiday'; name: StatutoryHoliday }
  /** 调休: a Saturday or Sunday made a working day, for the named holiday. */
  | { kind: 'makeup'; name: StatutoryHoliday };

type DayTable = ReadonlyMap<CstDate, { name: StatutoryHoliday; isOffDay: boolean }>;

/**
 * The raw national data of chinese-days (`holidays`: days off, `workdays`: 调休 make-up working days; labels are
 * "English,中文,n"), in the shape of the package's `dist/chinese-days.json`. Read directly rather than through
 * `chineseDays.isWorkday()`: that function parses `YYYY-MM-DD` as UTC midnight and then reads local-time fields, so
 * on a host west of UTC it answers for the previous day.
 */
export interface ChineseDaysData {
  holidays: Readonly<Record<string, string>>;
  workdays: Readonly<Record<string, string>>;
}

/**
 * Where the national calendar gets chinese-days' data: called on the first question about a year without a year
 * file (never at module load), so a function that only meets years with a file never reads it.
 */
export type ChineseDaysSource = () => ChineseDaysData;

/** The package's JSON, as a module specifier (resolved at run time, never bundled). */
export const CHINESE_DAYS_JSON = 'chinese-days/dist/chinese-days.json';

let packageData: ChineseDaysData | undefined;

/**
 * The default source: the package's own JSON file, found by Node's module resolution from this module at first
 * use and read once per process. Locally (tsx, vitest) that is `node_modules/chinese-days`; in a function it is
 * the copy the bundling puts in the asset's `node_modules/` (infra/bundling.ts, `assetFileCommands`), because
 * esbuild leaves a `resolve` of a computed specifier alone. So the 37 KB of data stay out of every `index.mjs`.
 */
export const packageChineseDays: ChineseDaysSource = () => {
  packageData ??= JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve(CHINESE_DAYS_JSON), 'utf8'),
  ) as ChineseDaysData;
  return packageData;
};

/** chinese-days labels are "English,中文,n"; its Chinese short names map to the notices' names. */
const CHINESE_DAYS_NAMES: Record<string, StatutoryHoliday> = {
  元旦: '元旦',
  春节: '春节',
  清明: '清明节',
  劳动节: '劳动节',
  端午: '端午节',
  中秋: '中秋节',
  国庆节: '国庆节',
};

function chineseDaysName(label: string): StatutoryHoliday {
  const short = label.split(',')[1] ?? '';
  const name = CHINESE_DAYS_NAMES[short];
  if (!name) throw new Error(`chinese-days label not understood: ${label}`);
  return name;
}

const yearsOfData = new WeakMap<ChineseDaysData, ReadonlySet<number>>();

/**
 * Years chinese-days covers: a year counts only once its 春节 arrangement is published, so a stray cross-year entry
 * (e.g. a 元旦 day of the next year) does not make a year look covered.
 */
export function chineseDaysYears(source: ChineseDaysSource = packageChineseDays): ReadonlySet<number> {
  const data = source();
  let years = yearsOfData.get(data);
  if (!years) {
    years = new Set(
      Object.entries(data.holidays)
        .filter(([, label]) => label.includes('春节'))
        .map(([d]) => Number(d.slice(0, 4))),
    );
    yearsOfData.set(data, years);
  }
  return years;
}

/** One year of chinese-days as the same day table a year file gives (used for years without a file). */
export function chineseDaysYear(year: number, source: ChineseDaysSource = packageChineseDays): HolidayYear['days'] {
  const data = source();
  const days: HolidayYear['days'] = [];
  for (const [table, isOffDay] of [
    [data.holidays, true],
    [data.workdays, false],
  ] as const)
    for (const [date, label] of Object.entries(table))
      if (date.startsWith(`${year}-`)) days.push({ name: chineseDaysName(label), date, isOffDay });
  return days.sort((a, b) => a.date.localeCompare(b.date));
}

/** Where a year's national data comes from. */
export type NationalSource = 'file' | 'chinese-days';

/**
 * The national workday calendar: the bureau's year files (`config/holidays/<year>.json`) win, year by year, over
 * the chinese-days package, which stays the source for years without a file. A year in neither is not covered:
 * asking about one of its dates throws CalendarNotCoveredError, never a guess.
 */
export class NationalCalendar {
  private readonly tables = new Map<number, { source: NationalSource; days: DayTable }>();

  /**
   * `chineseDays` is consulted only for a year without a file, on its first question (see ChineseDaysSource); the
   * default reads the package's JSON file.
   */
  constructor(
    files: readonly HolidayYear[] = [],
    private readonly chineseDays: ChineseDaysSource = packageChineseDays,
  ) {
    for (const file of files) {
      if (this.tables.has(file.year)) throw new Error(`two holiday files for ${file.year}`);
      this.tables.set(file.year, { source: 'file', days: toTable(file.days) });
    }
  }

  /** Where the data of `year` comes from, or undefined if nothing covers it. */
  sourceOf(year: number): NationalSource | undefined {
    if (this.tables.has(year)) return this.tables.get(year)!.source;
    return this.chineseDaysYears().has(year) ? 'chinese-days' : undefined;
  }

  covers(year: number): boolean {
    return this.sourceOf(year) !== undefined;
  }

  /** The kind of a date; throws CalendarNotCoveredError for a year nothing covers. */
  dayOf(date: CstDate): NationalDay {
    const year = Number(date.slice(0, 4));
    const entry = this.table(year).get(date);
    if (entry) return entry.isOffDay ? { kind: 'holiday', name: entry.name } : { kind: 'makeup', name: entry.name };
    return weekdayOf(date) <= 5 ? { kind: 'workday' } : { kind: 'weekend' };
  }

  /** True if the date is a national working day (调休 make-up days included, holidays excluded). */
  isWorkday(date: CstDate): boolean {
    const day = this.dayOf(date);
    return day.kind === 'workday' || day.kind === 'makeup';
  }

  private loaded: ChineseDaysData | undefined;

  /** chinese-days' data, asked of the source once per calendar, on the first year without a file. */
  private readonly chineseDaysData: ChineseDaysSource = () => {
    this.loaded ??= this.chineseDays();
    return this.loaded;
  };

  private chineseDaysYears(): ReadonlySet<number> {
    return chineseDaysYears(this.chineseDaysData);
  }

  private table(year: number): DayTable {
    const own = this.tables.get(year);
    if (own) return own.days;
    if (!this.chineseDaysYears().has(year)) throw new CalendarNotCoveredError(year);
    const days = toTable(chineseDaysYear(year, this.chineseDaysData));
    this.tables.set(year, { source: 'chinese-days', days });
    return days;
  }
}

function toTable(days: HolidayYear['days']): DayTable {
  return new Map(days.map((d) => [d.date, { name: d.name, isOffDay: d.isOffDay }]));
}

/** Summary of a year file for the operator's check: days off and make-up days per holiday. */
export function summariseHolidayYear(file: HolidayYear): {
  offDays: number;
  makeupDays: number;
  holidays: { name: StatutoryHoliday; offDays: CstDate[]; makeupDays: CstDate[] }[];
  missing: StatutoryHoliday[];
} {
  const holidays = STATUTORY_HOLIDAYS.map((name) => ({
    name,
    offDays: file.days.filter((d) => d.name === name && d.isOffDay).map((d) => d.date),
    makeupDays: file.days.filter((d) => d.name === name && !d.isOffDay).map((d) => d.date),
  }));
  return {
    offDays: file.days.filter((d) => d.isOffDay).length,
    makeupDays: file.days.filter((d) => !d.isOffDay).length,
    holidays: holidays.filter((h) => h.offDays.length + h.makeupDays.length > 0),
    missing: holidays.filter((h) => h.offDays.length === 0).map((h) => h.name),
  };
}
