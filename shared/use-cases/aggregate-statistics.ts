import {
  type AggregateReader,
  type AggregateSnapshot,
  ALL_BUCKET,
  addCounters,
  bucketsOf,
  type Counters,
  type GroupFigures,
  groupFiguresFromCounters,
  lateSlotsFromCounters,
  type ReadPlan,
  readPlan,
  statisticsFromCounters,
} from '../domain/aggregates.ts';
import type { ScopeStatistics } from '../domain/digest.ts';
import type { Cadence } from '../domain/periods.ts';
import type { PriorityFlag } from '../domain/priority-groups.ts';
import type { DateRange, Statistics } from '../domain/statistics.ts';
import type { LateSlotCounts } from './count-late-slots.ts';

/**
 * The snapshot summed per bucket once, by `key` of each (township, school); `undefined` leaves it out. One pass
 * over the snapshot, so a row per school costs a map lookup, not a pass of its own (15,000 schools: 15,000 passes
 * of 15,000 schools before).
 */
export function indexSnapshot(
  snapshot: AggregateSnapshot,
  key: (townshipId: string, schoolId: string) => string | undefined,
): (id: string) => (bucket: string) => Counters {
  const index = new Map<string, Map<string, Counters>>();
  for (const [bucket, townships] of snapshot) {
    const sums = new Map<string, Counters>();
    index.set(bucket, sums);
    for (const [townshipId, schools] of townships)
      for (const [schoolId, c] of schools) {
        const k = key(townshipId, schoolId);
        if (k === undefined) continue;
        const sum = sums.get(k) ?? {};
        sums.set(k, addCounters(sum, c));
      }
  }
  return (id) => (bucket) => index.get(bucket)?.get(id) ?? {};
}

/** Statistics of any set of schools or townships over one range, from one read of the aggregates. */
export async function loadScopeStatistics(
  reader: AggregateReader,
  range: DateRange,
  asOf: Date,
  townshipIds?: readonly string[],
): Promise<ScopeStatistics & { plan: ReadPlan }> {
  const plan = readPlan(range, asOf);
  const snapshot = await reader.read(bucketsOf(plan), townshipIds);
  // Summed once per township, school and (township, school): a digest run asks for every township and school.
  const byTownship = indexSnapshot(snapshot, (t) => t);
  const bySchool = indexSnapshot(snapshot, (_t, s) => s);
  const byPlace = indexSnapshot(snapshot, (t, s) => `${t}|${s}`);
  return {
    plan,
    townships: (ids) =>
      statisticsFromCounters(plan, (bucket) => {
        const out: Counters = {};
        for (const id of ids) addCounters(out, byTownship(id)(bucket));
        return out;
      }),
    school: (schoolId, townshipId) =>
      statisticsFromCounters(
        plan,
        townshipId === undefined ? bySchool(schoolId) : byPlace(`${townshipId}|${schoolId}`),
      ),
  };
}

/**
 * Statistics per school and township (R8, §六) from the aggregates: the same answers as `statisticsBy` on the
 * facts of the same schools, for one request per bucket of the range (a month: 1 to 5) whatever the number of
 * schools. A township row sums the schools in scope that the township's items hold.
 */
export async function statisticsFromAggregates(
  reader: AggregateReader,
  input: { range: DateRange; asOf: Date; schools: readonly { id: string; townshipId: string }[] },
): Promise<{
  schools: Map<string, Statistics>;
  townships: Map<string, Statistics>;
  /** The case figures per priority group of each school and township row (all groups: the caller filters R9). */
  schoolGroups: Map<string, Record<PriorityFlag, GroupFigures>>;
  townshipGroups: Map<string, Record<PriorityFlag, GroupFigures>>;
}> {
  const townshipIds = [...new Set(input.schools.map((s) => s.townshipId))].sort();
  const inScope = new Set(input.schools.map((s) => s.id));
  const plan = readPlan(input.range, input.asOf);
  const snapshot = await reader.read(bucketsOf(plan), townshipIds);
  // A school's counters wherever they sit (a school that moved township keeps its older counts under the old one).
  const bySchool = indexSnapshot(snapshot, (_t, id) => (inScope.has(id) ? id : undefined));
  const byTownship = indexSnapshot(snapshot, (t, id) => (inScope.has(id) ? t : undefined));
  const schools = new Map<string, Statistics>();
  const schoolGroups = new Map<string, Record<PriorityFlag, GroupFigures>>();
  for (const s of input.schools) {
    const read = bySchool(s.id);
    schools.set(s.id, statisticsFromCounters(plan, read));
    schoolGroups.set(s.id, groupFiguresFromCounters(plan, read));
  }
  const townships = new Map<string, Statistics>();
  const townshipGroups = new Map<string, Record<PriorityFlag, GroupFigures>>();
  for (const id of townshipIds) {
    const read = byTownship(id);
    townships.set(id, statisticsFromCounters(plan, read));
    townshipGroups.set(id, groupFiguresFromCounters(plan, read));
  }
  return { schools, townships, schoolGroups, townshipGroups };
}

/**
 * The `OpenLateSlots` figures from the county's all-time counters: open slots whose deadline has passed, per
 * cadence (one GetItem, whatever the number of schools).
 */
export async function countLateSlotsFromAggregates(deps: {
  aggregates: Pick<AggregateReader, 'county'>;
  clock: { now(): Date };
  cadences: readonly Cadence[];
}): Promise<LateSlotCounts> {
  const late = lateSlotsFromCounters(await deps.aggregates.county(ALL_BUCKET), deps.clock.now());
  const byCadence: Partial<Record<Cadence, number>> = Object.fromEntries(deps.cadences.map((c) => [c, 0]));
  for (const [cadence, n] of Object.entries(late))
    byCadence[cadence as Cadence] = (byCadence[cadence as Cadence] ?? 0) + n;
  const total = Object.values(byCadence).reduce((a, b) => a + b, 0);
  return { total, byCadence };
}
