import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { type FakePupil, fakePupils, fakeRollHeader, fakeRollRow, writeFakeRollCsv } from '../../local/fake-roll.ts';
import { DynamoCrossCheckRepository } from '../../shared/adapters/dynamo/cross-check-repository.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoRegisterRepository } from '../../shared/adapters/dynamo/register-repository.ts';
import { DynamoRollRepository } from '../../shared/adapters/dynamo/roll-repository.ts';
import { FileIdHashKey } from '../../shared/adapters/secrets/id-hash-key.ts';
import { fileRollSource } from '../../shared/adapters/tabular/roll-file.ts';
import { ledgersToXlsx, readXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import { type Candidate, strikeInputSchema } from '../../shared/domain/cross-check.ts';
import { ForbiddenError, RegisterRejectedError, StateConflictError } from '../../shared/domain/errors.ts';
import { ledgerToCsv } from '../../shared/domain/export-ledgers.ts';
import type { DirectoryEntity, DirectorySnapshot } from '../../shared/domain/ports.ts';
import { FAKE_ID_ANYWHERE } from '../../shared/domain/roll.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import {
  type CrossCheckDeps,
  type CrossCheckResult,
  decideCandidate,
  describeCrossCheck,
  runCrossCheck,
  strikeOff,
} from '../../shared/use-cases/cross-check.ts';
import { importRegister } from '../../shared/use-cases/import-register.ts';
import { importRoll } from '../../shared/use-cases/import-roll.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordReturnUseCase } from '../../shared/use-cases/record-return.ts';
import { crossCheckSheets, groupSheet, rosterLedgers } from '../../shared/use-cases/roster-ledgers.ts';
import { caseTestbed, openCaseInput } from '../support/case-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'baoxue-xchk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TERM = '2023-2024学年第一学期';
const HEADER = [
  '村（社区）',
  '姓名',
  '性别',
  '出生日期',
  '身份证号',
  '监护人',
  '联系电话',
  '户籍地址',
  '脱贫户',
  '残疾',
];
const registerRow = (p: FakePupil, village = '示例村', poverty = false) => [
  village,
  p.name,
  p.gender,
  p.birthDate,
  p.idNumber,
  p.guardian,
  p.guardianPhone,
  p.address,
  poverty ? '是' : '否',
  '否',
];

/** A second township (town-b, its school school-b) beside the test directory's town-demo / school-demo. */
const extra: DirectoryEntity[] = [
  {
    kind: 'township',
    value: { id: 'town-b', name: '示例乙镇', areaId: 'area-demo', contactIds: ['p-contact-b'], active: true },
  },
  {
    kind: 'school',
    value: {
      id: 'school-b',
      name: '示例乙镇小学',
      townshipId: 'town-b',
      headId: 'p-head-b',
      phone: '+867737200001',
      active: true,
    },
  },
  {
    kind: 'person',
    value: {
      id: 'p-contact-b',
      name: '示例乙专员',
      phone: '+8613800000206',
      roles: ['township-contact'],
      active: true,
    },
  },
  {
    kind: 'person',
    value: {
      id: 'p-head-b',
      name: '示例乙校长',
      phone: '+8613800000207',
      roles: ['school-head'],
      schoolId: 'school-b',
      active: true,
    },
  },
];

const office: Principal = { personId: 'p-office', name: '示例办公室', role: 'office' };
const contact: Principal = {
  personId: 'p-contact',
  name: '示例专员',
  role: 'township-contact',
  townshipId: 'town-demo',
  areaId: 'area-demo',
};
const head: Principal = { personId: 'p-head', name: '示例校长', role: 'school-head', schoolId: 'school-demo' };
const headB: Principal = { personId: 'p-head-b', name: '示例乙校长', role: 'school-head', schoolId: 'school-b' };

