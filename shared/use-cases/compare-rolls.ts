import type { Actor, Case, CaseState } from '../domain/case.ts';
import type { CaseRepository } from '../domain/case-ports.ts';
import { ValidationError } from '../domain/errors.ts';
import type { Log } from '../domain/ports.ts';
import { maskName } from '../domain/privacy.ts';
import { normaliseName, normaliseRef } from '../domain/pupil-key.ts';
import type { NotBackStudent } from '../domain/report-slot.ts';
import { slotIdOf } from '../domain/report-slot.ts';
import { gradeNumber, type PriorityFlag, type RollPupil, type RollRepository } from '../domain/roll.ts';
import type { NotBackOutcome, NotBackReport } from './submit-report.ts';

export interface CompareRollsDeps {
  rolls: RollRepository;
  cases: Pick<CaseRepository, 'listBySchool'>;
  /** `calendar.terms` of the configuration, in any order. */
  terms: readonly { name: string; start: string; end: string }[];
  log?: Log;
}

/** Who the school recorded as arrived at the start of the term (one of the two; neither = being on the roll). */
export type Arrivals =
  /** An attendance upload: the 学籍号 (or, without one, name + grade) of every pupil who came. */
  | { kind: 'attendance'; label: string; refs: ReadonlySet<string>; names: ReadonlySet<string> }
  /** The daily report of that day: the pupils it lists as not back. */
  | { kind: 'report'; label: string; notBack: readonly NotBackStudent[] };

export interface CompareRollsInput {
  schoolId: string;
  from: string;
  to: string;
  arrivals?: Arrivals;
}

export type MissingWhy = 'not-on-roll' | 'not-arrived';
export type ExcludedWhy = 'graduated' | 'transferred' | 'suspended' | 'exempted';

export interface RollComparison {
  schoolId: string;
  from: { term: string; count: number };
  to: { term: string; count: number; start: string };
  arrivalsLabel?: string;
  /** 未按时返校: last term's pupils not back, and this term's pupils on the roll who did not arrive. */
  missing: { pupil: RollPupil; why: MissingWhy }[];
  /** Not expected back: graduated, or a recorded transfer, 休学 or exemption (a settled case). */
  excluded: { pupil: RollPupil; why: ExcludedWhy; caseId?: string }[];
  /** On this term's roll and not last term's (转入, 新生). */
  newcomers: number;
  /** Last term's pupils back this term. */
  back: number;
}

const settled: Partial<Record<CaseState, ExcludedWhy>> = {
  transferred: 'transferred',
  suspended: 'suspended',
  exempted: 'exempted',
};

/**
 * 对比上学期 (§五（一）): last term's roll against this term's roll and the arrivals the school recorded.
 * - A pupil of last term who graduated (九年级; 六年级 at a school without grades 7–9) when `to` opens a new school
 *   year (第一学期), or whose case was closed as 转出, 休学 or 免予/缓学, is excluded, with the reason.
 * - Every other pupil of last term not on this term's roll is missing (`not-on-roll`).
 * - A pupil on both rolls (or new this term) who the arrivals say did not come is missing (`not-arrived`).
 * Matching is by the roll's pupil key (学籍号), so a pupil who changed class is the same pupil.
 */
