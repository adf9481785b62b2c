import { followUpTemplates, officialMessage, renderChecked } from './followup-templates.ts';
import type { Message } from './message.ts';
import type { DirectorySnapshot } from './ports.ts';
import {
  type CaseFact,
  computeStatistics,
  type DateRange,
  forSchool,
  forTownship,
  percent,
  type ReportFact,
  type Statistics,
  type VisitFact,
} from './statistics.ts';
import { addDays, type CstDate, cstDate, cstInstant, cstMonthDay, weekdayOf } from './time.ts';

/**
 * Digests (R8, §五(五)): counts only, never a child. A weekly SMS to each 包片领导 and 包乡镇人员 replaces one SMS
 * per event; a monthly written report per township goes to its government.
 */
export type Facts = { reports: readonly ReportFact[]; cases: readonly CaseFact[]; visits: readonly VisitFact[] };

/** Where the digests take their numbers: statistics of a set of townships or of one school (the aggregates). */
export interface ScopeStatistics {
  townships(ids: ReadonlySet<string>): Statistics;
  school(schoolId: string, townshipId?: string): Statistics;
}

/** The same numbers computed from facts (tests, and any caller that holds facts). */
function statisticsOfFacts(source: Facts | ScopeStatistics, range: DateRange, asOf: Date): ScopeStatistics {
  if (!('reports' in source)) return source;
  const facts = source;
  return {
    townships: (ids) =>
      computeStatistics(
        {
          reports: facts.reports.filter((f) => ids.has(f.townshipId)),
          cases: facts.cases.filter((f) => ids.has(f.townshipId)),
          visits: facts.visits.filter((f) => ids.has(f.townshipId)),
        },
        range,
        asOf,
      ),
    school: (schoolId, townshipId) =>
      computeStatistics(
        forSchool(townshipId === undefined ? facts : forTownship(facts, townshipId), schoolId),
        range,
        asOf,
      ),
  };
}

export interface DigestCounts {
  lateReports: number;
  openCases: number;
  noticesLapsed: number;
  returns: number;
  missedVisits: number;
}

/** The Monday–Sunday week before the one containing `now` (CST). */
export function previousWeek(now: Date): DateRange {
  const today = cstDate(now);
  const thisMonday = addDays(today, 1 - weekdayOf(today));
  return { from: addDays(thisMonday, -7), to: addDays(thisMonday, -1) };
}

/** The calendar month before the one containing `now` (CST). */
export function previousMonth(now: Date): DateRange & { key: string } {
  const firstOfThis: CstDate = `${cstDate(now).slice(0, 7)}-01`;
  const to = addDays(firstOfThis, -1);
  return { from: `${to.slice(0, 7)}-01`, to, key: to.slice(0, 7) };
}

/** Digest counts from the statistics of a range. */
export function digestCounts(s: Statistics): DigestCounts {
  return {
    lateReports: s.reportsDue - s.reportsOnTime,
    openCases: s.casesOpenAtEnd,
    noticesLapsed: s.noticesLapsed,
    returns: s.casesReturned,
    missedVisits: s.visitsDue - s.visitsOnTime,
  };
}

/** The weekly SMS body: scope, week and counts; nothing else. */
export function weeklyDigestParams(scope: string, range: DateRange, c: DigestCounts) {
  return {
    from: cstMonthDay(cstInstant(range.from)),
    to: cstMonthDay(cstInstant(range.to)),
    scope,
    lateReports: c.lateReports,
    openCases: c.openCases,
    noticesLapsed: c.noticesLapsed,
    returns: c.returns,
    missedVisits: c.missedVisits,
  };
}

function scopeLabel(names: string[]): string {
  return names.length === 1 ? names[0]! : `所包${names.length}个乡镇`;
}

/**
 * One weekly digest per 包片领导 (over their area's townships) and per 包乡镇人员 (over their townships), each
 * person once even when they hold several townships. Message ids are deterministic per week and person.
 */
