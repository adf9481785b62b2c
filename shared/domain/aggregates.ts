import { groupCode, groupOfCode, groupsOfCase, type PriorityFlag } from './priority-groups.ts';
import { type DateRange, median, type Statistics, townshipOrderOutcome } from './statistics.ts';
import { addDays, type CstDate, cstDate, cstInstant, cstTimeOfDay, DAY_MS } from './time.ts';

/**
 * Aggregates kept from the table's stream so statistics, digests and the late-slot gauge read a few items instead
 * of every school's slots, cases and visits (docs/table-design.md, "Aggregates").
 *
 * Every stored source item (report slot, case, notice, plan visit, campaign) contributes counts to CST-date
 * buckets of its school; the aggregates are the sum of the contributions of the items as they are now. A change of
 * an item moves the aggregates by contributions(new) − contributions(old), so the sum never depends on the order
 * of unrelated items, and a recount from the items gives the same numbers (rebuild, reconcile).
 *
 * Fields (per school and bucket):
 * - `rd` / `ro` / `rf`: report slots owed (due then) / filed on time / filed at all; `rl<n>` unfiled slots whose
 *   ladder reached level n ≥ 1 (the late board's summary); `vd` / `vx` / `vo`: visits owed / done / done on time.
 *   In day buckets they carry the CST time of the deadline (`rd@1700`): today counts only what is due by now.
 * - `co` opened, `cr` returned, `cc` closed (returned or otherwise), `nl` notices lapsed, `rt<n>` returns after n days
 *   (a histogram: the median of any range is exact).
 * - `oi` township orders made (on the order's date), and where each stands now: `or` returned before its deadline,
 *   `ol` lapsed, `oe` the case ended otherwise, `op` open (an outcome moves the count from `op` to another field).
 * - per priority group of the case (`co#lb`: opened, 留守; codes in priority-groups.ts): `co#<g>`, `cr#<g>`, `cc#<g>`
 *   from the groups stored on the case item (a roll import that changes them moves the counts like any change).
 * - county only, all time: `so:<cadence>:<due date>@<hhmm>` open report slots by deadline (the late-slot gauge).
 */

/** A count of one field that one source item adds to one school on one CST date. */
export interface Contribution {
  schoolId: string;
  townshipId: string;
  date: CstDate;
  field: string;
  /** CST time of the deadline (`1700`) for fields owed at an instant. */
  hhmm?: string;
  n: number;
}

/** Counters of one school (or a sum of schools) in one bucket: attribute name → count. */
export type Counters = Record<string, number>;

/** The fields a source item's contributions can hold that are owed at an instant (reports, visits). */
const TIMED = new Set(['rd', 'ro', 'vd', 'vx', 'vo']);
/** Case fields: they count what already happened, never something owed later. */
const CASE_FIELDS = new Set(['co', 'cr', 'cc', 'nl', 'oi', 'or', 'ol', 'oe', 'op']);
/** Fields also kept all time (ALL), per group too: what is open now is every opening minus every closing. */
const ALL_TIME = new Set(['co', 'cc']);
/** A township order's outcome field (`oi` counts every order, on the order's date). */
const ORDER_FIELD = { returned: 'or', lapsed: 'ol', ended: 'oe', open: 'op' } as const;

const hhmmOf = (iso: string) => cstTimeOfDay(new Date(iso)).slice(0, 5).replace(':', '');
const dateOf = (iso: string) => cstDate(new Date(iso));
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Whole calendar days between two instants on CST dates (as the statistics count them). */
function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((cstInstant(dateOf(toIso)).getTime() - cstInstant(dateOf(fromIso)).getTime()) / DAY_MS);
}

/** The entities whose items feed the aggregates (the stream consumer's filter). */
export const AGGREGATED_ENTITIES = ['SLOT', 'CASE', 'NOTICE', 'VISIT', 'CAMPAIGN'] as const;

/**
 * What one stored item contributes, from its stored form (the same attributes the statistics readers map to facts:
 * a slot's deadline and first submission, a case's opening and closing, a lapsed notice's resolution, a visit's
 * deadline and day done at noon).
 */
