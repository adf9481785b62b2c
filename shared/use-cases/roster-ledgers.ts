import { caseKindLabel, closedStates } from '../domain/case.ts';
import { type Candidate, candidateKindLabel, candidateStatusLabel, strikeReasonLabel } from '../domain/cross-check.ts';
import { ForbiddenError, NotFoundError } from '../domain/errors.ts';
import type { Ledger } from '../domain/export-ledgers.ts';
import type { DirectorySnapshot } from '../domain/ports.ts';
import { groupsOfCase } from '../domain/priority-groups.ts';
import { maskName } from '../domain/privacy.ts';
import { isSchoolAge, personKeyOf, schoolYearOf } from '../domain/register.ts';
import { type PriorityFlag, priorityFlags } from '../domain/roll.ts';
import { cstDate } from '../domain/time.ts';
import {
  type Acting,
  type CrossCheckDeps,
  listCandidates,
  mayReadTownship,
  seesName,
  seesPoverty,
  syncRelapses,
} from './cross-check.ts';
import { runLimited } from './run-limited.ts';

const day = (iso: string) => cstDate(new Date(iso));
const idShown = (last4?: string) => (last4 ? `****${last4}` : '');

type Names = { school: (id?: string) => string; township: (id: string) => string };

function namesOf(directory: DirectorySnapshot): Names {
  const schools = new Map(directory.schools.map((s) => [s.id, s.name]));
  const townships = new Map(directory.townships.map((t) => [t.id, t.name]));
  return { school: (id) => (id ? (schools.get(id) ?? id) : ''), township: (id) => townships.get(id) ?? id };
}

/**
 * The results of a township's cross-check as the sheets the township and the bureau work from: a summary, 适龄未入学,
 * 在籍不在校 and (office only, R9) 脱贫户子女未在册. Scoped and masked like the JSON list (`listCandidates`).
 */
export async function crossCheckSheets(
  deps: Pick<CrossCheckDeps, 'checks'>,
  acting: Acting,
  townshipId: string,
): Promise<Ledger[]> {
  const { run, candidates } = await listCandidates(deps, acting, townshipId);
  const names = namesOf(acting.directory);
  const p = acting.principal;
  const columns = [
    '序号',
    '编号',
    '乡镇',
    '村（社区）/学校',
    '姓名',
    '性别',
    '出生日期',
    '身份证号',
    '依据',
    '状态',
    '核查结论',
    '核查人',
    '核查日期',
  ];
  const rows = (list: Candidate[]) =>
    list.map((c, i) => [
      String(i + 1),
      c.id,
      names.township(c.townshipId),
      c.village ?? names.school(c.schoolId),
      c.name,
      c.gender ?? '',
      c.birthDate,
      idShown(c.idLast4),
      c.evidence,
      candidateStatusLabel[c.status],
      c.decision?.reason ?? '',
      c.decision ? (c.decision.by.name ?? c.decision.by.personId) : '',
      c.decision ? day(c.decision.at) : '',
    ]);
  const live = candidates.filter((c) => c.status !== 'cleared');
  const summary: Ledger = {
    title: '比对汇总',
    columns: ['项目', '数值'],
    rows: run
      ? [
          ['乡镇', names.township(townshipId)],
          ['学期', run.term],
          ['比对时间', day(run.at)],
          ['户籍名单人数', String(run.registerCount)],
          ['其中适龄（6–15 周岁）', String(run.schoolAge)],
          ['在本乡镇学校就读', String(run.enrolledHere)],
          ['在县内其他乡镇学校就读', String(run.enrolledElsewhere)],
          ['适龄未入学', String(run.notEnrolled)],
          ['在籍不在校', String(run.enrolledAbsent)],
          ...(p.role === 'office' ? [['脱贫户子女未在册', String(run.povertyNotEnrolled)]] : []),
        ]
      : [
          ['乡镇', names.township(townshipId)],
          ['状态', '尚未运行比对'],
        ],
  };
  const sheets = [
    summary,
    { title: '适龄未入学', columns, rows: rows(live.filter((c) => c.kind === 'not-enrolled')) },
    { title: '在籍不在校', columns, rows: rows(live.filter((c) => c.kind === 'enrolled-absent')) },
  ];
  if (p.role === 'office')
    sheets.push({
      title: '脱贫户子女未在册',
      columns,
      rows: rows(live.filter((c) => c.kind === 'not-enrolled' && c.flags.includes('脱贫户'))),
    });
  return sheets;
}

