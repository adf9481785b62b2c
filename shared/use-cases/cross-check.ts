import { type Case, caseKindLabel } from '../domain/case.ts';
import type { CaseRepository } from '../domain/case-ports.ts';
import {
  type Candidate,
  type CrossCheckRepository,
  type CrossCheckRun,
  candidateKindLabel,
  candidateStatusLabel,
  type Decision,
  type DecisionInput,
  type DropoutEntry,
  type RegisterRepository,
  type StrikeInput,
  strikeReasonLabel,
} from '../domain/cross-check.ts';
import {
  CandidateTakenError,
  ConcurrentUpdateError,
  ForbiddenError,
  NotFoundError,
  StateConflictError,
  ValidationError,
} from '../domain/errors.ts';
import { deterministicId } from '../domain/ids.ts';
import type { DirectorySnapshot, Log } from '../domain/ports.ts';
import { maskName } from '../domain/privacy.ts';
import { normaliseName, normaliseRef } from '../domain/pupil-key.ts';
import { isSchoolAge, personKeyOf, schoolYearOf } from '../domain/register.ts';
import type { NotBackStudent } from '../domain/report-slot.ts';
import type { RollPupil, RollRepository } from '../domain/roll.ts';
import type { Principal } from '../domain/scope.ts';
import type { Clock } from '../domain/time.ts';
import { runLimited } from './run-limited.ts';

export interface CrossCheckDeps {
  registers: RegisterRepository;
  rolls: Pick<RollRepository, 'load'>;
  cases: Pick<CaseRepository, 'listBySchool' | 'getCase' | 'pupilKeyHolder'>;
  checks: CrossCheckRepository;
  /** The daily report's not-back list of a school on a day (undefined: not filed). */
  notBack?: (schoolId: string, date: string) => Promise<readonly NotBackStudent[] | undefined>;
  clock: Clock;
  log?: Log;
  terms: readonly { name: string; start: string; end: string }[];
}

/** A decision or a 销号 needs to know who acts and where the record sits. */
export interface Acting {
  principal: Principal;
  directory: DirectorySnapshot;
}

export interface CrossCheckResult {
  run: Omit<CrossCheckRun, 'version'>;
  /** What this run found (with their stored status: a decision stays decided), per list. */
  notEnrolled: Candidate[];
  enrolledAbsent: Candidate[];
  povertyNotEnrolled: Candidate[];
  /** Pending candidates of earlier runs this run no longer finds. */
  cleared: number;
  /** 辍学台账 entries put back because the pupil has a new case (relapse), and pupil keys learned from the rolls. */
  relapsed: number;
}

const termOf = (deps: CrossCheckDeps, name: string) => {
  const t = deps.terms.find((x) => x.name === name);
  if (!t)
    throw new ValidationError(
      [{ field: 'term', reason: `学期“${name}”不在配置中` }],
      `学期“${name}”不在配置的学期中（可选：${deps.terms.map((x) => x.name).join('、')}）`,
    );
  return t;
};

const candidateId = (townshipId: string, kind: Candidate['kind'], personKey: string) =>
  deterministicId('xc', townshipId, kind, personKey);

/**
 * 四查三比对 of one township (R10, §五（二）): its 户籍 register of school-age children against every roll of the county
 * for the term, and against what the system knows of attendance (open cases, optionally a day's daily reports).
 * 1. School-age (6–15 on 31 August of the term's school year) register children on no roll of the county
 *    (matched by the keyed ID hash; a roll pupil without an ID number by name + birth date): 适龄未入学.
 * 2. Pupils on a roll of the township's schools with an open case, or listed as not back by the day's report:
 *    在籍不在校.
 * 3. The 脱贫户 children of list 1 (a view of the same candidates, for the office).
 * Candidates are stored per township with a stable id (township, list, child): a decision survives the next run; a
 * pending candidate no longer found is cleared; a confirmed one found again after its 销号 is pending again.
 */