export async function compareRolls(deps: CompareRollsDeps, input: CompareRollsInput): Promise<RollComparison> {
  const termOf = (name: string, field: string) => {
    const t = deps.terms.find((x) => x.name === name);
    if (!t) {
      throw new ValidationError(
        [{ field, reason: `学期“${name}”不在配置中` }],
        `学期“${name}”不在配置的学期中（可选：${deps.terms.map((x) => x.name).join('、')}）`,
      );
    }
    return t;
  };
  const from = termOf(input.from, 'from');
  const to = termOf(input.to, 'to');
  if (from.start >= to.start) {
    throw new ValidationError(
      [{ field: 'to', reason: '应晚于 --from 的学期' }],
      `--to 的学期（${to.name}）应晚于 --from 的学期（${from.name}）`,
    );
  }
  const [before, now] = await Promise.all([
    deps.rolls.load(input.schoolId, from.name),
    deps.rolls.load(input.schoolId, to.name),
  ]);
  if (before.length === 0)
    throw new ValidationError(
      [{ field: 'from', reason: '没有名册' }],
      `学校 ${input.schoolId} 在 ${from.name} 没有导入名册`,
    );
  if (now.length === 0)
    throw new ValidationError(
      [{ field: 'to', reason: '没有名册' }],
      `学校 ${input.schoolId} 在 ${to.name} 没有导入名册`,
    );

  const closed = (await deps.cases.listBySchool(input.schoolId, 'closed')).filter((c) => settled[c.state]);
  const settledCase = (p: RollPupil): Case | undefined =>
    closed.find((c) =>
      c.studentRef
        ? normaliseRef(c.studentRef) === p.studentRef
        : normaliseName(c.studentName) === p.name && (!c.grade || c.grade === p.grade),
    );
  const newYear = /第一学期|秋季/.test(to.name);
  const hasJunior = before.some((p) => gradeNumber(p.grade) >= 7);
  const graduates = (p: RollPupil) =>
    newYear && (gradeNumber(p.grade) === 9 || (gradeNumber(p.grade) === 6 && !hasJunior));
  const arrived = arrivalCheck(input.arrivals);

  const nowByKey = new Map(now.map((p) => [p.pupilKey, p]));
  const beforeKeys = new Set(before.map((p) => p.pupilKey));
  const result: RollComparison = {
    schoolId: input.schoolId,
    from: { term: from.name, count: before.length },
    to: { term: to.name, count: now.length, start: to.start },
    ...(input.arrivals ? { arrivalsLabel: input.arrivals.label } : {}),
    missing: [],
    excluded: [],
    newcomers: now.filter((p) => !beforeKeys.has(p.pupilKey)).length,
    back: 0,
  };
  for (const p of before) {
    const current = nowByKey.get(p.pupilKey);
    if (current) {
      if (arrived(current)) result.back++;
      else result.missing.push({ pupil: current, why: 'not-arrived' });
      continue;
    }
    const c = settledCase(p);
    if (c) result.excluded.push({ pupil: p, why: settled[c.state] as ExcludedWhy, caseId: c.id });
    else if (graduates(p)) result.excluded.push({ pupil: p, why: 'graduated' });
    else result.missing.push({ pupil: p, why: 'not-on-roll' });
  }
  for (const p of now) {
    if (!beforeKeys.has(p.pupilKey) && !arrived(p)) result.missing.push({ pupil: p, why: 'not-arrived' });
  }
  // Not on the roll first (the larger worry), then in the roll's order.
  result.missing.sort((a, b) => (a.why === b.why ? 0 : a.why === 'not-on-roll' ? -1 : 1) || a.pupil.row - b.pupil.row);
  deps.log?.info('rolls compared', {
    schoolId: input.schoolId,
    from: from.name,
    to: to.name,
    missing: result.missing.length,
    excluded: result.excluded.length,
  });
  return result;
}

function arrivalCheck(arrivals: Arrivals | undefined): (p: RollPupil) => boolean {
  if (!arrivals) return () => true;
  if (arrivals.kind === 'attendance') {
    return (p) => arrivals.refs.has(p.studentRef) || arrivals.names.has(`${p.name}|${p.grade}`);
  }
  const refs = new Set(arrivals.notBack.flatMap((n) => (n.studentId ? [normaliseRef(n.studentId)] : [])));
  const names = new Set(
    arrivals.notBack.filter((n) => !n.studentId).map((n) => `${normaliseName(n.studentName)}|${n.grade ?? ''}`),
  );
  return (p) => !refs.has(p.studentRef) && !names.has(`${p.name}|${p.grade}`) && !names.has(`${p.name}|`);
}

/**
 * The missing pupils go through the report intake (reopen, feed an open case, or open one; one case per pupil by
 * its key), as the term's first daily report would list them: same slot id, so a pupil that report also lists
 * ends up in the same single case.
 */
