import { describe, expect, it } from 'vitest';
import {
  computeStatistics,
  daysBetween,
  forSchool,
  forTownship,
  median,
  percent,
  statisticsBy,
} from '../../shared/domain/statistics.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { seed } from './statistics-seed.ts';

const april = { from: '2023-04-01', to: '2023-04-30' };
const asOf = cstInstant('2023-05-02', '12:00');

describe('statistics on the seeded April 2023 data set', () => {
  it('gives the known answers for 马岭镇', () => {
    const stats = computeStatistics(forTownship(seed(), 'maling'), april, asOf);

    expect(stats).toEqual({
      reportsDue: 5,
      reportsOnTime: 2,
      onTimeRate: 0.4,
      casesOpened: 3,
      casesReturned: 2,
      noticesLapsed: 1,
      casesOpenAtEnd: 2,
      medianDaysToReturn: 12,
      visitsDue: 3,
      visitsDone: 2,
      visitsOnTime: 1,
    });
  });

  it('gives the known answers for 双江镇 (a case closed by exemption is not open at the end)', () => {
    const stats = computeStatistics(forTownship(seed(), 'shuangjiang'), april, asOf);

    expect(stats).toMatchObject({
      reportsDue: 2,
      reportsOnTime: 2,
      onTimeRate: 1,
      casesOpened: 1,
      casesReturned: 1,
      casesOpenAtEnd: 0,
      medianDaysToReturn: 20,
      visitsDue: 1,
      visitsDone: 1,
    });
  });

  it('gives per-school answers, including a school with no return (median undefined)', () => {
    const { schools, townships } = statisticsBy(seed(), april, asOf);

    expect(schools.get('ml-school')).toMatchObject({
      reportsDue: 4,
      reportsOnTime: 2,
      onTimeRate: 0.5,
      casesOpenAtEnd: 1,
    });
    expect(schools.get('ml-second')).toMatchObject({
      reportsDue: 1,
      reportsOnTime: 0,
      casesOpened: 1,
      medianDaysToReturn: undefined,
    });
    expect([...townships.keys()]).toEqual(['maling', 'shuangjiang']);
  });

  it('over the whole county the median of 14, 10 and 20 days is 14', () => {
    expect(computeStatistics(seed(), april, asOf).medianDaysToReturn).toBe(14);
  });

  it('counts only what is due by asOf: on 04-15 the late reports of later weeks do not exist yet', () => {
    const stats = computeStatistics(forSchool(seed(), 'ml-school'), april, cstInstant('2023-04-15', '00:00'));

    expect(stats).toMatchObject({ reportsDue: 2, reportsOnTime: 2, visitsDue: 2 });
  });
});

describe('helpers', () => {
  it('median, daysBetween on CST dates, percent', () => {
    expect(median([])).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    // 23:30 CST to 00:30 CST the next day is one business day apart although only an hour passed.
    expect(daysBetween('2023-04-03T15:30:00.000Z', '2023-04-03T16:30:00.000Z')).toBe(1);
    expect(percent(2 / 3)).toBe('66.7%');
    expect(percent(undefined)).toBe('—');
  });
});
