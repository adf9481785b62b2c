import { describe, expect, it, vi } from 'vitest';
import { SchoolCalendar } from '../../shared/domain/calendar.ts';
import { CalendarNotCoveredError, TermNotConfiguredError } from '../../shared/domain/errors.ts';
import { chineseDaysYears } from '../../shared/domain/national-calendar.ts';

/** A calendar whose one term spans the 2023 Spring Festival, so only the national calendar decides. */
const winterCalendar = (extra: Partial<ConstructorParameters<typeof SchoolCalendar>[0]> = {}) =>
  new SchoolCalendar({ terms: [{ name: '测试学期', start: '2023-01-03', end: '2023-03-31' }], ...extra }, () => {});

describe('SchoolCalendar: the national calendar', () => {
  it('treats the 调休 Saturday 2023-01-28 as a working day and, inside a term, a school day', () => {
    const calendar = winterCalendar();

    expect(calendar.isNationalWorkday('2023-01-28')).toBe(true);
    expect(calendar.isSchoolDay('2023-01-28')).toBe(true);
    expect(calendar.isSchoolDay('2023-01-29')).toBe(true); // the make-up Sunday too
    expect(calendar.isSchoolDay('2023-02-04')).toBe(false); // an ordinary Saturday
  });

  it('has no school day in the 2023 Spring Festival holiday (01-21 to 01-27)', () => {
    const calendar = winterCalendar();

    expect(calendar.schoolDaysBetween('2023-01-21', '2023-01-27')).toEqual([]);
    expect(calendar.schoolDaysBetween('2023-01-20', '2023-01-30')).toEqual([
      '2023-01-20',
      '2023-01-28',
      '2023-01-29',
      '2023-01-30',
    ]);
  });

  it('keeps the 2023 National Day week and its two make-up weekend days apart', () => {
    const calendar = new SchoolCalendar({ terms: [{ name: '秋季学期', start: '2023-09-01', end: '2024-01-19' }] });

    expect(calendar.schoolDaysBetween('2023-09-29', '2023-10-08')).toEqual(['2023-10-07', '2023-10-08']);
  });

  it('is not a school day between two terms, even on a working day', () => {
    const calendar = new SchoolCalendar({
      terms: [
        { name: '测试学期', start: '2023-01-03', end: '2023-03-31' },
        { name: '下一学期', start: '2023-09-01', end: '2024-01-19' },
      ],
    });

    expect(calendar.isNationalWorkday('2023-04-03')).toBe(true);
    expect(calendar.isSchoolDay('2023-04-03')).toBe(false);
    expect(calendar.termOf('2023-04-03')).toBeUndefined();
    expect(calendar.termOf('2023-03-31')?.name).toBe('测试学期');
  });

  it('refuses to guess a date after the last configured term (the next term is not known yet)', () => {
    const calendar = winterCalendar();

    expect(() => calendar.isSchoolDay('2023-04-03')).toThrow(TermNotConfiguredError);
    expect(() => calendar.isSchoolDay('2023-04-03')).toThrow(
      /2023-04-03 在已配置的最后一个学期（止于 2023-03-31）之后/,
    );
    expect(calendar.isSchoolDay('2023-03-31')).toBe(true);
    expect(calendar.isSchoolDay('2023-01-02')).toBe(false); // before the first term: history, not school
  });

  it('gives the same answer whatever the host time zone is (chinese-days itself does not)', () => {
    const calendar = winterCalendar();
    const original = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(calendar.isNationalWorkday('2023-01-30')).toBe(true); // Monday after the Spring Festival
      expect(calendar.isNationalWorkday('2023-01-27')).toBe(false); // last day of the holiday
      expect(calendar.isNationalWorkday('2023-01-28')).toBe(true); // 调休 Saturday
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});

describe('SchoolCalendar: bureau overrides', () => {
  it('lets an override win over the national calendar and the terms, both ways', () => {
    const calendar = winterCalendar({
      overrides: { '2023-02-24': 'no-school', '2023-02-25': 'school', '2023-07-20': 'school' },
    });

    expect(calendar.isSchoolDay('2023-02-24')).toBe(false); // a Friday closed (e.g. typhoon)
    expect(calendar.isSchoolDay('2023-02-25')).toBe(true); // a Saturday made a school day
    expect(calendar.isSchoolDay('2023-07-20')).toBe(true); // after the last term: the bureau said so
  });

  it('refuses an impossible date or a term that ends before it starts', () => {
    expect(() => winterCalendar({ overrides: { '2023-02-30': 'school' } })).toThrow(/不是真实存在的日期/);
    expect(() => new SchoolCalendar({ terms: [{ name: '倒置学期', start: '2023-07-01', end: '2023-02-01' }] })).toThrow(
      /学期结束日期不能早于开始日期/,
    );
  });
});

describe('SchoolCalendar: years the calendar data does not cover', () => {
  const term2027 = { name: '2027春季学期', start: '2027-02-22', end: '2027-07-09' };

  it('knows 2004–2026 and not 2027 (chinese-days 1.5.7)', () => {
    expect(chineseDaysYears().has(2004)).toBe(true);
    expect(chineseDaysYears().has(2026)).toBe(true);
    expect(chineseDaysYears().has(2027)).toBe(false);
  });

  it('refuses to guess a school day in 2027 unless told to', () => {
    const calendar = new SchoolCalendar({ terms: [term2027] });

    expect(() => calendar.isSchoolDay('2027-03-01')).toThrow(CalendarNotCoveredError);
    expect(calendar.uncoveredYears(2025, 2028)).toEqual([2027, 2028]);
  });

  it('uses Mon–Fri for a year in assumeWeekdaysFor and warns loudly, once per year', () => {
    const warn = vi.fn();
    const calendar = new SchoolCalendar({ terms: [term2027], assumeWeekdaysFor: [2027] }, warn);

    const days = calendar.schoolDaysBetween('2027-03-01', '2027-03-07');

    expect(days).toEqual(['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-04', '2027-03-05']);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toMatch(/2027.*assumeWeekdaysFor/);
    expect(calendar.uncoveredYears(2025, 2028)).toEqual([2028]);
  });

  it('needs no calendar data for a date outside every term or decided by an override', () => {
    const calendar = new SchoolCalendar({
      terms: [term2027, { name: '2027秋季学期', start: '2027-09-01', end: '2028-01-21' }],
      overrides: { '2027-03-01': 'no-school' },
    });

    expect(calendar.isSchoolDay('2027-08-02')).toBe(false);
    expect(calendar.isSchoolDay('2027-03-01')).toBe(false);
  });
});
