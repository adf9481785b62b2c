import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recount } from '../../shared/adapters/dynamo/aggregate-store.ts';
import {
  addCounters,
  type Counters,
  isoWeekOf,
  lateSlotsFromCounters,
  readPlan,
  reportSummaryFromCounters,
  statisticsFromCounters,
} from '../../shared/domain/aggregates.ts';
import {
  type CaseFact,
  computeStatistics,
  inRange,
  type ReportFact,
  townshipOrderOutcome,
  type VisitFact,
} from '../../shared/domain/statistics.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { finalItems, type History, type Image, itemHistory } from '../support/aggregate-sources.ts';

/** The facts the statistics readers map the same items to (followup-repository.ts). */
function factsOf(items: Image[]) {
  const reports: ReportFact[] = [];
  const cases: CaseFact[] = [];
  const visits: VisitFact[] = [];
  const lapses: string[] = [];
  /** Township orders of lapsed notices (the readers put them on their case; here notices stand alone). */
  const orders: CaseFact[] = [];
  for (const i of items) {
    const at = { schoolId: String(i.schoolId), townshipId: String(i.townshipId) };
    if (i.entity === 'SLOT' && (i.state === 'OPEN' || i.state === 'SUBMITTED'))
      reports.push({
        ...at,
        cadence: i.cadence as ReportFact['cadence'],
        periodKey: 'x',
        dueAt: String(i.deadline),
        ...(i.firstSubmittedAt ? { filedAt: String(i.firstSubmittedAt) } : {}),
      });
    if (i.entity === 'CASE')
      cases.push({
        ...at,
        caseId: String(i.id),
        openedAt: String(i.openedAt),
        returnedAt: i.state === 'returned' ? (i.closedAt as string | undefined) : undefined,
        closedAt: i.state !== 'returned' ? (i.closedAt as string | undefined) : undefined,
      });
    if (i.entity === 'NOTICE' && i.status === 'lapsed') lapses.push(String(i.resolvedAt ?? i.deadline));
    const order = i.entity === 'NOTICE' && i.status === 'lapsed' ? townshipOrderOutcome(i.escalation) : undefined;
    if (order)
      orders.push({ ...at, caseId: `order-${orders.length}`, openedAt: '2026-01-01T00:00:00Z', townshipOrder: order });
    if (i.entity === 'VISIT' && i.status !== 'cancelled')
      visits.push({
        ...at,
        kind: 'followup',
        dueAt: String(i.deadline),
        doneAt: i.doneOn ? cstInstant(String(i.doneOn), '12:00').toISOString() : undefined,
      });
    if (i.entity === 'CAMPAIGN')
      for (const h of i.households as { visitedOn?: string }[])
        visits.push({
          ...at,
          kind: 'campaign',
          dueAt: String(i.deadline),
          doneAt: h.visitedOn ? cstInstant(h.visitedOn, '12:00').toISOString() : undefined,
        });
  }
  return { reports, cases, visits, lapses, orders };
}

const marchDay = fc.integer({ min: 1, max: 31 }).map((d) => `2026-03-${String(d).padStart(2, '0')}`);
const histories = fc
  .integer({ min: 1, max: 12 })
  .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => itemHistory(i)))) as fc.Arbitrary<History[]>;