export type RosterLedgersDeps = Pick<CrossCheckDeps, 'checks' | 'cases' | 'clock' | 'registers' | 'rolls' | 'terms'>;

/**
 * The three ledgers the bureau reports upward (R10), per township in the caller's scope (or the one asked for):
 * - 适龄儿童台账: the township's register children of school age and its schools' rolls, each with where they are;
 * - 疑似辍学台账: pending cross-check candidates and the open cases of the township's schools;
 * - 辍学台账: every confirmed child, on the ledger or struck off (销号 date, reason, evidence, receiving school), with
 *   the number of relapses (动态销号).
 * Relapses are synced first (a struck-off pupil with a new case is back on). Masked like the candidates: full names
 * for the office and the own school; for the 包乡镇人员 only children on no roll.
 */
export async function rosterLedgers(
  deps: RosterLedgersDeps,
  acting: Acting,
  input: { townshipId?: string; group?: PriorityFlag },
): Promise<{ ledgers: Ledger[]; rows: number; groups: GroupCount[] }> {
  const { principal: p, directory } = acting;
  if (input.townshipId && !directory.townships.some((t) => t.id === input.townshipId))
    throw new NotFoundError('township', input.townshipId);
  if (p.role === 'teacher') throw new ForbiddenError('教师无导出台账的权限，请联系校长');
  if (input.group === '脱贫户' && p.role !== 'office' && p.role !== 'school-head')
    throw new ForbiddenError('按脱贫户筛选仅限教育局办公室和本校校长（R9）');
  const ownSchool = p.role === 'school-head' ? directory.schools.find((s) => s.id === p.schoolId) : undefined;
  const townships = directory.townships
    .filter((t) => t.active !== false)
    .filter((t) => !input.townshipId || t.id === input.townshipId)
    .filter((t) => mayReadTownship(p, t.id, directory) || ownSchool?.townshipId === t.id);
  if (townships.length === 0) throw new ForbiddenError('无权查看该乡镇的台账（超出您的管辖范围）');
  const names = namesOf(directory);
  const inScope = (row: { townshipId: string; schoolId?: string | undefined }) =>
    p.role !== 'school-head' || row.schoolId === p.schoolId;
  const name = (row: { townshipId: string; schoolId?: string | undefined; name: string }) =>
    seesName(p, row) ? row.name : maskName(row.name);
  const flags = (row: { schoolId?: string | undefined; flags: readonly string[] }) =>
    (seesPoverty(p, row) ? row.flags : row.flags.filter((f) => f !== '脱贫户')).join('、');

  const listed = new Set(townships.map((t) => t.id));
  // Priority groups: `group` keeps only the children carrying it; the counts per township and group are kept for
  // every group the caller may see on that row (R9: 脱贫户 for the office and the own school only).
  const inGroup = (f: readonly string[]) => !input.group || f.includes(input.group);
  const counts = new Map<string, GroupCount>();
  const count = (
    township: string,
    row: { schoolId?: string | undefined; flags: readonly string[] },
    field: Exclude<keyof GroupCount, 'township' | 'group'>,
  ) => {
    for (const g of row.flags) {
      if (g === '脱贫户' && !seesPoverty(p, row)) continue;
      if (input.group && g !== input.group) continue;
      const key = `${township}|${g}`;
      const c = counts.get(key) ?? {
        township,
        group: g,
        children: 0,
        atSchool: 0,
        suspected: 0,
        onLedger: 0,
        struck: 0,
      };
      c[field]++;
      counts.set(key, c);
    }
  };
  const children: string[][] = [];
  const suspected: string[][] = [];
  const dropouts: string[][] = [];
  await runLimited(townships, 4, async (t) => {
    await syncRelapses(deps, t.id);
    const [run, active, register, candidates, entries] = await Promise.all([
      deps.checks.lastRun(t.id),
      deps.registers.active(t.id),
      deps.registers.load(t.id),
      deps.checks.candidates(t.id),
      deps.checks.entries(t.id),
    ]);
    const schools = directory.schools.filter((s) => s.townshipId === t.id && s.active !== false);
    const rolls = run ? await runLimited(schools, 8, (s) => deps.rolls.load(s.id, run.term)) : [];
    const openCases = (await runLimited(schools, 8, (s) => deps.cases.listBySchool(s.id, 'open'))).flat();
    // A child on two townships' registers has one entry, owned by the township whose confirmation came first; the
    // other township's confirmed candidate points at it, so its ledger lists the child too (read by key, consistent),
    // unless the owner township is in the same export (a county-wide ledger counts the child once).
    const owned = new Set(entries.map((e) => e.id));
    const joinedIds = [
      ...new Set(candidates.filter((c) => c.status === 'confirmed' && !owned.has(c.personKey)).map((c) => c.personKey)),
    ];
    const joined = (await runLimited(joinedIds, 8, (id) => deps.checks.entry(id))).flatMap((e) =>
      e && !listed.has(e.townshipId) ? [{ ...e, townshipId: t.id }] : [],
    );
    entries.push(...joined);
    const entryOf = new Map(entries.map((e) => [e.id, e]));
    const candidateOf = new Map(candidates.map((c) => [`${c.kind}|${c.personKey}`, c]));
    const onRoll = new Map<string, { schoolId: string; grade: string; key: string }>();
    const byNameBirth = new Map<string, { schoolId: string; grade: string; key: string }>();
    schools.forEach((s, i) => {
      for (const pupil of rolls[i] ?? []) {
        const at = { schoolId: s.id, grade: pupil.grade, key: personKeyOf(pupil) };
        onRoll.set(at.key, at);
        if (!pupil.idHash) byNameBirth.set(`${pupil.name}|${pupil.birthDate}`, at);
      }
    });
    const openByKey = new Map(openCases.flatMap((c) => (c.pupilKey ? [[c.pupilKey, c] as const] : [])));
    const statusOf = (personKey: string, pupilKey?: string): string => {
      const e = entryOf.get(personKey);
      if (e?.status === 'on') return `辍学台账（${e.kind === 'never-enrolled' ? '从未入学' : '辍学'}）`;
      if (e?.status === 'struck' && e.strike) return `已销号：${strikeReasonLabel[e.strike.reason]}`;
      const c = candidateOf.get(`not-enrolled|${personKey}`) ?? candidateOf.get(`enrolled-absent|${personKey}`);
      if (c?.status === 'pending') return `疑似（${candidateKindLabel[c.kind]}，待核查）`;
      if (pupilKey && openByKey.has(pupilKey)) return '在办案件';
      if (c?.status === 'dismissed') return `已排除：${c.decision?.reason ?? ''}`;
      return '';
    };
    const fresh = run && active && run.registerImportId === active.importId;
    const term = run ? deps.terms.find((x) => x.name === run.term) : undefined;
    const year = term ? schoolYearOf(term.start) : undefined;
    const inRegister = new Set<string>();
    for (const child of register) {
      if (year !== undefined && !isSchoolAge(child.birthDate, year)) continue;
      const here = onRoll.get(child.childKey) ?? byNameBirth.get(`${child.name}|${child.birthDate}`);
      inRegister.add(here?.key ?? child.childKey);
      const row = {
        townshipId: t.id,
        name: child.name,
        flags: child.flags,
        ...(here ? { schoolId: here.schoolId } : {}),
      };
      if (!inScope(row) || !inGroup(child.flags)) continue;
      const status =
        statusOf(child.childKey) || (here ? '在校' : fresh ? '在县内其他乡镇学校就读' : '未比对（请运行 cross-check）');
      count(t.name, row, 'children');
      if (status === '在校') count(t.name, row, 'atSchool');
      children.push([
        t.name,
        child.village,
        name(row),
        child.gender,
        child.birthDate,
        idShown(child.idLast4),
        here ? '户籍+学籍' : '户籍',
        names.school(here?.schoolId),
        here?.grade ?? '',
        flags(row),
        status,
      ]);
    }
    schools.forEach((s, i) => {
      for (const pupil of rolls[i] ?? []) {
        const key = personKeyOf(pupil);
        if (inRegister.has(key)) continue;
        const row = { townshipId: t.id, schoolId: s.id, name: pupil.name, flags: pupil.flags };
        if (!inScope(row) || !inGroup(pupil.flags)) continue;
        const status = statusOf(key, pupil.pupilKey) || '在校';
        count(t.name, row, 'children');
        if (status === '在校') count(t.name, row, 'atSchool');
        children.push([
          t.name,
          '',
          name(row),
          pupil.gender,
          pupil.birthDate,
          idShown(pupil.idLast4),
          '学籍（户籍不在本乡镇）',
          s.name,
          pupil.grade,
          flags(row),
          status,
        ]);
      }
    });

    const pending = candidates.filter((c) => c.status === 'pending' && inScope(c));
    const covered = new Set(pending.flatMap((c) => (c.caseId ? [c.caseId] : [])));
    for (const c of pending.filter((x) => inGroup(x.flags))) {
      count(t.name, c, 'suspected');
      suspected.push([
        t.name,
        c.village ?? names.school(c.schoolId),
        name(c),
        c.gender ?? '',
        c.birthDate,
        idShown(c.idLast4),
        candidateKindLabel[c.kind],
        c.evidence,
        day(c.foundAt),
        candidateStatusLabel[c.status],
      ]);
    }
    for (const c of openCases) {
      if (covered.has(c.id) || closedStates.has(c.state)) continue;
      // A case carries its pupil's groups from the roll (older cases: 脱贫户 from povertyRegistered only).
      const row = {
        townshipId: t.id,
        schoolId: c.schoolId,
        name: c.studentName,
        flags: groupsOfCase(c) as string[],
      };
      if (!inScope(row) || !inGroup(row.flags)) continue;
      count(t.name, row, 'suspected');
      suspected.push([
        t.name,
        names.school(c.schoolId),
        name(row),
        '',
        '',
        '',
        '在办案件',
        caseKindLabel[c.kind],
        day(c.openedAt),
        '跟进中',
      ]);
    }

    for (const e of entries
      .filter((x) => inScope(x) && inGroup(x.flags))
      .sort((a, b) => a.enteredAt.localeCompare(b.enteredAt))) {
      count(t.name, e, e.status === 'on' ? 'onLedger' : 'struck');
      dropouts.push([
        t.name,
        names.school(e.schoolId),
        e.village ?? '',
        name(e),
        e.gender ?? '',
        e.birthDate,
        idShown(e.idLast4),
        e.kind === 'never-enrolled' ? '从未入学' : '辍学',
        day(e.enteredAt),
        e.status === 'on' ? '未销号' : '已销号',
        e.strike ? day(e.strike.at) : '',
        e.strike ? strikeReasonLabel[e.strike.reason] : '',
        e.strike?.evidence.join('、') ?? '',
        e.strike?.receivingSchool ?? '',
        String(e.relapses),
      ]);
    }
  });
  const numbered = (rows: string[][]) => rows.map((r, i) => [String(i + 1), ...r]);
  const ledgers: Ledger[] = [
    {
      title: '适龄儿童台账',
      columns: [
        '序号',
        '乡镇',
        '村（社区）',
        '姓名',
        '性别',
        '出生日期',
        '身份证号',
        '来源',
        '就读学校',
        '年级',
        '重点群体',
        '状态',
      ],
      rows: numbered(children),
    },
    {
      title: '疑似辍学台账',
      columns: [
        '序号',
        '乡镇',
        '村（社区）/学校',
        '姓名',
        '性别',
        '出生日期',
        '身份证号',
        '类别',
        '依据',
        '发现日期',
        '状态',
      ],
      rows: numbered(suspected),
    },
    {
      title: '辍学台账',
      columns: [
        '序号',
        '乡镇',
        '学校',
        '村（社区）',
        '姓名',
        '性别',
        '出生日期',
        '身份证号',
        '类型',
        '登记日期',
        '状态',
        '销号日期',
        '销号原因',
        '证明材料',
        '接收学校',
        '复发次数',
      ],
      rows: numbered(dropouts),
    },
  ];
  const order = new Map<string, number>(priorityFlags.map((f, i) => [f, i]));
  const groups = [...counts.values()].sort(
    (a, b) => a.township.localeCompare(b.township, 'zh') || (order.get(a.group) ?? 99) - (order.get(b.group) ?? 99),
  );
  return { ledgers, rows: ledgers.reduce((n, l) => n + l.rows.length, 0), groups };
}

/** Per township and priority group: the children of the 适龄儿童台账, those at school, suspected, on and off the 辍学台账. */
export interface GroupCount {
  township: string;
  group: string;
  children: number;
  atSchool: number;
  suspected: number;
  onLedger: number;
  struck: number;
}

/** The counts as a sheet of the ledgers' XLSX (重点群体统计). */
export function groupSheet(groups: readonly GroupCount[]): Ledger {
  return {
    title: '重点群体统计',
    columns: ['乡镇', '重点群体', '适龄儿童', '在校', '疑似辍学', '辍学台账（未销号）', '已销号'],
    rows: groups.map((g) => [
      g.township,
      g.group,
      String(g.children),
      String(g.atSchool),
      String(g.suspected),
      String(g.onLedger),
      String(g.struck),
    ]),
  };
}