export async function runCrossCheck(
  deps: CrossCheckDeps,
  input: { townshipId: string; term: string; directory: DirectorySnapshot; reportDate?: string },
): Promise<CrossCheckResult> {
  const { townshipId, directory } = input;
  if (!directory.townships.some((t) => t.id === townshipId)) throw new NotFoundError('township', townshipId);
  const term = termOf(deps, input.term);
  const active = await deps.registers.active(townshipId);
  if (!active)
    throw new ValidationError(
      [{ field: 'townshipId', reason: '尚未导入户籍名单' }],
      `乡镇 ${townshipId} 尚未导入户籍名单：请先运行 import-register`,
    );
  const register = await deps.registers.load(townshipId);
  const year = schoolYearOf(term.start);
  const now = deps.clock.now().toISOString();

  // Every roll of the county for the term.
  const schools = directory.schools.filter((s) => s.active !== false);
  const rolls = await runLimited(schools, 8, (s) => deps.rolls.load(s.id, term.name));
  const byPerson = new Map<string, { pupil: RollPupil; townshipId: string }>();
  const byNameBirth = new Map<string, { pupil: RollPupil; townshipId: string }>();
  schools.forEach((s, i) => {
    for (const pupil of rolls[i] ?? []) {
      const at = { pupil, townshipId: s.townshipId };
      if (pupil.idHash) byPerson.set(personKeyOf({ idHash: pupil.idHash }), at);
      else byNameBirth.set(`${pupil.name}|${pupil.birthDate}`, at);
    }
  });

  const found: Omit<Candidate, 'status' | 'foundAt' | 'lastRunAt' | 'version'>[] = [];
  const counts = { schoolAge: 0, outOfAge: 0, enrolledHere: 0, enrolledElsewhere: 0 };
  for (const child of register) {
    if (!isSchoolAge(child.birthDate, year)) {
      counts.outOfAge++;
      continue;
    }
    counts.schoolAge++;
    const onRoll = byPerson.get(child.childKey) ?? byNameBirth.get(`${child.name}|${child.birthDate}`);
    if (onRoll) {
      if (onRoll.townshipId === townshipId) counts.enrolledHere++;
      else counts.enrolledElsewhere++;
      continue;
    }
    found.push({
      id: candidateId(townshipId, 'not-enrolled', child.childKey),
      townshipId,
      kind: 'not-enrolled',
      personKey: child.childKey,
      name: child.name,
      gender: child.gender,
      birthDate: child.birthDate,
      idLast4: child.idLast4,
      village: child.village,
      evidence: `户籍在册，${term.name}全县学籍名册中均无`,
      flags: child.flags,
    });
  }

  // 在籍不在校: the township's rolls against open cases and the day's reports.
  let rollsRead = 0;
  const absentKeys = new Set<string>();
  for (const [i, s] of schools.entries()) {
    if (s.townshipId !== townshipId) continue;
    const roll = rolls[i] ?? [];
    if (roll.length === 0) continue;
    rollsRead++;
    const byKey = new Map(roll.map((p) => [p.pupilKey, p]));
    const byRef = new Map(roll.map((p) => [p.studentRef, p]));
    const byNameGrade = new Map(roll.map((p) => [`${p.name}|${p.grade}`, p]));
    const add = (pupil: RollPupil, evidence: string, caseId?: string) => {
      const personKey = personKeyOf(pupil);
      if (absentKeys.has(personKey)) return;
      absentKeys.add(personKey);
      found.push({
        id: candidateId(townshipId, 'enrolled-absent', personKey),
        townshipId,
        kind: 'enrolled-absent',
        personKey,
        name: pupil.name,
        gender: pupil.gender,
        birthDate: pupil.birthDate,
        ...(pupil.idLast4 ? { idLast4: pupil.idLast4 } : {}),
        schoolId: s.id,
        grade: pupil.grade,
        pupilKey: pupil.pupilKey,
        ...(caseId ? { caseId } : {}),
        evidence,
        flags: pupil.flags,
      });
    };
    const open = await deps.cases.listBySchool(s.id, 'open');
    for (const c of open) {
      const pupil =
        (c.pupilKey ? byKey.get(c.pupilKey) : undefined) ??
        (c.studentRef ? byRef.get(normaliseRef(c.studentRef)) : undefined) ??
        byNameGrade.get(`${normaliseName(c.studentName)}|${c.grade ?? ''}`);
      if (pupil) add(pupil, `在办案件（${caseKindLabel[c.kind]}）`, c.id);
    }
    if (input.reportDate && deps.notBack) {
      for (const n of (await deps.notBack(s.id, input.reportDate)) ?? []) {
        const pupil =
          (n.studentId ? byRef.get(normaliseRef(n.studentId)) : undefined) ??
          byNameGrade.get(`${normaliseName(n.studentName)}|${n.grade ?? ''}`);
        if (pupil) add(pupil, `${input.reportDate} 日报：${n.status === 'dropped-out' ? '辍学' : '未返校'}`);
      }
    }
  }

  // Merge with the stored candidates: decisions stay, a pending one no longer found is cleared.
  const entries = new Map((await deps.checks.entries(townshipId)).map((e) => [e.id, e]));
  const existing = new Map((await deps.checks.candidates(townshipId)).map((c) => [c.id, c]));
  const changes: { next: Candidate; previousVersion: number }[] = [];
  const current: Candidate[] = [];
  for (const f of found) {
    const old = existing.get(f.id);
    let next: Candidate;
    if (!old) next = { ...f, status: 'pending', foundAt: now, lastRunAt: now, version: 1 };
    else {
      const struck = old.status === 'confirmed' && entries.get(old.personKey)?.status === 'struck';
      const again = old.status === 'cleared' || struck;
      const { decision: _d, ...rest } = old;
      next = {
        ...(again ? rest : old),
        ...f,
        status: again ? 'pending' : old.status,
        ...(struck ? { evidence: `${f.evidence}（已销号后再次发现）` } : {}),
        lastRunAt: now,
        version: old.version + 1,
      };
    }
    // A candidate found as it was is not written again: a decision being taken on it meanwhile is not disturbed.
    const same = (c: Candidate) => JSON.stringify({ ...c, lastRunAt: '', version: 0 });
    if (old && same(old) === same(next)) current.push(old);
    else {
      changes.push({ next, previousVersion: old?.version ?? 0 });
      current.push(next);
    }
  }
  const foundIds = new Set(found.map((f) => f.id));
  let cleared = 0;
  for (const old of existing.values()) {
    if (foundIds.has(old.id) || old.status !== 'pending') continue;
    cleared++;
    changes.push({
      next: { ...old, status: 'cleared', lastRunAt: now, version: old.version + 1 },
      previousVersion: old.version,
    });
  }

  const previous = await deps.checks.lastRun(townshipId);
  const notEnrolled = current.filter((c) => c.kind === 'not-enrolled');
  const enrolledAbsent = current.filter((c) => c.kind === 'enrolled-absent');
  const povertyNotEnrolled = notEnrolled.filter((c) => c.flags.includes('脱贫户'));
  const run: Omit<CrossCheckRun, 'version'> = {
    townshipId,
    term: term.name,
    at: now,
    registerImportId: active.importId,
    registerCount: register.length,
    ...counts,
    notEnrolled: notEnrolled.length,
    enrolledAbsent: enrolledAbsent.length,
    povertyNotEnrolled: povertyNotEnrolled.length,
    rollsRead,
  };
  await deps.checks.saveRun(run, previous, changes);

  // The ledger learns the pupil key of a child now on a roll (so a later case of the pupil is a relapse).
  for (const e of entries.values()) {
    if (e.pupilKey || !e.id.startsWith('id-')) continue;
    const onRoll = byPerson.get(e.id);
    if (!onRoll) continue;
    await deps.checks
      .saveEntry({ ...e, pupilKey: onRoll.pupil.pupilKey, version: e.version + 1 }, e.version)
      .catch((error: unknown) => {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
      });
  }
  const relapsed = await syncRelapses(deps, townshipId);
  deps.log?.info('cross-check run', {
    townshipId,
    term: term.name,
    notEnrolled: run.notEnrolled,
    enrolledAbsent: run.enrolledAbsent,
    cleared,
    relapsed,
  });
  return { run, notEnrolled, enrolledAbsent, povertyNotEnrolled, cleared, relapsed };
}