export function contributionsOf(item: Record<string, unknown> | undefined): Contribution[] {
  if (!item) return [];
  const schoolId = str(item.schoolId);
  const townshipId = str(item.townshipId);
  if (!schoolId || !townshipId) return [];
  const out: Contribution[] = [];
  const add = (iso: string, field: string, timed?: string) =>
    out.push({ schoolId, townshipId, date: dateOf(iso), field, ...(timed ? { hhmm: hhmmOf(timed) } : {}), n: 1 });
  switch (item.entity) {
    case 'SLOT': {
      const deadline = str(item.deadline);
      if (!deadline || (item.state !== 'OPEN' && item.state !== 'SUBMITTED')) return [];
      add(deadline, 'rd', deadline);
      const filed = str(item.firstSubmittedAt);
      if (filed && filed <= deadline) add(deadline, 'ro', deadline);
      if (item.state === 'SUBMITTED') add(deadline, 'rf', deadline);
      if (item.state === 'OPEN') add(deadline, `so:${String(item.cadence)}`, deadline);
      // The late board's summary: unfiled slots by the ladder level reached (level 0, none sent, is owed − filed − these).
      const level = Number(item.nextLevel ?? 0);
      if (item.state === 'OPEN' && Number.isInteger(level) && level >= 1)
        add(deadline, `rl${Math.min(level, 9)}`, deadline);
      return out;
    }
    case 'CASE': {
      const openedAt = str(item.openedAt);
      if (!openedAt) return [];
      const codes = groupsOfCase(item).map((g) => groupCode[g]);
      const each = (iso: string, field: string) => {
        add(iso, field);
        for (const code of codes) add(iso, `${field}#${code}`);
      };
      each(openedAt, 'co');
      const closedAt = str(item.closedAt);
      if (closedAt) {
        each(closedAt, 'cc');
        if (item.state === 'returned') {
          each(closedAt, 'cr');
          add(closedAt, `rt${daysBetween(openedAt, closedAt)}`);
        }
      }
      return out;
    }
    case 'NOTICE': {
      if (item.status !== 'lapsed') return [];
      const at = str(item.resolvedAt) ?? str(item.deadline);
      if (at) add(at, 'nl');
      const order = townshipOrderOutcome(item.escalation);
      if (order) {
        const on = cstInstant(order.orderedOn, '12:00').toISOString();
        add(on, 'oi');
        add(on, ORDER_FIELD[order.outcome]);
      }
      return out;
    }
    case 'VISIT': {
      const deadline = str(item.deadline);
      if (!deadline || item.status === 'cancelled') return [];
      visit(add, deadline, str(item.doneOn));
      return out;
    }
    case 'CAMPAIGN': {
      const deadline = str(item.deadline);
      if (!deadline || !Array.isArray(item.households)) return [];
      for (const h of item.households as { visitedOn?: unknown }[]) visit(add, deadline, str(h?.visitedOn));
      return out;
    }
    default:
      return [];
  }
}

function visit(add: (iso: string, field: string, timed?: string) => void, deadline: string, doneOn?: string) {
  add(deadline, 'vd', deadline);
  if (!doneOn) return;
  add(deadline, 'vx', deadline);
  if (cstInstant(doneOn, '12:00').toISOString() <= deadline) add(deadline, 'vo', deadline);
}

// --- buckets ---------------------------------------------------------------------------------------------------

