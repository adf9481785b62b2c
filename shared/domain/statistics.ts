import { type CstDate, cstDate, cstInstant, DAY_MS } from './time.ts';

/**
 * Statistics per school and township over any period (R8, §六 feeds the school assessment). Pure functions over
 * plain records: the adapters map stored report slots, cases, notices and visits to these facts.
 */

/** A report owed by a school: due at `dueAt`, filed at `filedAt` (absent: not filed). */
export interface ReportFact {
  schoolId: string;
  townshipId: string;
  cadence: 'daily' | 'weekly' | 'monthly';
  periodKey: string;
  dueAt: string;
  filedAt?: string;
}

/** A case with the instants that matter for the statistics. */
export interface CaseFact {
  caseId: string;
  schoolId: string;
  townshipId: string;
  openedAt: string;
  returnedAt?: string;
  /** Closed for another reason (exempted, transferred, suspended). */
  closedAt?: string;
  /** The 劝返复学通知书 lapsed (a week without return). */
  noticeLapsedAt?: string;
  /** The township government's order after the lapse (责令限期改正 / 限期返校): its date and where it stands now. */
  townshipOrder?: { orderedOn: CstDate; outcome: TownshipOrderOutcome };
}

/**
 * Where a township order stands: `returned` (the child came back before its deadline was checked), `lapsed` (the
 * deadline passed with the child not back: the chief and the office were alerted), `ended` (the case ended
 * otherwise first: transfer, exemption…), `open` (the deadline is still ahead).
 */
export type TownshipOrderOutcome = 'returned' | 'lapsed' | 'ended' | 'open';

/** The outcome of a lapsed notice's township order, from its stored escalation; undefined without an order. */
export function townshipOrderOutcome(
  escalation: unknown,
): { orderedOn: CstDate; outcome: TownshipOrderOutcome } | undefined {
  const e = escalation as
    | { townshipOrder?: { orderedOn?: unknown; lapsedAt?: unknown }; closedBy?: { state?: unknown } }
    | undefined;
  const order = e?.townshipOrder;
  if (!order || typeof order.orderedOn !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(order.orderedOn)) return undefined;
  const outcome: TownshipOrderOutcome = order.lapsedAt
    ? 'lapsed'
    : e.closedBy?.state === 'returned'
      ? 'returned'
      : e.closedBy
        ? 'ended'
        : 'open';
  return { orderedOn: order.orderedOn, outcome };
}

/** A visit owed: follow-up, 送教上门 or a 大家访 household. */
export interface VisitFact {
  schoolId: string;
  townshipId: string;
  kind: 'followup' | 'send-teaching' | 'campaign';
  /** The instant by which the visit was due. */
  dueAt: string;
  doneAt?: string;
  cancelled?: boolean;
}

/** An inclusive range of CST business dates. */
export interface DateRange {
  from: CstDate;
  to: CstDate;
}

export interface Statistics {
  reportsDue: number;
  reportsOnTime: number;
  /** reportsOnTime / reportsDue; undefined when nothing was due. */
  onTimeRate: number | undefined;
  casesOpened: number;
  casesReturned: number;
  noticesLapsed: number;
  /** Open at the end of the range. */
  casesOpenAtEnd: number;
  /** Median calendar days from opening to return, over cases returned in the range. */
  medianDaysToReturn: number | undefined;
  visitsDue: number;
  visitsDone: number;
  visitsOnTime: number;
  /** Township orders made in the range (by their date) and where those orders stand now. */
  townshipOrders: number;
  townshipOrdersReturned: number;
  townshipOrdersLapsed: number;
  townshipOrdersEnded: number;
  townshipOrdersOpen: number;
}

/** True when an ISO instant falls inside the CST date range. */
export function inRange(iso: string | undefined, range: DateRange): boolean {
  if (!iso) return false;
  const t = Date.parse(iso);
  return t >= cstInstant(range.from).getTime() && t < cstInstant(range.to).getTime() + DAY_MS;
}

/** Median of numbers (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Whole calendar days between two instants, counted on CST dates (opened Monday, returned Friday: 4). */
export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round(
    (cstInstant(cstDate(new Date(toIso))).getTime() - cstInstant(cstDate(new Date(fromIso))).getTime()) / DAY_MS,
  );
}

