import type { AggregateReader, GroupFigures } from '../domain/aggregates.ts';
import { type PriorityFlag, priorityFlags, SENSITIVE_GROUP } from '../domain/priority-groups.ts';
import { canReadTownship, canSeeSensitive, type Place, type Principal } from '../domain/scope.ts';
import { computeStatistics, type DateRange, type Statistics } from '../domain/statistics.ts';
import { statisticsFromAggregates } from './aggregate-statistics.ts';

/** What the statistics report needs of the organisation: the schools in scope, names and places. */
export interface StatisticsScope {
  principal: Principal;
  asOf: Date;
  range: DateRange;
  /** The active schools in the caller's scope, already narrowed by the query. */
  schools: readonly { id: string; name: string; townshipId: string }[];
  /** The query named one school (no township rows then) or one township (no county totals). */
  narrowed: { townshipId?: string | undefined; schoolId?: string | undefined };
  townshipName(townshipId: string): string;
  place(schoolId: string, townshipId: string): Place;
  areaOfTownship(townshipId: string): string | undefined;
}

/** County totals of the counts that add up (lapses, township orders and their outcomes). */
const COUNTY_KEYS = [
  'noticesLapsed',
  'townshipOrders',
  'townshipOrdersReturned',
  'townshipOrdersLapsed',
  'townshipOrdersEnded',
  'townshipOrdersOpen',
] as const;

/** JSON has no undefined: rates and medians without data are null. */
function figures(s: Statistics) {
  return { ...s, onTimeRate: s.onTimeRate ?? null, medianDaysToReturn: s.medianDaysToReturn ?? null };
}

/** The groups of a row as the reader may see them: 脱贫户 only with `sensitive` (R9), in the roll's order. */
function groupRows(all: Record<PriorityFlag, GroupFigures> | undefined, sensitive: boolean) {
  return priorityFlags
    .filter((g) => sensitive || g !== SENSITIVE_GROUP)
    .map((group) => ({
      group,
      ...(all?.[group] ?? { casesOpened: 0, casesReturned: 0, casesClosed: 0, casesOpenAtEnd: 0 }),
    }));
}

/**
 * `GET /api/statistics` (R8, §六) from the aggregates: one row per school in scope, one per township the caller reads
 * whole (never when the query named a school), county totals for the office over the whole county. Each row carries
 * `groups`: the case figures per priority group. 脱贫户 counts (R9) go only to who may see 脱贫户 there: a school's
 * row to the office and the school's own head and teachers (`canSeeSensitive`), township rows and county totals to
 * the office; 包片领导 and 包乡镇人员 get the other groups.
 */
export async function statisticsReport(reader: AggregateReader, s: StatisticsScope) {
  const p = s.principal;
  const computed =
    s.schools.length === 0
      ? { schools: new Map(), townships: new Map(), schoolGroups: new Map(), townshipGroups: new Map() }
      : await statisticsFromAggregates(reader, { range: s.range, asOf: s.asOf, schools: s.schools });
  const none = computeStatistics({ reports: [], cases: [], visits: [] }, s.range, s.asOf);
  const townshipIds = s.narrowed.schoolId
    ? []
    : [...new Set(s.schools.map((x) => x.townshipId))].filter((id) =>
        canReadTownship(p, { townshipId: id, areaId: s.areaOfTownship(id) }),
      );
  const whole = p.role === 'office' && !s.narrowed.townshipId && !s.narrowed.schoolId;
  const townshipRows = [...computed.townships.values()];
  const county = whole
    ? {
        ...Object.fromEntries(COUNTY_KEYS.map((k) => [k, townshipRows.reduce((n, x) => n + x[k], 0)])),
        groups: groupRows(sumGroups([...computed.townshipGroups.values()]), true),
      }
    : null;
  return {
    asOf: s.asOf.toISOString(),
    range: s.range,
    county,
    townships: townshipIds.sort().map((id) => ({
      townshipId: id,
      townshipName: s.townshipName(id),
      schoolCount: s.schools.filter((x) => x.townshipId === id).length,
      ...figures(computed.townships.get(id) ?? none),
      groups: groupRows(computed.townshipGroups.get(id), p.role === 'office'),
    })),
    schools: [...s.schools]
      .sort((a, b) => a.townshipId.localeCompare(b.townshipId) || a.id.localeCompare(b.id))
      .map((x) => ({
        schoolId: x.id,
        schoolName: x.name,
        townshipId: x.townshipId,
        townshipName: s.townshipName(x.townshipId),
        ...figures(computed.schools.get(x.id) ?? none),
        groups: groupRows(computed.schoolGroups.get(x.id), canSeeSensitive(p, s.place(x.id, x.townshipId))),
      })),
  };
}

function sumGroups(rows: readonly Record<PriorityFlag, GroupFigures>[]): Record<PriorityFlag, GroupFigures> {
  const zero = () => ({ casesOpened: 0, casesReturned: 0, casesClosed: 0, casesOpenAtEnd: 0 });
  const out = Object.fromEntries(priorityFlags.map((g) => [g, zero()])) as Record<PriorityFlag, GroupFigures>;
  for (const row of rows)
    for (const g of priorityFlags)
      for (const k of Object.keys(out[g]) as (keyof GroupFigures)[]) out[g][k] += row[g][k];
  return out;
}