export function weeklyDigests(
  directory: DirectorySnapshot,
  facts: Facts | ScopeStatistics,
  range: DateRange,
  now: Date,
  options: { signature: string; maxParts: number; recipients: readonly ('area-leader' | 'township-contact')[] },
): Message[] {
  const active = directory.townships.filter((t) => t.active !== false);
  const people = new Map(directory.people.filter((p) => p.active !== false).map((p) => [p.id, p]));
  const scopes = new Map<string, { role: 'area-leader' | 'township-contact'; townships: typeof active }>();
  const add = (personId: string, role: 'area-leader' | 'township-contact', t: (typeof active)[number]) => {
    const key = `${role}:${personId}`;
    const entry = scopes.get(key) ?? { role, townships: [] };
    if (!entry.townships.includes(t)) entry.townships.push(t);
    scopes.set(key, entry);
  };
  for (const t of active) {
    if (options.recipients.includes('township-contact')) for (const id of t.contactIds) add(id, 'township-contact', t);
    const area = directory.areas.find((a) => a.id === t.areaId && a.active !== false);
    if (area && options.recipients.includes('area-leader')) add(area.leaderId, 'area-leader', t);
  }
  const stats = statisticsOfFacts(facts, range, now);
  const messages: Message[] = [];
  for (const [key, { role, townships }] of scopes) {
    const person = people.get(key.slice(role.length + 1));
    if (!person) continue;
    const counts = digestCounts(stats.townships(new Set(townships.map((t) => t.id))));
    const rendered = renderChecked(
      followUpTemplates.weeklyDigest,
      weeklyDigestParams(scopeLabel(townships.map((t) => t.name)), range, counts),
      options,
    );
    messages.push(
      officialMessage({
        id: `digest-weekly-${range.from}-${role}-${person.id}`,
        person,
        role,
        rendered,
        now,
        subject: { kind: 'system', id: `digest-weekly-${range.from}` },
        townshipId: townships.length === 1 ? townships[0]!.id : undefined,
      }),
    );
  }
  return messages.sort((a, b) => a.id.localeCompare(b.id));
}

/** The monthly written report of one township for its government: per-school counts, no child named. */
export interface TownshipMonthlyReport {
  townshipId: string;
  month: string;
  range: DateRange;
  title: string;
  /** Plain text document (one line per school), ready to print or attach. */
  document: string;
  totals: Statistics;
  schools: { schoolId: string; name: string; stats: Statistics }[];
}

/** Builds the monthly report of a township from the facts of the month. */
export function townshipMonthlyReport(
  directory: DirectorySnapshot,
  townshipId: string,
  facts: Facts | ScopeStatistics,
  range: DateRange & { key: string },
  asOf: Date,
  bureauName: string,
): TownshipMonthlyReport {
  const township = directory.townships.find((t) => t.id === townshipId);
  const name = township?.name ?? townshipId;
  const stats = statisticsOfFacts(facts, range, asOf);
  const totals = stats.townships(new Set([townshipId]));
  const schools = directory.schools
    .filter((s) => s.townshipId === townshipId && s.active !== false)
    .map((s) => ({ schoolId: s.id, name: s.name, stats: stats.school(s.id, townshipId) }));
  const [y, m] = range.key.split('-');
  const title = `${name}${y}年${Number(m)}月控辍保学工作月报`;
  const row = (label: string, s: Statistics) =>
    [
      label,
      `报表按时率${percent(s.onTimeRate)}(${s.reportsOnTime}/${s.reportsDue})`,
      `新增${s.casesOpened}人`,
      `复学${s.casesReturned}人`,
      `通知书逾期${s.noticesLapsed}份`,
      `月末在册未返${s.casesOpenAtEnd}人`,
      `复学用时中位数${s.medianDaysToReturn === undefined ? '—' : `${s.medianDaysToReturn}天`}`,
      `家访完成${s.visitsDone}/${s.visitsDue}`,
    ].join('，');
  const document = [
    title,
    `统计期间：${range.from}至${range.to}　报送：${name}人民政府　来源：${bureauName}控辍保学系统`,
    '',
    row('全镇合计', totals),
    ...schools.map((s) => row(s.name, s.stats)),
    '',
    '说明：本报告只含统计数，不含学生姓名；学生名单请向学校或领导小组办公室调阅。',
  ].join('\n');
  return { townshipId, month: range.key, range, title, document, totals, schools };
}

/** The SMS that tells the township government its monthly report is ready, with the headline counts. */
export function monthlyReportNotice(
  directory: DirectorySnapshot,
  report: TownshipMonthlyReport,
  now: Date,
  options: { signature: string; maxParts: number },
): { message?: Message; unresolved?: string } {
  const township = directory.townships.find((t) => t.id === report.townshipId);
  const person = township?.governmentContactId
    ? directory.people.find((p) => p.id === township.governmentContactId && p.active !== false)
    : undefined;
  if (!person) return { unresolved: `township ${report.townshipId} has no active government contact` };
  const c = digestCounts(report.totals);
  const rendered = renderChecked(
    followUpTemplates.monthlyReport,
    {
      township: township?.name ?? report.townshipId,
      month: `${report.month.slice(0, 4)}年${Number(report.month.slice(5, 7))}月`,
      returns: c.returns,
      openCases: c.openCases,
      noticesLapsed: c.noticesLapsed,
      onTimeRate: percent(report.totals.onTimeRate),
    },
    options,
  );
  return {
    message: officialMessage({
      id: `digest-monthly-${report.month}-${report.townshipId}-${person.id}`,
      person,
      role: 'township-government',
      rendered,
      now,
      subject: { kind: 'system', id: `digest-monthly-${report.month}-${report.townshipId}` },
      townshipId: report.townshipId,
    }),
  };
}
