import { describe, expect, it, vi } from 'vitest';
import { SchoolCalendar } from '../../shared/domain/calendar.ts';
import { CalendarNotCoveredError, TermNotConfiguredError } from '../../shared/domain/errors.ts';
import { deadlineOf, isDueOn, isoWeek, periodAt, periodOf } from '../../shared/domain/periods.ts';

const calendar = (
  terms = [{ name: '测试学期', start: '2022-09-01', end: '2023-07-07' }],
  extra: { overrides?: Record<string, 'school' | 'no-school'>; assumeWeekdaysFor?: number[] } = {},
  warn: (m: string) => void = () => {},
) => new SchoolCalendar({ terms, ...extra }, warn);

describe('ISO weeks', () => {
  it.each([
    ['2023-01-01', 2022, 52], // a Sunday: still the last week of 2022
    ['2023-01-02', 2023, 1],
    ['2022-12-26', 2022, 52],
    ['2020-12-31', 2020, 53],
    ['2021-01-03', 2020, 53],
    ['2024-12-30', 2025, 1], // a Monday in December already in 2025-W01
    ['2026-12-31', 2026, 53],
    ['2027-01-03', 2026, 53],
    ['2027-01-04', 2027, 1],
  ])('%s is %i-W%i', (date, year, week) => {
    expect(isoWeek(date)).toEqual({ year, week });
  });
});

describe('periodOf', () => {
  it('puts 2023-01-01 in 2022-W52 (Monday 12-26 to Sunday 01-01), due its last school day', () => {
    const period = periodOf('weekly', '2023-01-01', calendar());

    expect(period).toMatchObject({ key: '2022-W52', start: '2022-12-26', end: '2023-01-01' });
    expect(period.dueDate).toBe('2022-12-30'); // 2023-01-01 is 元旦, a Sunday
  });

  it('starts 2023-W01 on Monday 2023-01-02 (元旦 observed), due Friday 01-06', () => {
    const period = periodOf('weekly', '2023-01-04', calendar());

    expect(period).toMatchObject({ key: '2023-W01', start: '2023-01-02', end: '2023-01-08', dueDate: '2023-01-06' });
  });

  it('owes no weekly report for a week with no school day (the 2026 Spring Festival week)', () => {
    const period = periodOf(
      'weekly',
      '2026-02-18',
      calendar([{ name: '2026春', start: '2026-01-05', end: '2026-07-10' }]),
    );

    expect(period).toMatchObject({ key: '2026-W08', start: '2026-02-16', end: '2026-02-22' });
    expect(period.dueDate).toBeUndefined();
    expect(deadlineOf(period, '17:00')).toBeUndefined();
  });

  it('makes the 2023 Spring Festival week due on its 调休 Sunday 01-29', () => {
    const period = periodOf('weekly', '2023-01-24', calendar());

    expect(period).toMatchObject({ key: '2023-W04', start: '2023-01-23', end: '2023-01-29', dueDate: '2023-01-29' });
  });

  it('keeps a week spanning two months in one ISO week, due in the later month', () => {
    const period = periodOf('weekly', '2023-01-31', calendar());

    expect(period).toMatchObject({ key: '2023-W05', start: '2023-01-30', end: '2023-02-05', dueDate: '2023-02-03' });
  });

  it('computes month boundaries, leap February included', () => {
    const feb2023 = periodOf('monthly', '2023-02-14', calendar());
    const feb2024 = periodOf(
      'monthly',
      '2024-02-14',
      calendar([{ name: '2024春', start: '2024-02-26', end: '2024-07-05' }]),
    );

    expect(feb2023).toMatchObject({ key: '2023-02', start: '2023-02-01', end: '2023-02-28', dueDate: '2023-02-28' });
    expect(feb2024).toMatchObject({ key: '2024-02', start: '2024-02-01', end: '2024-02-29', dueDate: '2024-02-29' });
  });

  it('owes no monthly report for a month entirely outside the terms', () => {
    const withAutumn = calendar([
      { name: '测试学期', start: '2022-09-01', end: '2023-07-07' },
      { name: '秋季学期', start: '2023-09-01', end: '2024-01-19' },
    ]);

    expect(periodOf('monthly', '2023-08-10', withAutumn).dueDate).toBeUndefined();
  });

  it('refuses a month after the last configured term instead of owing nothing', () => {
    expect(() => periodOf('monthly', '2023-08-10', calendar())).toThrow(TermNotConfiguredError);
  });

  it('owes a daily report on a school day only', () => {
    expect(periodOf('daily', '2023-01-28', calendar()).dueDate).toBe('2023-01-28'); // 调休 Saturday
    expect(periodOf('daily', '2023-01-25', calendar()).dueDate).toBeUndefined(); // Spring Festival
  });

  it('moves the due date with bureau overrides', () => {
    const cal = calendar(undefined, { overrides: { '2023-02-24': 'no-school', '2023-02-25': 'school' } });
    const closedFriday = calendar(undefined, { overrides: { '2023-02-24': 'no-school' } });

    expect(periodOf('weekly', '2023-02-22', cal).dueDate).toBe('2023-02-25');
    expect(periodOf('weekly', '2023-02-22', closedFriday).dueDate).toBe('2023-02-23');
  });

  it('refuses 2026-W53 when it reaches into uncovered 2027, and warns when 2027 is assumed', () => {
    const terms = [{ name: '2026秋', start: '2026-09-01', end: '2027-01-22' }];
    const warn = vi.fn();

    expect(() => periodOf('weekly', '2026-12-30', calendar(terms))).toThrow(CalendarNotCoveredError);
    const assumed = periodOf('weekly', '2026-12-30', calendar(terms, { assumeWeekdaysFor: [2027] }, warn));

    expect(assumed).toMatchObject({ key: '2026-W53', start: '2026-12-28', end: '2027-01-03', dueDate: '2027-01-01' });
    expect(warn).toHaveBeenCalledOnce();
  });
});

describe('periodAt: instants judged in CST', () => {
  it('puts 23:59:59 CST on that day and 00:00:00 CST on the next', () => {
    const cal = calendar();
    const lastSecond = new Date('2023-02-19T15:59:59Z'); // 2023-02-19 23:59:59 CST, a Sunday
    const midnight = new Date('2023-02-19T16:00:00Z'); // 2023-02-20 00:00:00 CST, a Monday

    expect(periodAt('daily', lastSecond, cal).key).toBe('2023-02-19');
    expect(periodAt('daily', midnight, cal).key).toBe('2023-02-20');
    expect(periodAt('weekly', lastSecond, cal).key).toBe('2023-W07');
    expect(periodAt('weekly', midnight, cal).key).toBe('2023-W08');
  });

  it('changes month at CST midnight, not UTC midnight', () => {
    const cal = calendar();

    expect(periodAt('monthly', new Date('2023-02-28T15:59:59Z'), cal).key).toBe('2023-02');
    expect(periodAt('monthly', new Date('2023-02-28T16:00:00Z'), cal).key).toBe('2023-03');
    expect(periodAt('monthly', new Date('2023-03-01T00:00:00Z'), cal).key).toBe('2023-03');
  });
});

describe('deadlineOf and isDueOn', () => {
  it('gives the due date at the CST due time as a UTC instant', () => {
    const period = periodOf('weekly', '2023-02-22', calendar());

    expect(deadlineOf(period, '17:00')?.toISOString()).toBe('2023-02-24T09:00:00.000Z');
    expect(isDueOn(period, '2023-02-24')).toBe(true);
    expect(isDueOn(period, '2023-02-23')).toBe(false);
  });
});
