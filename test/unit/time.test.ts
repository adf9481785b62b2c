import { describe, expect, it } from 'vitest';
import {
  addDays,
  cstDate,
  cstInstant,
  cstLocalDateTime,
  cstMonthDay,
  cstParts,
  cstTimeOfDay,
  fixedClock,
  isCstDate,
  parseDuration,
  weekdayOf,
} from '../../shared/domain/time.ts';

describe('CST dates of instants', () => {
  it('is still 2023-02-19 at 15:59:59Z and 2023-02-20 from 16:00:00Z', () => {
    expect(cstDate(new Date('2023-02-19T15:59:59Z'))).toBe('2023-02-19');
    expect(cstDate(new Date('2023-02-19T16:00:00Z'))).toBe('2023-02-20');
    expect(cstTimeOfDay(new Date('2023-02-19T15:59:59Z'))).toBe('23:59');
    expect(cstParts(new Date('2023-02-19T16:00:00Z'))).toMatchObject({ hour: 0, minute: 0, second: 0, weekday: 1 });
  });

  it('turns a CST wall-clock time into the UTC instant 8 hours earlier', () => {
    expect(cstInstant('2023-02-20').toISOString()).toBe('2023-02-19T16:00:00.000Z');
    expect(cstInstant('2023-02-19', '23:59:59').toISOString()).toBe('2023-02-19T15:59:59.000Z');
    expect(cstLocalDateTime(new Date('2023-02-20T02:00:00Z'))).toBe('2023-02-20T10:00:00');
    expect(cstMonthDay(new Date('2023-02-26T16:00:00Z'))).toBe('2月27日');
  });

  it('refuses impossible dates and times instead of rolling them over', () => {
    expect(() => cstInstant('2023-02-29')).toThrow(RangeError);
    expect(() => cstInstant('2023-02-20', '24:00')).toThrow(RangeError);
    expect(() => cstInstant('2023-2-20')).toThrow(RangeError);
    expect(isCstDate('2024-02-29')).toBe(true);
    expect(isCstDate('2023-02-29')).toBe(false);
  });
});

describe('business date arithmetic', () => {
  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2023-01-31', 1)).toBe('2023-02-01');
    expect(addDays('2022-12-31', 1)).toBe('2023-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-03-01', -1)).toBe('2023-02-28');
    expect(addDays('2023-02-20', 7)).toBe('2023-02-27');
  });

  it('numbers weekdays Monday 1 … Sunday 7', () => {
    expect(weekdayOf('2023-02-20')).toBe(1);
    expect(weekdayOf('2023-01-28')).toBe(6);
    expect(weekdayOf('2023-01-29')).toBe(7);
  });
});

describe('fixedClock', () => {
  it('stays where it is set and moves only when told', () => {
    const clock = fixedClock('2023-02-20T02:00:00Z');

    clock.advance(7 * 24 * 3_600_000);
    const week = clock.now().toISOString();
    clock.set('2023-03-01T00:00:00Z');

    expect(week).toBe('2023-02-27T02:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2023-03-01T00:00:00.000Z');
  });
});

describe('parseDuration', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['2h', 7_200_000],
    ['7d', 7 * 86_400_000],
    ['1d12h', 36 * 3_600_000],
    ['1d 12h', 36 * 3_600_000],
    ['30 m', 30 * 60_000],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '7', '7x', '1d and 2h'])('refuses "%s"', (text) => {
    expect(() => parseDuration(text)).toThrow(RangeError);
  });
});
