import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HOLIDAYS_DIR, loadHolidayYears } from '../../shared/config/holiday-files.ts';
import { configForEnv, loadConfigFile, withHolidayYears } from '../../shared/config/load-config.ts';
import { SchoolCalendar } from '../../shared/domain/calendar.ts';
import { HolidayFileError } from '../../shared/domain/errors.ts';
import {
  type ChineseDaysData,
  chineseDaysYears,
  NationalCalendar,
  packageChineseDays,
  parseHolidayYear,
} from '../../shared/domain/national-calendar.ts';
import { addDays } from '../../shared/domain/time.ts';

const PAPER = 'https://www.gov.cn/zhengce/content/203011/content_0000000.htm';

/** A made-up year no data set covers (2031): one weekday holiday and one make-up Saturday. */
const testYear = (days: unknown[] = []): unknown => ({ year: 2031, papers: [PAPER], days });

function issuesOf(raw: unknown, expectedYear?: number): { field: string; date?: string; reason: string }[] {
  try {
    parseHolidayYear(raw, 'config/holidays/2031.json', expectedYear);
  } catch (error) {
    expect(error).toBeInstanceOf(HolidayFileError);
    expect((error as Error).message).toMatch(/^节假日文件 config\/holidays\/2031\.json 有 \d+ 处错误/);
    return [...(error as HolidayFileError).issues];
  }
  throw new Error('expected the file to be refused');
}

describe('a year file changes exactly the days it lists', () => {
  it('a weekday holiday stops being a school day and a make-up Saturday becomes one; nothing else moves', () => {
    const file = parseHolidayYear(
      testYear([
        { name: '劳动节', date: '2031-05-01', isOffDay: true }, // a Thursday
        { name: '劳动节', date: '2031-05-02', isOffDay: true }, // a Friday
        { name: '劳动节', date: '2031-04-26', isOffDay: false }, // a Saturday made a working day
      ]),
      'test',
    );
    const terms = [{ name: '2031春', start: '2031-03-01', end: '2031-07-04' }];
    const withFile = new SchoolCalendar({ terms, holidayYears: [file] });
    const plain = new SchoolCalendar({ terms, assumeWeekdaysFor: [2031] }, () => {});

    const a = new Set(withFile.schoolDaysBetween('2031-03-01', '2031-07-04'));
    const b = new Set(plain.schoolDaysBetween('2031-03-01', '2031-07-04'));

    expect([...b].filter((d) => !a.has(d))).toEqual(['2031-05-01', '2031-05-02']);
    expect([...a].filter((d) => !b.has(d))).toEqual(['2031-04-26']);
    expect(withFile.describe('2031-05-01').label).toBe('法定节假日（劳动节）');
    expect(withFile.describe('2031-04-26').label).toBe('调休上班（劳动节）');
    expect(withFile.describe('2031-04-27').label).toBe('周末');
    expect(withFile.describe('2031-04-28').label).toBe('上课日');
    expect(withFile.nationalSourceOf(2031)).toBe('file');
    expect(withFile.uncoveredYears(2030, 2032)).toEqual([2030, 2032]);
  });

  it('a year file wins over chinese-days for its whole year', () => {
    // A bureau file for 2026 that (wrongly, for the test) omits the whole Spring Festival.
    const only = parseHolidayYear(
      { year: 2026, papers: [PAPER], days: [{ name: '元旦', date: '2026-01-01', isOffDay: true }] },
      't',
    );
    const national = new NationalCalendar([only]);

    expect(national.sourceOf(2026)).toBe('file');
    expect(national.dayOf('2026-02-16')).toEqual({ kind: 'workday' }); // chinese-days says 春节
    expect(new NationalCalendar().dayOf('2026-02-16')).toEqual({ kind: 'holiday', name: '春节' });
    expect(national.sourceOf(2025)).toBe('chinese-days');
  });
});

describe("chinese-days' data: asked of its source only for a year without a file", () => {
  const files = loadHolidayYears(DEFAULT_HOLIDAYS_DIR);

  it('a calendar that meets only years with a file never asks; the first other year asks once', () => {
    // A made-up source as the package would be once it publishes 2027 (labels in the package's "English,中文,n").
    const fake: ChineseDaysData = {
      holidays: { '2027-02-08': 'Spring Festival,春节,7', '2027-02-09': 'Spring Festival,春节,7' },
      workdays: { '2027-02-06': 'Spring Festival,春节,7' },
    };
    let asked = 0;
    const national = new NationalCalendar(files, () => {
      asked++;
      return fake;
    });

    expect(national.dayOf('2026-10-01')).toEqual({ kind: 'holiday', name: '国庆节' });
    expect(national.sourceOf(2023)).toBe('file');
    expect(asked).toBe(0);
    expect(national.sourceOf(2027)).toBe('chinese-days');
    expect(national.dayOf('2027-02-08')).toEqual({ kind: 'holiday', name: '春节' });
    expect(national.dayOf('2027-02-06')).toEqual({ kind: 'makeup', name: '春节' });
    expect(national.dayOf('2027-02-10')).toEqual({ kind: 'workday' });
    expect(national.covers(2019)).toBe(false); // the fake knows 2027 only
    expect(asked).toBe(1);
  });

  it('the default source is the package file, read once per process', () => {
    expect(packageChineseDays()).toBe(packageChineseDays());
    expect(new NationalCalendar().dayOf('2019-10-12')).toEqual({ kind: 'makeup', name: '国庆节' });
    expect(chineseDaysYears().has(2004)).toBe(true);
  });
});

