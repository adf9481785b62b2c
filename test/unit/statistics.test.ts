import { describe, expect, it } from 'vitest';
import {
  computeStatistics,
  daysBetween,
  forSchool,
  forTownship,
  median,
  percent,
  statisticsBy,
  townshipOrderOutcome,
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
      townshipOrders: 1,
      townshipOrdersReturned: 0,
      townshipOrdersLapsed: 0,
      townshipOrdersEnded: 0,
      townshipOrdersOpen: 1,
    });
    // An order made before the range is not counted in it.
    expect(
      computeStatistics(forTownship(seed(), 'maling'), { from: '2023-04-27', to: '2023-04-30' }, asOf),
    ).toMatchObject({
      townshipOrders: 0,
    });
  });

  it('counts each township order by its date with where it stands: returned, lapsed, ended otherwise, open', () => {
    const c = (caseId: string, orderedOn: string, outcome: 'returned' | 'lapsed' | 'ended' | 'open') => ({
      caseId,
      schoolId: 'ml-school',
      townshipId: 'maling',
      openedAt: cstInstant('2023-03-01', '09:00').toISOString(),
      townshipOrder: { orderedOn, outcome },
    });
    const cases = [
      c('a', '2023-04-03', 'returned'),
      c('b', '2023-04-10', 'lapsed'),
      c('d', '2023-04-11', 'lapsed'),
      c('e', '2023-04-20', 'ended'),
      c('f', '2023-04-29', 'open'),
      c('g', '2023-05-02', 'open'),
    ];
    expect(computeStatistics({ reports: [], visits: [], cases }, april, asOf)).toMatchObject({
      townshipOrders: 5,
      townshipOrdersReturned: 1,
      townshipOrdersLapsed: 2,
      townshipOrdersEnded: 1,
      townshipOrdersOpen: 1,
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

describe('townshipOrderOutcome (from a stored escalation)', () => {
  it('lapsed wins, then returned, then any other end, else open; no order or a bad date → none', () => {
    const order = { kind: '限期返校', orderedOn: '2026-03-10', ref: '测试政发〔2026〕1号', deadline: '2026-03-17' };
    expect(townshipOrderOutcome({ level: 0, townshipOrder: order })).toEqual({
      orderedOn: '2026-03-10',
      outcome: 'open',
    });
    expect(
      townshipOrderOutcome({ townshipOrder: { ...order, lapsedAt: 'x' }, closedBy: { state: 'returned' } }),
    ).toMatchObject({
      outcome: 'lapsed',
    });
    expect(townshipOrderOutcome({ townshipOrder: order, closedBy: { state: 'returned', at: 'x' } })).toMatchObject({
      outcome: 'returned',
    });
    expect(townshipOrderOutcome({ townshipOrder: order, closedBy: { state: 'transferred-out' } })).toMatchObject({
      outcome: 'ended',
    });
    expect(townshipOrderOutcome({ level: 1 })).toBeUndefined();
    expect(townshipOrderOutcome(undefined)).toBeUndefined();
    expect(townshipOrderOutcome({ townshipOrder: { ...order, orderedOn: 17 } })).toBeUndefined();
  });
});