const canActOnTownship = (p: Principal, townshipId: string) =>
  p.role === 'office' || (p.role === 'township-contact' && p.townshipId === townshipId);

/** Who decides a candidate: the office, the township's 包乡镇人员, and for a pupil on a roll the school's head. */
export function mayDecide(p: Principal, c: { townshipId: string; schoolId?: string | undefined }): boolean {
  return canActOnTownship(p, c.townshipId) || (p.role === 'school-head' && !!c.schoolId && p.schoolId === c.schoolId);
}

/** Who reads a township's results: the office, its 包片领导 and 包乡镇人员; a school head only the own school's rows. */
export function mayReadTownship(p: Principal, townshipId: string, directory: DirectorySnapshot): boolean {
  if (p.role === 'office') return true;
  if (p.role === 'township-contact') return p.townshipId === townshipId;
  if (p.role === 'leader') return directory.townships.find((t) => t.id === townshipId)?.areaId === p.areaId;
  return false;
}

/**
 * Names in full for the office; for the pupil's own school; and for the township's 包乡镇人员 a child on no roll (the
 * township supplied that name and must find the child). Everyone else sees 张*明. The 脱贫户 flag: office and school.
 */
export function seesName(p: Principal, row: { townshipId: string; schoolId?: string | undefined }): boolean {
  if (p.role === 'office') return true;
  if (p.role === 'school-head' || p.role === 'teacher') return !!row.schoolId && row.schoolId === p.schoolId;
  if (p.role === 'township-contact') return !row.schoolId && row.townshipId === p.townshipId;
  return false;
}