/**
 * Statistics of a set of facts over a range, as of `asOf` (reports and visits due after asOf are not counted yet).
 * Filter the facts to one school or township first with `forSchool` / `forTownship`.
 */
export function computeStatistics(
  facts: { reports: readonly ReportFact[]; cases: readonly CaseFact[]; visits: readonly VisitFact[] },
  range: DateRange,
  asOf: Date,
): Statistics {
  const now = asOf.getTime();
  const reports = facts.reports.filter((r) => inRange(r.dueAt, range) && Date.parse(r.dueAt) <= now);
  const onTime = reports.filter((r) => r.filedAt && r.filedAt <= r.dueAt).length;
  const returned = facts.cases.filter((c) => inRange(c.returnedAt, range));
  const endOfRange = Math.min(cstInstant(range.to).getTime() + DAY_MS, now);
  const openAtEnd = facts.cases.filter((c) => {
    if (Date.parse(c.openedAt) >= endOfRange) return false;
    const closed = c.returnedAt ?? c.closedAt;
    return !closed || Date.parse(closed) >= endOfRange;
  }).length;
  const visits = facts.visits.filter((v) => !v.cancelled && inRange(v.dueAt, range) && Date.parse(v.dueAt) <= now);
  const orders = facts.cases
    .map((c) => c.townshipOrder)
    .filter((o) => o !== undefined && o.orderedOn >= range.from && o.orderedOn <= range.to);
  const ordersWith = (outcome: TownshipOrderOutcome) => orders.filter((o) => o!.outcome === outcome).length;
  return {
    reportsDue: reports.length,
    reportsOnTime: onTime,
    onTimeRate: reports.length ? onTime / reports.length : undefined,
    casesOpened: facts.cases.filter((c) => inRange(c.openedAt, range)).length,
    casesReturned: returned.length,
    noticesLapsed: facts.cases.filter((c) => inRange(c.noticeLapsedAt, range)).length,
    casesOpenAtEnd: openAtEnd,
    medianDaysToReturn: median(returned.map((c) => daysBetween(c.openedAt, c.returnedAt!))),
    visitsDue: visits.length,
    visitsDone: visits.filter((v) => v.doneAt).length,
    visitsOnTime: visits.filter((v) => v.doneAt && v.doneAt <= v.dueAt).length,
    townshipOrders: orders.length,
    townshipOrdersReturned: ordersWith('returned'),
    townshipOrdersLapsed: ordersWith('lapsed'),
    townshipOrdersEnded: ordersWith('ended'),
    townshipOrdersOpen: ordersWith('open'),
  };
}

type Facts = { reports: readonly ReportFact[]; cases: readonly CaseFact[]; visits: readonly VisitFact[] };

/** The facts of one school. */
export function forSchool(facts: Facts, schoolId: string): Facts {
  return {
    reports: facts.reports.filter((f) => f.schoolId === schoolId),
    cases: facts.cases.filter((f) => f.schoolId === schoolId),
    visits: facts.visits.filter((f) => f.schoolId === schoolId),
  };
}

/** The facts of one township (all its schools). */
export function forTownship(facts: Facts, townshipId: string): Facts {
  return {
    reports: facts.reports.filter((f) => f.townshipId === townshipId),
    cases: facts.cases.filter((f) => f.townshipId === townshipId),
    visits: facts.visits.filter((f) => f.townshipId === townshipId),
  };
}

/** Statistics for every school and township that appears in the facts, sorted by id. */
export function statisticsBy(
  facts: Facts,
  range: DateRange,
  asOf: Date,
): { schools: Map<string, Statistics>; townships: Map<string, Statistics> } {
  const all = [...facts.reports, ...facts.cases, ...facts.visits];
  const schoolIds = [...new Set(all.map((f) => f.schoolId))].sort();
  const townshipIds = [...new Set(all.map((f) => f.townshipId))].sort();
  return {
    schools: new Map(schoolIds.map((id) => [id, computeStatistics(forSchool(facts, id), range, asOf)])),
    townships: new Map(townshipIds.map((id) => [id, computeStatistics(forTownship(facts, id), range, asOf)])),
  };
}

/** A rate as a percentage text for people (`93.3%`, `—` when undefined). */
export function percent(rate: number | undefined): string {
  return rate === undefined ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}