export async function intakeMissing(
  intake: (report: NotBackReport & { by: Actor }) => Promise<NotBackOutcome>,
  comparison: RollComparison,
  by: Actor & { personId: string },
  filedAt: Date,
): Promise<NotBackOutcome> {
  const notBack: NotBackStudent[] = comparison.missing.map(({ pupil, why }) => ({
    studentName: pupil.name,
    studentId: pupil.studentRef,
    grade: pupil.grade,
    ...(pupil.className ? { className: pupil.className.slice(0, 16) } : {}),
    status: 'not-returned',
    reason: why === 'not-on-roll' ? '对比上学期：不在本学期名册' : '对比上学期：在册未到校',
  }));
  return intake({
    schoolId: comparison.schoolId,
    cadence: 'daily',
    periodKey: comparison.to.start,
    slotId: slotIdOf(comparison.schoolId, 'daily', comparison.to.start),
    filedAt: filedAt.toISOString(),
    notBack,
    submittedBy: by.personId,
    by,
  });
}

/** Only the missing and excluded pupils of one priority group (the roll's flag), for a filtered list. */
export function onlyGroup(r: RollComparison, flag: PriorityFlag): RollComparison {
  return {
    ...r,
    missing: r.missing.filter((m) => m.pupil.flags.includes(flag)),
    excluded: r.excluded.filter((e) => e.pupil.flags.includes(flag)),
  };
}

const whyLabel: Record<MissingWhy | ExcludedWhy, string> = {
  'not-on-roll': '不在本学期名册',
  'not-arrived': '在册未到校',
  graduated: '毕业',
  transferred: '已转出',
  suspended: '休学',
  exempted: '免予/缓学',
};

/**
 * The comparison in Chinese. `names: 'full'` for the pupil's school and the office (R9); `'masked'` elsewhere;
 * `'counts'` for a township (counts only).
 */
export function describeComparison(r: RollComparison, names: 'full' | 'masked' | 'counts'): string[] {
  const lines = [
    `对比上学期：学校 ${r.schoolId}，${r.from.term}（${r.from.count} 人）→ ${r.to.term}（${r.to.count} 人）` +
      (r.arrivalsLabel ? `，到校记录：${r.arrivalsLabel}` : '，无到校记录（在本学期名册即视为已到校）'),
    `  已返校 ${r.back} 人，新转入/新生 ${r.newcomers} 人，未按时返校 ${r.missing.length} 人，不计入 ${r.excluded.length} 人` +
      `（${countBy(r.excluded.map((e) => whyLabel[e.why])) || '无'}）`,
  ];
  // Priority groups split the missing count; 脱贫户 only for the pupil's school and the office (R9).
  const groups = r.missing.flatMap((m) => m.pupil.flags.filter((f) => names === 'full' || f !== '脱贫户'));
  if (groups.length > 0) lines.push(`  其中重点群体：${countBy(groups)}`);
  if (names === 'counts') {
    lines.push(`  未按时返校：${countBy(r.missing.map((m) => whyLabel[m.why])) || '无'}`);
    return lines;
  }
  const name = (p: RollPupil) => (names === 'full' ? p.name : maskName(p.name));
  if (r.missing.length > 0) {
    lines.push('未按时返校名单：');
    for (const m of r.missing) {
      const flags = names === 'full' && m.pupil.flags.length > 0 ? `  [${m.pupil.flags.join('、')}]` : '';
      lines.push(`  ${name(m.pupil)}  ${m.pupil.grade}${m.pupil.className ?? ''}  ${whyLabel[m.why]}${flags}`);
    }
  }
  if (r.excluded.length > 0) {
    lines.push('不计入（有记录）：');
    for (const e of r.excluded)
      lines.push(`  ${name(e.pupil)}  ${e.pupil.grade}  ${whyLabel[e.why]}${e.caseId ? `（案件 ${e.caseId}）` : ''}`);
  }
  return lines;
}

function countBy(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([l, n]) => `${l} ${n}`).join('，');
}