export function seesPoverty(p: Principal, row: { schoolId?: string | undefined }): boolean {
  return p.role === 'office' || (p.role === 'school-head' && !!row.schoolId && row.schoolId === p.schoolId);
}

/** The candidates of a township the caller may see (a school head: the own school's), masked for them. */
export async function listCandidates(
  deps: Pick<CrossCheckDeps, 'checks'>,
  acting: Acting,
  townshipId: string,
): Promise<{ run?: CrossCheckRun; candidates: Candidate[] }> {
  const { principal: p, directory } = acting;
  if (!directory.townships.some((t) => t.id === townshipId)) throw new NotFoundError('township', townshipId);
  const whole = mayReadTownship(p, townshipId, directory);
  if (!whole && p.role !== 'school-head') throw new ForbiddenError('无权查看该乡镇的比对结果（超出您的管辖范围）');
  const [run, all] = await Promise.all([deps.checks.lastRun(townshipId), deps.checks.candidates(townshipId)]);
  const candidates = all
    .filter((c) => whole || (c.schoolId !== undefined && c.schoolId === p.schoolId))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.foundAt.localeCompare(b.foundAt) || a.id.localeCompare(b.id))
    .map((c) => maskCandidate(p, c));
  return { ...(run ? { run } : {}), candidates };
}

function maskCandidate(p: Principal, c: Candidate): Candidate {
  const full = seesName(p, c);
  const flags = seesPoverty(p, c) ? c.flags : c.flags.filter((f) => f !== '脱贫户');
  const { decision, ...rest } = c;
  return {
    ...rest,
    name: full ? c.name : maskName(c.name),
    flags,
    ...(decision ? { decision: full ? decision : withoutNote(decision) } : {}),
  };
}

/** A decision's note is free text about the child: only for those who see the name. */
function withoutNote(d: Decision): Decision {
  const { note: _n, ...rest } = d;
  return rest;
}

const actor = (p: Principal) => ({ personId: p.personId, ...(p.name ? { name: p.name } : {}) });

/**
 * Confirms or dismisses one candidate with a reason. A confirmation puts the child on the 辍学台账 in the same
 * transaction: a new entry, or back on (a relapse) if the child's entry was struck off, or joined to the entry that
 * is on (two lists found the same child). Many officials confirming at once make one entry: the entry's key is the
 * child, put with a condition; a loser reads it again and joins it. A candidate decided meanwhile is a 409.
 */