describe('year file validation: each error names the entry and the reason (in Chinese)', () => {
  it('refuses a date outside its year', () => {
    expect(issuesOf(testYear([{ name: '元旦', date: '2030-12-31', isOffDay: true }]))).toEqual([
      { field: 'days[0].date', date: '2030-12-31', reason: '日期不在 2031 年内' },
    ]);
  });

  it('refuses a date listed twice', () => {
    const days = [
      { name: '春节', date: '2031-01-23', isOffDay: true },
      { name: '春节', date: '2031-01-24', isOffDay: true },
      { name: '春节', date: '2031-01-23', isOffDay: false },
    ];
    expect(issuesOf(testYear(days))).toContainEqual({
      field: 'days[2].date',
      date: '2031-01-23',
      reason: '日期重复（与 days[0] 相同）',
    });
  });

  it('refuses a name that is not one of the seven statutory holidays', () => {
    const [issue] = issuesOf(testYear([{ name: '圣诞节', date: '2031-12-25', isOffDay: true }]));
    expect(issue).toMatchObject({ field: 'days[0].name', date: '2031-12-25' });
    expect(issue?.reason).toBe('节日名称须为七个法定节假日之一（元旦、春节、清明节、劳动节、端午节、中秋节、国庆节）');
  });

  it('refuses a make-up working day that is not a Saturday or Sunday', () => {
    expect(issuesOf(testYear([{ name: '国庆节', date: '2031-10-08', isOffDay: false }]))).toEqual([
      { field: 'days[0].isOffDay', date: '2031-10-08', reason: '调休上班日必须是星期六或星期日，2031-10-08 是星期三' },
    ]);
  });

  it('refuses a file without a paper, and a paper that is not a URL', () => {
    expect(issuesOf({ year: 2031, papers: [], days: [] })).toEqual([
      { field: 'papers', reason: '至少列出一份国务院通知的网址（papers），以便核对' },
    ]);
    expect(issuesOf({ year: 2031, papers: ['国办发明电'], days: [] })[0]).toMatchObject({ field: 'papers[0]' });
  });

  it('refuses impossible dates, unknown fields and a year that does not match the file name', () => {
    expect(issuesOf(testYear([{ name: '春节', date: '2031-02-30', isOffDay: true }]))[0]).toEqual({
      field: 'days[0].date',
      date: '2031-02-30',
      reason: '不是真实存在的日期',
    });
    expect(issuesOf(testYear([{ name: '春节', date: '2031-02-03', isOffDay: true, note: 'x' }]))[0]?.reason).toBe(
      '未知字段 note',
    );
    expect(issuesOf(testYear(), 2032)).toEqual([{ field: 'year', reason: '文件名表示 2032 年，但 year 为 2031' }]);
  });

  it('accepts a holiday-cn file as published (with $schema and $id)', () => {
    const file = parseHolidayYear(
      {
        $schema: 'https://example.invalid/schema.json',
        $id: 'https://example.invalid/2031.json',
        ...(testYear() as object),
      },
      't',
    );
    expect(file.year).toBe(2031);
  });
});

describe('the shipped year files', () => {
  const files = loadHolidayYears(DEFAULT_HOLIDAYS_DIR);

  it('ship 2023–2026, each citing its State Council notice', () => {
    expect(files.map((f) => f.year)).toEqual([2023, 2024, 2025, 2026]);
    for (const f of files) expect(f.papers[0]).toMatch(/^https?:\/\/www\.gov\.cn\/zhengce\/content\//);
  });

  it.each([2023, 2024, 2025, 2026])('%i agrees with chinese-days day by day', (year) => {
    const fromFile = new NationalCalendar(files.filter((f) => f.year === year));
    const fromPackage = new NationalCalendar();
    expect(chineseDaysYears().has(year)).toBe(true);
    let days = 0;
    for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1), days++)
      expect(fromFile.dayOf(d), d).toEqual(fromPackage.dayOf(d));
    expect(days).toBeGreaterThanOrEqual(365);
  });

  it('are part of the config every face loads', () => {
    expect(loadConfigFile().calendar.holidayYears.map((f) => f.year)).toEqual([2023, 2024, 2025, 2026]);
    expect(() => withHolidayYears({ calendar: { holidayYears: [] } }, [])).toThrow(/loaded from config\/holidays/);
    // Not in the functions' APP_CONFIG (Lambda's 4 KB of env): the files ride in the asset instead.
    const env = configForEnv(loadConfigFile());
    expect(env).not.toContain('holidayYears');
    expect(Buffer.byteLength(env)).toBeLessThan(2900);
  });
});

describe('loading a holidays folder', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('stops on the first bad file, naming it; refuses stray names; a missing folder is an error only if required', () => {
    dir = mkdtempSync(join(tmpdir(), 'holidays-'));
    const folder = join(dir, 'holidays');
    mkdirSync(folder);
    writeFileSync(join(folder, '2031.json'), '{ "year": 2031, "papers": [');

    expect(() => loadHolidayYears(folder)).toThrow(/2031\.json 有 1 处错误：\n {2}- \(文件\)：不是有效的 JSON/);
    writeFileSync(join(folder, '2031.json'), JSON.stringify(testYear()));
    expect(loadHolidayYears(folder).map((f) => f.year)).toEqual([2031]);
    writeFileSync(join(folder, '2031-copy.json'), '{}');
    expect(() => loadHolidayYears(folder)).toThrow(/文件名应为 <年份>\.json/);
    expect(loadHolidayYears(join(dir, 'absent'))).toEqual([]);
    expect(() => loadHolidayYears(join(dir, 'absent'), { required: true })).toThrow(/directory missing/);
  });
});