describe('statistics from the aggregates', () => {
  it('equal computeStatistics on the facts of the same items, for any range and any moment', () => {
    fc.assert(
      fc.property(
        histories,
        marchDay,
        marchDay,
        marchDay,
        fc.constantFrom('07:00', '16:59', '17:00', '17:01', '23:00'),
        (hs, a, b, asOfDay, asOfTime) => {
          const items = finalItems(hs);
          const range = a <= b ? { from: a, to: b } : { from: b, to: a };
          const asOf = cstInstant(asOfDay, asOfTime);
          const agg = recount(items);
          const read = (bucket: string) => {
            const sum: Counters = {};
            for (const schools of agg.townships.get(bucket)?.values() ?? [])
              for (const c of schools.values()) addCounters(sum, c);
            return sum;
          };
          const got = statisticsFromCounters(readPlan(range, asOf), read);
          const facts = factsOf(items);
          const want = computeStatistics(facts, range, asOf);
          const orderFields = [
            'townshipOrders',
            'townshipOrdersReturned',
            'townshipOrdersLapsed',
            'townshipOrdersEnded',
            'townshipOrdersOpen',
          ] as const;
          const pick = (st: typeof want) => Object.fromEntries(orderFields.map((k) => [k, st[k]]));
          const notOrders = (st: typeof want) =>
            Object.fromEntries(Object.entries(st).filter(([k]) => !(orderFields as readonly string[]).includes(k)));
          const { casesOpenAtEnd, noticesLapsed, ...rest } = notOrders(want) as typeof want;
          const { casesOpenAtEnd: gotOpen, noticesLapsed: gotLapsed, ...gotRest } = notOrders(got) as typeof got;
          expect(gotRest).toEqual(rest);
          const ordersWant = computeStatistics({ reports: [], visits: [], cases: facts.orders }, range, asOf);
          expect(pick(got)).toEqual(pick(ordersWant));
          expect(got.townshipOrders).toBe(
            got.townshipOrdersReturned + got.townshipOrdersLapsed + got.townshipOrdersEnded + got.townshipOrdersOpen,
          );
          expect(gotLapsed).toBe(facts.lapses.filter((l) => inRange(l, range)).length);
          // Open at the end assumes nothing opened or closed after now, as in real data.
          const caseInstants = facts.cases.flatMap((c) => [c.openedAt, c.returnedAt, c.closedAt]).filter(Boolean);
          if (caseInstants.every((t) => Date.parse(t!) <= asOf.getTime())) expect(gotOpen).toBe(casesOpenAtEnd);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('the late-slot gauge counts open slots whose deadline has passed, per cadence', () => {
    const all = { 'so:daily:2026-03-09@1700': 2, 'so:daily:2026-03-10@1700': 1, 'so:weekly:2026-03-06@1700': 1 };
    expect(lateSlotsFromCounters(all, cstInstant('2026-03-10', '10:00'))).toEqual({ daily: 2, weekly: 1 });
    expect(lateSlotsFromCounters(all, cstInstant('2026-03-10', '17:00'))).toEqual({ daily: 3, weekly: 1 });
  });

  it("the late board's summary: owed by now, filed, late, on time, late ones by the ladder level reached", () => {
    const slot = (id: string, dueDate: string, extra: Record<string, unknown>) => ({
      pk: `SLOT#${id}`,
      sk: 'SLOT',
      entity: 'SLOT',
      schoolId: id,
      townshipId: 'ta',
      cadence: 'daily',
      deadline: cstInstant(dueDate, '17:00').toISOString(),
      state: 'OPEN',
      nextLevel: 0,
      version: 1,
      ...extra,
    });
    const items = [
      slot('s1', '2026-03-02', { nextLevel: 2 }), // late since last week, level 2 sent
      slot('s2', '2026-03-09', { nextLevel: 1 }), // late since yesterday, level 1 sent
      slot('s3', '2026-03-09', {}), // late, nothing sent yet
      slot('s4', '2026-03-09', {
        state: 'SUBMITTED',
        firstSubmittedAt: cstInstant('2026-03-09', '16:00').toISOString(),
      }),
      slot('s5', '2026-03-09', {
        state: 'SUBMITTED',
        firstSubmittedAt: cstInstant('2026-03-09', '18:00').toISOString(),
      }),
      slot('s6', '2026-03-10', { nextLevel: 0 }), // due today 17:00: owed only from then on
    ];
    const full = recount(items);
    const read = (bucket: string) => {
      const out: Counters = {};
      for (const s of full.townships.get(bucket)?.get('ta')?.values() ?? []) addCounters(out, s);
      return out;
    };
    const month = { from: '2026-03-01', to: '2026-03-10' };
    const morning = cstInstant('2026-03-10', '10:00');
    expect(reportSummaryFromCounters(readPlan(month, morning), read)).toEqual({
      owed: 5,
      filed: 2,
      late: 3,
      onTime: 1,
      onTimeRate: 0.2,
      byLevel: { 0: 1, 1: 1, 2: 1 },
    });
    const evening = cstInstant('2026-03-10', '17:30');
    expect(reportSummaryFromCounters(readPlan(month, evening), read)).toMatchObject({
      owed: 6,
      late: 4,
      byLevel: { 0: 2, 1: 1, 2: 1 },
    });
  });

  it('ISO weeks: the week-year is the Thursday’s', () => {
    expect(isoWeekOf('2026-03-09')).toBe('2026-W11');
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
  });

  it('a month to date reads few buckets: whole weeks before today, days after', () => {
    const plan = readPlan({ from: '2026-03-01', to: '2026-03-10' }, cstInstant('2026-03-10', '10:00'));
    expect(plan.range).toEqual([
      { bucket: 'D2026-03-01', use: 'past' },
      { bucket: 'W2026-W10', use: 'past' },
      { bucket: 'D2026-03-09', use: 'past' },
      { bucket: 'D2026-03-10', use: 'today' },
    ]);
    expect(plan.since).toEqual([]);
    const year = readPlan({ from: '2025-03-01', to: '2026-02-28' }, cstInstant('2026-03-10', '10:00'));
    expect(year.range.map((r) => r.bucket)).toHaveLength(12);
    expect(year.since).toEqual(['M2026-03']);
  });
});