export async function decideCandidate(
  deps: Pick<CrossCheckDeps, 'checks' | 'clock' | 'log'>,
  acting: Acting,
  input: { townshipId: string; candidateId: string; decision: DecisionInput },
): Promise<{ candidate: Candidate; entry?: DropoutEntry }> {
  const p = acting.principal;
  const c = await deps.checks.candidate(input.townshipId, input.candidateId);
  if (!c) throw new NotFoundError('candidate', input.candidateId);
  if (!mayDecide(p, c)) throw new ForbiddenError('只有该乡镇的包乡镇人员、学生所在学校的校长或控辍办可以核查比对结果');
  if (c.status !== 'pending')
    throw new StateConflictError(`该比对结果已${candidateStatusLabel[c.status]}，不能再次核查`, 'ALREADY_DECIDED');
  const now = deps.clock.now().toISOString();
  const decision: Decision = {
    decision: input.decision.decision,
    reason: input.decision.reason,
    ...(input.decision.note ? { note: input.decision.note } : {}),
    by: actor(p),
    at: now,
  };
  const taken = () => new StateConflictError('该比对结果刚被他人核查，请刷新后查看', 'ALREADY_DECIDED');
  if (decision.decision === 'dismiss') {
    await deps.checks.dismiss(c, decision).catch((error: unknown) => {
      throw error instanceof CandidateTakenError ? taken() : error;
    });
    deps.log?.info('cross-check candidate dismissed', { candidateId: c.id, townshipId: c.townshipId });
    return { candidate: { ...c, status: 'dismissed', decision, version: c.version + 1 } };
  }
  const by = p.name ?? p.personId;
  const detail = `${candidateKindLabel[c.kind]}：${decision.reason}`;
  for (let attempt = 0; attempt < 8; attempt++) {
    const e = await deps.checks.entry(c.personKey);
    let entry: Parameters<CrossCheckRepository['confirm']>[2];
    if (!e) {
      entry = {
        mode: 'new',
        next: {
          id: c.personKey,
          townshipId: c.townshipId,
          ...(c.schoolId ? { schoolId: c.schoolId } : {}),
          kind: c.kind === 'not-enrolled' ? 'never-enrolled' : 'dropped-out',
          name: c.name,
          ...(c.gender ? { gender: c.gender } : {}),
          birthDate: c.birthDate,
          ...(c.idLast4 ? { idLast4: c.idLast4 } : {}),
          ...(c.village ? { village: c.village } : {}),
          ...(c.grade ? { grade: c.grade } : {}),
          ...(c.pupilKey ? { pupilKey: c.pupilKey } : {}),
          flags: c.flags,
          status: 'on',
          enteredAt: now,
          sources: [c.id],
          relapses: 0,
          events: [{ at: now, action: 'entered', by, detail }],
          version: 1,
        },
      };
    } else {
      const reenter = e.status === 'struck';
      const { strike: _s, ...kept } = e;
      entry = {
        mode: reenter ? 'reenter' : 'join',
        expected: e.version,
        next: {
          ...(reenter ? kept : e),
          status: 'on',
          ...(c.pupilKey && !e.pupilKey ? { pupilKey: c.pupilKey } : {}),
          ...(c.schoolId && !e.schoolId ? { schoolId: c.schoolId } : {}),
          sources: e.sources.includes(c.id) ? e.sources : [...e.sources, c.id],
          relapses: e.relapses + (reenter ? 1 : 0),
          events: [...e.events, { at: now, action: reenter ? 'relapsed' : 'joined', by, detail }],
          version: e.version + 1,
        },
      };
    }
    try {
      await deps.checks.confirm(c, decision, entry);
      deps.log?.info('cross-check candidate confirmed', {
        candidateId: c.id,
        entryId: entry.next.id,
        mode: entry.mode,
      });
      return { candidate: { ...c, status: 'confirmed', decision, version: c.version + 1 }, entry: entry.next };
    } catch (error) {
      if (error instanceof CandidateTakenError) throw taken();
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      // The entry moved (another confirmation made or joined it): read it again.
    }
  }
  throw new ConcurrentUpdateError(`辍学台账 ${c.personKey}`);
}