/** ISO-8601 week of a CST date, `2026-W11` (weeks start on Monday; the week-year is the Thursday's year). */
export function isoWeekOf(date: CstDate): string {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(year, 0, 1)) / DAY_MS + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const mondayOf = (date: CstDate) => addDays(date, 1 - (new Date(`${date}T00:00:00Z`).getUTCDay() || 7));
const lastOfMonth = (date: CstDate) => {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

export const ALL_BUCKET = 'ALL';
export const dayBucket = (date: CstDate) => `D${date}`;
export const weekBucket = (date: CstDate) => `W${isoWeekOf(date)}`;
export const monthBucket = (date: CstDate) => `M${date.slice(0, 7)}`;

/** The stored aggregate deltas of a set of contributions: township items (per school) and county items. */
export interface AggregateDelta {
  /** bucket → townshipId → schoolId → attribute → n */
  townships: Map<string, Map<string, Map<string, Counters>>>;
  /** bucket → attribute → n */
  county: Map<string, Counters>;
}

const bump = (c: Counters, attr: string, n: number) => {
  c[attr] = (c[attr] ?? 0) + n;
};

/**
 * Where each contribution lands: its day (timed fields with their deadline time), ISO week and month, township
 * (per school) and county; all time (ALL) for the case openings and closings; the open slots only in the county's
 * ALL item, by deadline. Zero sums are dropped, so an unchanged item yields an empty delta.
 */
export function deltaOf(before: readonly Contribution[], after: readonly Contribution[]): AggregateDelta {
  const delta: AggregateDelta = { townships: new Map(), county: new Map() };
  const school = (bucket: string, townshipId: string, schoolId: string) => {
    const t = delta.townships.get(bucket) ?? new Map<string, Map<string, Counters>>();
    delta.townships.set(bucket, t);
    const s = t.get(townshipId) ?? new Map<string, Counters>();
    t.set(townshipId, s);
    const c = s.get(schoolId) ?? {};
    s.set(schoolId, c);
    return c;
  };
  const county = (bucket: string) => {
    const c = delta.county.get(bucket) ?? {};
    delta.county.set(bucket, c);
    return c;
  };
  const apply = (c: Contribution, sign: number) => {
    const n = c.n * sign;
    if (c.field.startsWith('so:')) {
      bump(county(ALL_BUCKET), `${c.field}:${c.date}@${c.hhmm ?? '0000'}`, n);
      return;
    }
    const dayAttr = c.hhmm ? `${c.field}@${c.hhmm}` : c.field;
    for (const [bucket, attr] of [
      [dayBucket(c.date), dayAttr],
      [weekBucket(c.date), c.field],
      [monthBucket(c.date), c.field],
      ...(ALL_TIME.has(c.field.split('#')[0]!) ? [[ALL_BUCKET, c.field]] : []),
    ] as const) {
      bump(school(bucket, c.townshipId, c.schoolId), attr, n);
      bump(county(bucket), attr, n);
    }
  };
  for (const c of before) apply(c, -1);
  for (const c of after) apply(c, 1);
  // Drop zeros (an item whose contribution did not change) and the containers they leave empty.
  for (const [bucket, t] of delta.townships) {
    for (const [townshipId, s] of t) {
      for (const [schoolId, c] of s) {
        for (const k of Object.keys(c)) if (c[k] === 0) delete c[k];
        if (Object.keys(c).length === 0) s.delete(schoolId);
      }
      if (s.size === 0) t.delete(townshipId);
    }
    if (t.size === 0) delta.townships.delete(bucket);
  }
  for (const [bucket, c] of delta.county) {
    for (const k of Object.keys(c)) if (c[k] === 0) delete c[k];
    if (Object.keys(c).length === 0) delta.county.delete(bucket);
  }
  return delta;
}

/** Adds counters into a target (a sum of schools, a township item applying a delta). */
export function addCounters(target: Counters, add: Counters): Counters {
  for (const [k, n] of Object.entries(add)) {
    const v = (target[k] ?? 0) + n;
    if (v === 0) delete target[k];
    else target[k] = v;
  }
  return target;
}

/** bucket → townshipId → schoolId → counters */
export type AggregateSnapshot = Map<string, Map<string, Map<string, Counters>>>;

/** What the statistics, digests and the gauge read (shared/adapters/dynamo/aggregate-store.ts). */
export interface AggregateReader {
  /** The township items of the buckets: all townships, or only the listed ones (a narrow scope). */
  read(buckets: readonly string[], townshipIds?: readonly string[]): Promise<AggregateSnapshot>;
  /** The county's counters of one bucket (one GetItem). */
  county(bucket: string): Promise<Counters>;
}

// --- reading ---------------------------------------------------------------------------------------------------

/** past: entirely before today; today: the day of `asOf` (timed fields due by now only); future: case fields only. */
export type BucketUse = 'past' | 'today' | 'future';

export interface ReadPlan {
  /** Buckets that cover the range exactly, with what to read from each. */
  range: { bucket: string; use: BucketUse }[];
  /** Buckets covering the day after the range up to today (what opened/closed since), or none when the range ends today or later. */
  since: string[];
  /** CST `hhmm` of asOf (today's timed fields due at or before it count). */
  nowHhmm: string;
  today: CstDate;
}

/**
 * The buckets that cover `range` as of `asOf`: whole months and ISO weeks where they lie entirely before today or
 * entirely after it, days elsewhere (today is always a day bucket: reports and visits due later today do not count
 * yet). A month of 31 days is 1 bucket, a 366-day range about 12 months plus a few weeks and days.
 */
export function readPlan(range: DateRange, asOf: Date): ReadPlan {
  const today = cstDate(asOf);
  const nowHhmm = hhmmOf(asOf.toISOString());
  const out: ReadPlan['range'] = [];
  const useOf = (from: CstDate, to: CstDate): BucketUse | undefined =>
    to < today ? 'past' : from > today ? 'future' : from === today && to === today ? 'today' : undefined;
  for (let d = range.from; d <= range.to; ) {
    const monthEnd = lastOfMonth(d);
    const sunday = addDays(mondayOf(d), 6);
    if (d.endsWith('-01') && monthEnd <= range.to && useOf(d, monthEnd)) {
      out.push({ bucket: monthBucket(d), use: useOf(d, monthEnd)! });
      d = addDays(monthEnd, 1);
    } else if (mondayOf(d) === d && sunday <= range.to && useOf(d, sunday)) {
      out.push({ bucket: weekBucket(d), use: useOf(d, sunday)! });
      d = addDays(sunday, 1);
    } else {
      out.push({ bucket: dayBucket(d), use: useOf(d, d)! });
      d = addDays(d, 1);
    }
  }
  // Openings and closings after the range: nothing happens after now, so the last bucket may reach past today.
  const since: string[] = [];
  for (let d = addDays(range.to, 1); d <= today; ) {
    if (d.endsWith('-01')) {
      since.push(monthBucket(d));
      d = addDays(lastOfMonth(d), 1);
    } else if (mondayOf(d) === d) {
      since.push(weekBucket(d));
      d = addDays(d, 7);
    } else {
      since.push(dayBucket(d));
      d = addDays(d, 1);
    }
  }
  return { range: out, since, nowHhmm, today };
}

/** Every bucket a plan reads (ALL included). */
export function bucketsOf(plan: ReadPlan): string[] {
  return [...new Set([...plan.range.map((r) => r.bucket), ...plan.since, ALL_BUCKET])];
}

/**
 * The statistics of a scope from its summed counters per bucket (`read(bucket)`), exactly what `computeStatistics`
 * gives on the facts of the same items.
 */
export function statisticsFromCounters(plan: ReadPlan, read: (bucket: string) => Counters): Statistics {
  const sums: Counters = {};
  const returnDays: number[] = [];
  for (const { bucket, use } of plan.range) {
    for (const [attr, n] of Object.entries(read(bucket))) {
      const [field, hhmm] = attr.split('@') as [string, string | undefined];
      if (TIMED.has(field)) {
        if (use === 'future' || (use === 'today' && hhmm !== undefined && hhmm > plan.nowHhmm)) continue;
        bump(sums, field, n);
      } else if (CASE_FIELDS.has(field)) bump(sums, field, n);
      else if (/^rt-?\d+$/.test(field)) for (let i = 0; i < n; i++) returnDays.push(Number(field.slice(2)));
    }
  }
  const all = read(ALL_BUCKET);
  let open = (all.co ?? 0) - (all.cc ?? 0);
  for (const bucket of plan.since) {
    const c = read(bucket);
    open -= (c.co ?? 0) - (c.cc ?? 0);
  }
  const due = sums.rd ?? 0;
  const onTime = sums.ro ?? 0;
  return {
    reportsDue: due,
    reportsOnTime: onTime,
    onTimeRate: due ? onTime / due : undefined,
    casesOpened: sums.co ?? 0,
    casesReturned: sums.cr ?? 0,
    noticesLapsed: sums.nl ?? 0,
    casesOpenAtEnd: open,
    medianDaysToReturn: median(returnDays),
    visitsDue: sums.vd ?? 0,
    visitsDone: sums.vx ?? 0,
    visitsOnTime: sums.vo ?? 0,
    townshipOrders: sums.oi ?? 0,
    townshipOrdersReturned: sums.or ?? 0,
    townshipOrdersLapsed: sums.ol ?? 0,
    townshipOrdersEnded: sums.oe ?? 0,
    townshipOrdersOpen: sums.op ?? 0,
  };
}

/** Open report slots past their deadline per cadence, from the county's all-time counters. */
export function lateSlotsFromCounters(all: Counters, asOf: Date): Record<string, number> {
  const today = cstDate(asOf);
  const nowHhmm = hhmmOf(asOf.toISOString());
  const out: Record<string, number> = {};
  for (const [attr, n] of Object.entries(all)) {
    const m = /^so:([^:]+):(\d{4}-\d{2}-\d{2})@(\d{4})$/.exec(attr);
    if (!m) continue;
    const [, cadence, date, hhmm] = m as unknown as [string, string, string, string];
    if (date < today || (date === today && hhmm <= nowHhmm)) out[cadence] = (out[cadence] ?? 0) + n;
  }
  return out;
}

/** One scope's report summary of a range (the late board's table): owed, filed, still late, on time, by level. */
export interface ReportSummary {
  owed: number;
  filed: number;
  /** Owed by now and not filed (open past the deadline). */
  late: number;
  onTime: number;
  onTimeRate: number | undefined;
  /** Late slots by the ladder level reached: `0` none sent yet, `1`…`9`. */
  byLevel: Record<string, number>;
}

/** The report summary of a scope from its summed counters (`read(bucket)`), timed fields counted as the statistics do. */
export function reportSummaryFromCounters(plan: ReadPlan, read: (bucket: string) => Counters): ReportSummary {
  const sums: Counters = {};
  for (const { bucket, use } of plan.range)
    for (const [attr, n] of Object.entries(read(bucket))) {
      const [field, hhmm] = attr.split('@') as [string, string | undefined];
      if (field !== 'rd' && field !== 'ro' && field !== 'rf' && !/^rl\d$/.test(field)) continue;
      if (use === 'future' || (use === 'today' && hhmm !== undefined && hhmm > plan.nowHhmm)) continue;
      bump(sums, field, n);
    }
  const owed = sums.rd ?? 0;
  const filed = sums.rf ?? 0;
  const late = Math.max(0, owed - filed);
  const byLevel: Record<string, number> = {};
  let climbed = 0;
  for (let level = 1; level <= 9; level++) {
    const n = sums[`rl${level}`] ?? 0;
    if (n > 0) byLevel[String(level)] = n;
    climbed += n;
  }
  if (late - climbed > 0) byLevel['0'] = late - climbed;
  const onTime = sums.ro ?? 0;
  return { owed, filed, late, onTime, onTimeRate: owed ? onTime / owed : undefined, byLevel };
}

/** The case figures of one priority group over a range (the statistics' case counts, split by group). */
export interface GroupFigures {
  casesOpened: number;
  casesReturned: number;
  /** Closed for any reason (returned, exempted, transferred, suspended). */
  casesClosed: number;
  casesOpenAtEnd: number;
}

const GROUP_ATTR = /^(co|cr|cc)#([a-z]+)$/;

/**
 * The case figures per priority group of a scope from its summed counters (`read(bucket)`), like
 * `statisticsFromCounters` does for all cases: opened, returned and closed in the range, open at its end. Every
 * group appears (zeros included); the caller leaves out the ones the reader may not see (脱贫户, R9).
 */
export function groupFiguresFromCounters(
  plan: ReadPlan,
  read: (bucket: string) => Counters,
): Record<PriorityFlag, GroupFigures> {
  const out = Object.fromEntries(
    [...groupOfCode.values()].map((g) => [g, { casesOpened: 0, casesReturned: 0, casesClosed: 0, casesOpenAtEnd: 0 }]),
  ) as Record<PriorityFlag, GroupFigures>;
  const each = (counters: Counters, visit: (g: GroupFigures, field: string, n: number) => void) => {
    for (const [attr, n] of Object.entries(counters)) {
      const m = GROUP_ATTR.exec(attr);
      const g = m ? groupOfCode.get(m[2]!) : undefined;
      if (m && g) visit(out[g], m[1]!, n);
    }
  };
  const field = { co: 'casesOpened', cr: 'casesReturned', cc: 'casesClosed' } as const;
  for (const { bucket } of plan.range)
    each(read(bucket), (g, f, n) => {
      g[field[f as keyof typeof field]] += n;
    });
  const open = (sign: number) => (g: GroupFigures, f: string, n: number) => {
    if (f === 'co') g.casesOpenAtEnd += sign * n;
    if (f === 'cc') g.casesOpenAtEnd -= sign * n;
  };
  each(read(ALL_BUCKET), open(1));
  for (const bucket of plan.since) each(read(bucket), open(-1));
  return out;
}