/**
 * Seeded data with known answers, township town-demo, autumn term 2023 (school age: born 2007-09-01 … 2017-08-31):
 * - register (13 children): R0–R5 on school-demo's roll (ID numbers), R6 R7 on school-b's roll (another township),
 *   R8 R9 R10 on no roll (R9 R10 脱贫户), R11 born 2005 (out of age), R12 on school-demo's roll without an ID number
 *   (matched by name + birth date);
 * - school-demo's roll also holds S0 S1 (not in the register: 随迁); open cases for R0 and S0.
 * Expected: school age 12, out of age 1, enrolled here 7 (R0–R5, R12), elsewhere 2, 适龄未入学 R8 R9 R10, 在籍不在校
 * R0 S0, 脱贫户未在册 R9 R10.
 */
describe('四查三比对 of one township on seeded data', () => {
  let b: Awaited<ReturnType<typeof caseTestbed>>;
  let deps: CrossCheckDeps;
  let directory: DirectorySnapshot;
  let R: FakePupil[];
  let S: FakePupil[];
  let result: CrossCheckResult;
  let registerFile: string;
  const checks = () => deps.checks;
  const scan = async () =>
    ((await b.doc.send(new ScanCommand({ TableName: b.tableName }))).Items ?? []).map((i) => JSON.stringify(i)).sort();
  const registerDeps = () => ({
    repo: new DynamoRegisterRepository(b.doc, b.tableName),
    key: new FileIdHashKey(join(dir, 'key')),
    clock: b.clock,
    newId: b.deps.newId,
    townshipIds: new Set(['town-demo', 'town-b']),
  });
  const csv = async (name: string, rows: string[][]) => {
    const file = join(dir, name);
    await writeFakeRollCsv(file, rows);
    return file;
  };
  const candidateOf = (list: Candidate[], p: FakePupil) =>
    list.find((c) => c.name === p.name && c.birthDate === p.birthDate);

  beforeAll(async () => {
    b = await caseTestbed(cstInstant('2023-09-20', '10:00').toISOString());
    const dirRepo = new DynamoDirectoryRepository(b.doc, b.tableName);
    await dirRepo.save(extra, { officeIds: ['p-office'], chiefId: 'p-leader' });
    directory = await dirRepo.load();
    R = [
      ...fakePupils({ schoolIds: ['school-demo'], count: 11, seed: 31, year: 2023, grades: ['三年级', '五年级'] }),
      ...fakePupils({ schoolIds: ['school-demo'], count: 1, seed: 32, year: 2011, grades: ['一年级'], offset: 11 }),
      ...fakePupils({ schoolIds: ['school-demo'], count: 1, seed: 33, year: 2023, grades: ['四年级'], offset: 12 }),
    ];
    S = fakePupils({ schoolIds: ['school-demo'], count: 2, seed: 34, year: 2023, grades: ['二年级'], offset: 50 });
    const rolls = {
      repo: new DynamoRollRepository(b.doc, b.tableName),
      key: new FileIdHashKey(join(dir, 'key')),
      clock: b.clock,
      newId: b.deps.newId,
      schoolIds: new Set(['school-demo', 'school-b']),
      terms: [TERM],
    };
    const noId = (p: FakePupil) => fakeRollRow(p, true).map((v, i) => (i === 7 ? '' : v));
    await importRoll(rolls, {
      schoolId: '*',
      term: TERM,
      source: fileRollSource(
        await csv('county.csv', [
          fakeRollHeader(true),
          ...R.slice(0, 6).map((p) => fakeRollRow(p, true)),
          ...R.slice(6, 8).map((p) => fakeRollRow({ ...p, schoolId: 'school-b' }, true)),
          noId(R[12]!),
          ...S.map((p) => fakeRollRow(p, true)),
        ]),
      ),
    });
    const cases = caseDepsOf(b.deps);
    for (const p of [R[0]!, S[0]!])
      await openCaseUseCase(cases, openCaseInput({ studentName: p.name, studentRef: p.studentRef, grade: p.grade }));
    registerFile = await csv('register.csv', [
      HEADER,
      ...R.map((p, i) => registerRow(p, i % 2 ? '示例村' : '示例二村', i === 9 || i === 10)),
    ]);
    deps = {
      registers: new DynamoRegisterRepository(b.doc, b.tableName),
      rolls: rolls.repo,
      cases: cases.repo,
      checks: new DynamoCrossCheckRepository(b.doc, b.tableName),
      clock: b.clock,
      log: b.log,
      terms: b.deps.config.calendar.terms,
    };
  });

  it('refuses a register with bad rows, naming row and column, and leaves the table unchanged', async () => {
    const before = await scan();
    const rows = [HEADER, ...R.slice(0, 6).map((p) => registerRow(p))];
    rows[2]![2] = 'M';
    rows[4]![4] = `${R[3]!.idNumber.slice(0, 17)}${R[3]!.idNumber.endsWith('0') ? '1' : '0'}`;
    rows[6]![4] = R[0]!.idNumber;
    rows[6]![3] = R[0]!.birthDate;
    rows[5]![0] = '';
    const refused = importRegister(registerDeps(), {
      townshipId: 'town-demo',
      source: fileRollSource(await csv('bad.csv', rows)),
    });
    await expect(refused).rejects.toBeInstanceOf(RegisterRejectedError);
    const message = await refused.catch((e: Error) => e.message);
    expect(message).toContain('户籍名单有 4 处错误，未导入任何内容（数据库未改动）');
    expect(message).toContain('工作表「bad」第 3 行 C 列（性别）：“M”无效：应为 男 或 女');
    expect(message).toContain('工作表「bad」第 5 行 E 列（身份证号）：身份证号校验位不对（请核对是否抄错）');
    expect(message).toContain('工作表「bad」第 6 行 A 列（村（社区））：村（社区）不能为空');
    expect(message).toContain('工作表「bad」第 7 行：身份证号与第 2 行重复');
    expect(message).not.toMatch(FAKE_ID_ANYWHERE);
    const noColumn = importRegister(registerDeps(), {
      townshipId: 'town-demo',
      source: fileRollSource(await csv('nocol.csv', [HEADER.filter((h) => h !== '身份证号'), ['示例村', '某', '男']])),
    });
    await expect(noColumn).rejects.toThrow('工作表「nocol」第 1 行：缺少必填列“身份证号”');
    expect(await scan()).toEqual(before);
  });

  it('imports the register (dry run first) and finds the known answers', async () => {
    const dry = await importRegister(registerDeps(), {
      townshipId: 'town-demo',
      source: fileRollSource(registerFile),
      dryRun: true,
    });
    expect(dry).toMatchObject({ written: false, rows: 13, added: 13 });
    const done = await importRegister(registerDeps(), {
      townshipId: 'town-demo',
      source: fileRollSource(registerFile),
    });
    expect(done).toMatchObject({ written: true, rows: 13 });

    result = await runCrossCheck(deps, { townshipId: 'town-demo', term: TERM, directory });
    const names = (list: Candidate[]) => list.map((c) => c.name).sort();
    expect(result.run).toMatchObject({
      registerCount: 13,
      schoolAge: 12,
      outOfAge: 1,
      enrolledHere: 7,
      enrolledElsewhere: 2,
      notEnrolled: 3,
      enrolledAbsent: 2,
      povertyNotEnrolled: 2,
      rollsRead: 1,
    });
    expect(names(result.notEnrolled)).toEqual([R[8]!, R[9]!, R[10]!].map((p) => p.name).sort());
    expect(names(result.enrolledAbsent)).toEqual([R[0]!, S[0]!].map((p) => p.name).sort());
    expect(names(result.povertyNotEnrolled)).toEqual([R[9]!, R[10]!].map((p) => p.name).sort());
    expect(result.enrolledAbsent.every((c) => c.caseId && c.schoolId === 'school-demo')).toBe(true);
    expect(candidateOf(result.notEnrolled, R[8]!)).toMatchObject({
      village: '示例二村',
      idLast4: R[8]!.idNumber.slice(-4),
    });
  });

  it('scopes the results: the township sees its unenrolled children by name, school pupils masked, no 脱贫户 sheet', async () => {
    const sheets = await crossCheckSheets(deps, { principal: contact, directory }, 'town-demo');
    expect(sheets.map((s) => s.title)).toEqual(['比对汇总', '适龄未入学', '在籍不在校']);
    const text = JSON.stringify(sheets);
    expect(text).toContain(R[8]!.name);
    expect(text).not.toContain(S[0]!.name);
    expect(text).not.toContain('脱贫户');
    const own = await crossCheckSheets(deps, { principal: head, directory }, 'town-demo');
    expect(own[1]!.rows).toHaveLength(0);
    expect(own[2]!.rows.map((r) => r[4]).sort()).toEqual([R[0]!.name, S[0]!.name].sort());
    const all = await crossCheckSheets(deps, { principal: office, directory }, 'town-demo');
    expect(all.map((s) => [s.title, s.rows.length])).toEqual([
      ['比对汇总', 10],
      ['适龄未入学', 3],
      ['在籍不在校', 2],
      ['脱贫户子女未在册', 2],
    ]);
    await expect(crossCheckSheets(deps, { principal: headB, directory }, 'town-demo')).resolves.toHaveLength(3);
  });

  it('decisions: dismissed with a reason, confirmed onto the 辍学台账; a school decides only its own pupils', async () => {
    const r8 = candidateOf(result.notEnrolled, R[8]!)!;
    const r9 = candidateOf(result.notEnrolled, R[9]!)!;
    const s0 = candidateOf(result.enrolledAbsent, S[0]!)!;
    await expect(
      decideCandidate(
        deps,
        { principal: head, directory },
        {
          townshipId: 'town-demo',
          candidateId: r8.id,
          decision: { decision: 'dismiss', reason: '在外省就读' },
        },
      ),
    ).rejects.toThrow('只有该乡镇的包乡镇人员');
    const dismissed = await decideCandidate(
      deps,
      { principal: contact, directory },
      {
        townshipId: 'town-demo',
        candidateId: r8.id,
        decision: { decision: 'dismiss', reason: '随父母在广东就读（已核实就读证明）' },
      },
    );
    expect(dismissed.candidate.status).toBe('dismissed');
    const confirmed = await decideCandidate(
      deps,
      { principal: contact, directory },
      {
        townshipId: 'town-demo',
        candidateId: r9.id,
        decision: { decision: 'confirm', reason: '入户核实：从未入学' },
      },
    );
    expect(confirmed.entry).toMatchObject({ kind: 'never-enrolled', status: 'on', sources: [r9.id] });
    const own = await decideCandidate(
      deps,
      { principal: head, directory },
      {
        townshipId: 'town-demo',
        candidateId: s0.id,
        decision: { decision: 'confirm', reason: '劝返无效，确认辍学' },
      },
    );
    expect(own.entry).toMatchObject({ kind: 'dropped-out', schoolId: 'school-demo', pupilKey: s0.pupilKey });
    await expect(
      decideCandidate(
        deps,
        { principal: contact, directory },
        {
          townshipId: 'town-demo',
          candidateId: r9.id,
          decision: { decision: 'dismiss', reason: '重复' },
        },
      ),
    ).rejects.toBeInstanceOf(StateConflictError);

    // A second run keeps every decision; the counts are the same.
    const again = await runCrossCheck(deps, { townshipId: 'town-demo', term: TERM, directory });
    expect(candidateOf(again.notEnrolled, R[8]!)).toMatchObject({ status: 'dismissed' });
    expect(candidateOf(again.notEnrolled, R[9]!)).toMatchObject({ status: 'confirmed' });
    expect(candidateOf(again.notEnrolled, R[10]!)).toMatchObject({ status: 'pending' });
    // Found as it was: not written again (a decision being taken on it meanwhile is not disturbed).
    expect(candidateOf(again.notEnrolled, R[10]!)?.version).toBe(candidateOf(result.notEnrolled, R[10]!)?.version);
    expect(again.run.notEnrolled).toBe(3);
  });

  it('ten confirmations at once of one candidate: one succeeds, one ledger entry; two townships finding one child make one entry', async () => {
    const r10 = candidateOf(await checks().candidates('town-demo'), R[10]!)!;
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        decideCandidate(
          deps,
          { principal: i % 2 ? office : contact, directory },
          {
            townshipId: 'town-demo',
            candidateId: r10.id,
            decision: { decision: 'confirm', reason: `核实 ${i}` },
          },
        ),
      ),
    );
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    for (const s of settled.filter((x) => x.status === 'rejected'))
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(StateConflictError);
    const entries = (await scan()).filter((i) => i.includes('"entity":"DROPOUT_ENTRY"') && i.includes(r10.personKey));
    expect(entries).toHaveLength(1);

    // The same child (D) on both townships' registers and on no roll: each township's list finds it.
    const [D] = fakePupils({
      schoolIds: ['school-demo'],
      count: 1,
      seed: 35,
      year: 2023,
      grades: ['二年级'],
      offset: 60,
    });
    await importRegister(registerDeps(), {
      townshipId: 'town-b',
      source: fileRollSource(await csv('register-b.csv', [HEADER, registerRow(D!, '乙村')])),
    });
    await importRegister(registerDeps(), {
      townshipId: 'town-demo',
      source: fileRollSource(
        await csv('register2.csv', [
          HEADER,
          ...R.map((p, i) => registerRow(p, i % 2 ? '示例村' : '示例二村', i === 9 || i === 10)),
          registerRow(D!),
        ]),
      ),
    });
    const inA = await runCrossCheck(deps, { townshipId: 'town-demo', term: TERM, directory });
    const inB = await runCrossCheck(deps, { townshipId: 'town-b', term: TERM, directory });
    const a = candidateOf(inA.notEnrolled, D!)!;
    const bCand = candidateOf(inB.notEnrolled, D!)!;
    expect(a.personKey).toBe(bCand.personKey);
    const both = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        decideCandidate(
          deps,
          { principal: office, directory },
          {
            townshipId: i % 2 ? 'town-b' : 'town-demo',
            candidateId: i % 2 ? bCand.id : a.id,
            decision: { decision: 'confirm', reason: '入户核实' },
          },
        ),
      ),
    );
    expect(both.filter((s) => s.status === 'fulfilled')).toHaveLength(2);
    const entry = await checks().entry(a.personKey);
    expect(entry?.sources.sort()).toEqual([a.id, bCand.id].sort());
    expect(entry?.events.map((e) => e.action).sort()).toEqual(['entered', 'joined']);
    expect(
      (await scan()).filter((i) => i.includes('"entity":"DROPOUT_ENTRY"') && i.includes(a.personKey)),
    ).toHaveLength(1);
  });

  it('销号 needs a reason and evidence (a transfer its receiving school); a new case for the pupil puts them back', async () => {
    expect(strikeInputSchema.safeParse({ reason: 'returned', evidence: [] }).success).toBe(false);
    const transfer = strikeInputSchema.safeParse({ reason: 'transferred', evidence: ['转学联系函'] });
    expect(transfer.success).toBe(false);
    expect(transfer.error?.issues[0]).toMatchObject({ path: ['receivingSchool'], message: '转学销号须写明接收学校' });

    const s0 = candidateOf(await checks().candidates('town-demo'), S[0]!)!;
    const cases = caseDepsOf(b.deps);
    b.clock.advance(86_400_000);
    await recordReturnUseCase(cases, s0.caseId!, {
      by: { name: '示例校长', personId: 'p-head' },
      returnedOn: '2023-09-21',
    });
    const struck = await strikeOff(
      deps,
      { principal: head, directory },
      {
        entryId: s0.personKey,
        strike: strikeInputSchema.parse({ reason: 'returned', evidence: ['复学登记表（示例）'], note: '9月21日到校' }),
      },
    );
    expect(struck).toMatchObject({
      status: 'struck',
      strike: { reason: 'returned', evidence: ['复学登记表（示例）'] },
    });
    await expect(
      strikeOff(
        deps,
        { principal: head, directory },
        {
          entryId: s0.personKey,
          strike: strikeInputSchema.parse({ reason: 'returned', evidence: ['x'] }),
        },
      ),
    ).rejects.toBeInstanceOf(StateConflictError);
    let ledgers = await rosterLedgers(deps, { principal: office, directory }, { townshipId: 'town-demo' });
    const dropout = (name: string) => ledgers.ledgers[2]!.rows.find((r) => r[4] === name);
    expect(dropout(S[0]!.name)?.slice(10, 15)).toEqual([
      '已销号',
      '2023-09-21',
      '已复学/入学',
      '复学登记表（示例）',
      '',
    ]);

    // Relapse: a new case for the same pupil after the 销号.
    b.clock.advance(7 * 86_400_000);
    await openCaseUseCase(
      cases,
      openCaseInput({ studentName: S[0]!.name, studentRef: S[0]!.studentRef, grade: S[0]!.grade }),
    );
    ledgers = await rosterLedgers(deps, { principal: office, directory }, { townshipId: 'town-demo' });
    expect(dropout(S[0]!.name)?.[10]).toBe('未销号');
    expect(dropout(S[0]!.name)?.[15]).toBe('1');
    const back = await checks().entry(s0.personKey);
    expect(back?.events.map((e) => e.action)).toEqual(['entered', 'struck', 'relapsed']);
    // Reading again does not count the relapse twice.
    await rosterLedgers(deps, { principal: office, directory }, { townshipId: 'town-demo' });
    expect((await checks().entry(s0.personKey))?.relapses).toBe(1);
  });

  it('the three ledgers: 适龄儿童 (register + rolls), 疑似辍学 (pending + open cases), 辍学 (confirmed)', async () => {
    const { ledgers } = await rosterLedgers(deps, { principal: office, directory }, { townshipId: 'town-demo' });
    expect(ledgers.map((l) => l.title)).toEqual(['适龄儿童台账', '疑似辍学台账', '辍学台账']);
    const [children, suspected, dropouts] = ledgers;
    // 12 + D school-age register children, S0 S1 from the roll only.
    expect(children!.rows).toHaveLength(15);
    const status = (name: string) => children!.rows.find((r) => r[3] === name)?.[11];
    expect(status(R[1]!.name)).toBe('在校');
    expect(status(R[6]!.name)).toBe('在县内其他乡镇学校就读');
    expect(status(R[9]!.name)).toBe('辍学台账（从未入学）');
    expect(status(R[8]!.name)).toMatch(/^已排除：随父母在广东就读/);
    // Pending: R0 (open case, a candidate), and no other; S0's new case is an open case not yet a candidate.
    expect(suspected!.rows.map((r) => [r[3], r[7]]).sort()).toEqual(
      [
        [R[0]!.name, '在籍不在校'],
        [S[0]!.name, '在办案件'],
      ].sort(),
    );
    expect(dropouts!.rows.map((r) => r[4]).sort()).toEqual([R[9]!.name, R[10]!.name, S[0]!.name, fakeD().name].sort());
    // D, on both townships' registers, has one entry (owned by whichever confirmation came first): each township's
    // ledger lists it, the county-wide one once.
    const dropoutNames = async (input: { townshipId?: string }) =>
      (await rosterLedgers(deps, { principal: office, directory }, input)).ledgers[2]!.rows.map((r) => r[4]);
    expect(await dropoutNames({ townshipId: 'town-b' })).toEqual([fakeD().name]);
    expect((await dropoutNames({})).filter((n) => n === fakeD().name)).toHaveLength(1);
    const xlsx = await readXlsx(await ledgersToXlsx(ledgers));
    expect(xlsx.map((s) => [s.title, s.rows.length])).toEqual([
      ['适龄儿童台账', 16],
      ['疑似辍学台账', 3],
      ['辍学台账', 5],
    ]);
    const asContact = await rosterLedgers(deps, { principal: contact, directory }, { townshipId: 'town-demo' });
    const contactText = JSON.stringify(asContact.ledgers);
    expect(contactText).toContain(R[9]!.name);
    expect(contactText).not.toContain(S[0]!.name);
    expect(contactText).not.toContain('脱贫户');
  });

  it('priority groups filter the ledgers and split their counts; 脱贫户 only for the office and the own school (R9)', async () => {
    const all = await rosterLedgers(deps, { principal: office, directory }, { townshipId: 'town-demo' });
    const poverty = await rosterLedgers(
      deps,
      { principal: office, directory },
      { townshipId: 'town-demo', group: '脱贫户' },
    );
    const [kids, , out] = poverty.ledgers;
    // Exactly the children whose 重点群体 column names the group, and the known answers: R9, R10 (脱贫户), not D.
    const withFlag = (rows: string[][], g: string) => rows.filter((r) => r[10]!.split('、').includes(g));
    expect(kids!.rows.map((r) => r[3]).sort()).toEqual(
      withFlag(all.ledgers[0]!.rows, '脱贫户')
        .map((r) => r[3])
        .sort(),
    );
    expect(kids!.rows.map((r) => r[3])).toEqual(expect.arrayContaining([R[9]!.name, R[10]!.name]));
    expect(out!.rows.map((r) => r[4])).toEqual(expect.arrayContaining([R[9]!.name, R[10]!.name]));
    expect(out!.rows.map((r) => r[4])).not.toContain(fakeD().name);
    // The counts agree with the rows, group by group.
    const g = poverty.groups.find((x) => x.group === '脱贫户')!;
    expect(poverty.groups.map((x) => x.group)).toEqual(['脱贫户']);
    expect([g.children, g.onLedger + g.struck]).toEqual([kids!.rows.length, out!.rows.length]);
    expect(g.atSchool).toBe(kids!.rows.filter((r) => r[11] === '在校').length);
    for (const c of all.groups) {
      const one = await rosterLedgers(
        deps,
        { principal: office, directory },
        { townshipId: 'town-demo', group: c.group as '残疾' },
      );
      expect([one.ledgers[0]!.rows.length, one.ledgers[1]!.rows.length, one.ledgers[2]!.rows.length]).toEqual([
        c.children,
        c.suspected,
        c.onLedger + c.struck,
      ]);
    }
    // R9: the township contact neither filters by 脱贫户 nor sees it counted.
    await expect(
      rosterLedgers(deps, { principal: contact, directory }, { townshipId: 'town-demo', group: '脱贫户' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const asContact = await rosterLedgers(deps, { principal: contact, directory }, { townshipId: 'town-demo' });
    expect(asContact.groups.some((x) => x.group === '脱贫户')).toBe(false);
    expect(groupSheet(all.groups).rows.length).toBe(all.groups.length);
  });

  it('no clear ID number in any item, log line, CLI text or export (CSV, XLSX)', async () => {
    const items = (await b.doc.send(new ScanCommand({ TableName: b.tableName }))).Items ?? [];
    const ledgers = (await rosterLedgers(deps, { principal: office, directory }, {})).ledgers;
    const sheets = await crossCheckSheets(deps, { principal: office, directory }, 'town-demo');
    const texts = {
      items: JSON.stringify(items),
      logs: JSON.stringify(b.log.lines),
      cli: describeCrossCheck(result, office).join('\n'),
      csv: [...ledgers, ...sheets].map(ledgerToCsv).join('\n'),
      xlsx: JSON.stringify(await readXlsx(await ledgersToXlsx([...ledgers, ...sheets]))),
    };
    expect(items.some((i) => i.entity === 'REG_CHILD' && i.idHash && i.idLast4)).toBe(true);
    expect(items.filter((i) => i.entity === 'DROPOUT_ENTRY').length).toBe(4);
    for (const [where, text] of Object.entries(texts)) {
      expect({ where, clear: FAKE_ID_ANYWHERE.exec(text)?.[0] }).toEqual({ where, clear: undefined });
      for (const p of [...R, ...S]) expect(text.includes(p.idNumber), where).toBe(false);
    }
  });
});

const fakeD = () =>
  fakePupils({ schoolIds: ['school-demo'], count: 1, seed: 35, year: 2023, grades: ['二年级'], offset: 60 })[0]!;