/** Who strikes off or reads an entry in full: as for candidates (office, the township's 包乡镇人员, the school). */
export async function strikeOff(
  deps: Pick<CrossCheckDeps, 'checks' | 'clock' | 'log'>,
  acting: Acting,
  input: { entryId: string; strike: StrikeInput },
): Promise<DropoutEntry> {
  const p = acting.principal;
  const e = await deps.checks.entry(input.entryId);
  if (!e) throw new NotFoundError('dropout-entry', input.entryId);
  if (!mayDecide(p, e)) throw new ForbiddenError('只有该乡镇的包乡镇人员、学生所在学校的校长或控辍办可以销号');
  if (e.status === 'struck') throw new StateConflictError('该学生已销号；再次辍学时会自动恢复到台账', 'ALREADY_STRUCK');
  const now = deps.clock.now().toISOString();
  const s = input.strike;
  const by = p.name ?? p.personId;
  const next: DropoutEntry = {
    ...e,
    status: 'struck',
    strike: {
      reason: s.reason,
      evidence: s.evidence,
      ...(s.receivingSchool ? { receivingSchool: s.receivingSchool } : {}),
      ...(s.note ? { note: s.note } : {}),
      by,
      at: now,
    },
    events: [
      ...e.events,
      {
        at: now,
        action: 'struck',
        by,
        detail: `${strikeReasonLabel[s.reason]}${s.receivingSchool ? `（接收学校：${s.receivingSchool}）` : ''}；证明：${s.evidence.join('、')}`,
      },
    ],
    version: e.version + 1,
  };
  await deps.checks.saveEntry(next, e.version);
  deps.log?.info('dropout entry struck off', { entryId: e.id, reason: s.reason });
  return next;
}

/**
 * 动态销号's other half: a struck-off pupil with a case opened after the 销号 (the same pupil key holds an open case)
 * is put back on the 辍学台账 (relapse), with the case named. Runs with every cross-check and every ledger read;
 * guarded by the entry's version, so two readers at once put the pupil back once.
 */
export async function syncRelapses(
  deps: Pick<CrossCheckDeps, 'checks' | 'cases' | 'clock'>,
  townshipId: string,
): Promise<number> {
  let relapsed = 0;
  for (const e of await deps.checks.entries(townshipId, 'struck')) {
    if (!e.pupilKey || !e.strike) continue;
    const holder = await deps.cases.pupilKeyHolder(e.pupilKey);
    const c: Case | undefined = holder ? await deps.cases.getCase(holder) : undefined;
    if (!c || c.openedAt <= e.strike.at) continue;
    const { strike: _s, ...kept } = e;
    const now = deps.clock.now().toISOString();
    const next: DropoutEntry = {
      ...kept,
      status: 'on',
      relapses: e.relapses + 1,
      events: [...e.events, { at: now, action: 'relapsed', by: '系统', detail: `销号后再次辍学：新案件 ${c.id}` }],
      version: e.version + 1,
    };
    try {
      await deps.checks.saveEntry(next, e.version);
      relapsed++;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  return relapsed;
}

/** The run in Chinese for the operator (names as the caller may see them). */
export function describeCrossCheck(r: CrossCheckResult, p: Principal): string[] {
  const run = r.run;
  const lines = [
    `四查三比对：乡镇 ${run.townshipId}，${run.term}；户籍名单 ${run.registerCount} 人，其中适龄 ${run.schoolAge} 人` +
      `（超出义务教育年龄 ${run.outOfAge} 人未比对）`,
    `  在本乡镇学校就读 ${run.enrolledHere} 人，在县内其他乡镇学校就读 ${run.enrolledElsewhere} 人；` +
      `读取本乡镇学校名册 ${run.rollsRead} 份`,
    `  适龄未入学 ${run.notEnrolled} 人，在籍不在校 ${run.enrolledAbsent} 人` +
      (p.role === 'office' ? `，脱贫户子女未在册 ${run.povertyNotEnrolled} 人` : '') +
      (r.cleared > 0 ? `；${r.cleared} 条此前的待核查结果已不在名单` : '') +
      (r.relapsed > 0 ? `；${r.relapsed} 名已销号学生再次辍学，已恢复到辍学台账` : ''),
  ];
  const show = (title: string, list: Candidate[]) => {
    if (list.length === 0) return;
    lines.push(`${title}：`);
    for (const c of list) {
      const name = seesName(p, c) ? c.name : maskName(c.name);
      lines.push(
        `  ${c.id}  ${name}  ${c.birthDate}  ${c.idLast4 ? `****${c.idLast4}` : ''}  ${c.village ?? c.schoolId ?? ''}` +
          `  ${c.evidence}  [${candidateStatusLabel[c.status]}${c.decision ? `：${c.decision.reason}` : ''}]`,
      );
    }
  };
  show('适龄未入学（待核查是否从未入学）', r.notEnrolled);
  show('在籍不在校', r.enrolledAbsent);
  if (p.role === 'office') show('脱贫户子女未在册', r.povertyNotEnrolled);
  return lines;
}
