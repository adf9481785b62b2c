import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { readArrivals } from '../../local/commands/compare-rolls.ts';
import { type FakePupil, fakePupils, fakeRollHeader, fakeRollRow, writeFakeRollCsv } from '../../local/fake-roll.ts';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { DynamoCrossCheckRepository } from '../../shared/adapters/dynamo/cross-check-repository.ts';
import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoRegisterRepository } from '../../shared/adapters/dynamo/register-repository.ts';
import { DynamoRollRepository } from '../../shared/adapters/dynamo/roll-repository.ts';
import { FileIdHashKey } from '../../shared/adapters/secrets/id-hash-key.ts';
import { fileRollSource } from '../../shared/adapters/tabular/roll-file.ts';
import { ledgersToXlsx, readXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import { ledgerToCsv } from '../../shared/domain/export-ledgers.ts';
import { FAKE_ID_ANYWHERE } from '../../shared/domain/roll.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import {
  compareRolls,
  describeComparison,
  intakeMissing,
  onlyGroup,
  type RollComparison,
} from '../../shared/use-cases/compare-rolls.ts';
import { describeCrossCheck, runCrossCheck } from '../../shared/use-cases/cross-check.ts';
import { exportLedgersUseCase } from '../../shared/use-cases/export-ledgers.ts';
import { importRegister } from '../../shared/use-cases/import-register.ts';
import { importRoll } from '../../shared/use-cases/import-roll.ts';
import { intakeFromReportUseCase } from '../../shared/use-cases/intake-from-report.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordTransferUseCase } from '../../shared/use-cases/record-transfer.ts';
import { crossCheckSheets, rosterLedgers } from '../../shared/use-cases/roster-ledgers.ts';
import { caseTestbed, openCaseInput } from '../support/case-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'baoxue-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPRING = '2022-2023学年第二学期';
const AUTUMN = '2023-2024学年第一学期';

/**
 * Seeded data with known answers, school-demo:
 * - spring roll: P0–P24 三年级, P25–P26 九年级, P27–P29 四年级 (30 pupils);
 * - autumn roll: P0–P21, P27, P29 and two newcomers N0, N1 (P22–P24 gone, P25–P26 graduated, P28 transferred
 *   with a recorded case);
 * - the attendance upload lists everyone on the autumn roll but P5 and N1.
 * Expected 未按时返校: P22, P23, P24 (not on the roll), P5 and N1 (on the roll, did not arrive); excluded: P25, P26
 * (graduated), P28 (transferred); back 23 (24 of last term on both rolls, minus P5); newcomers 2.
 */
describe('对比上学期 on seeded rolls', () => {
  let b: Awaited<ReturnType<typeof caseTestbed>>;
  let spring: FakePupil[];
  let comparison: RollComparison;
  let transferredCaseId: string;
  const p = (i: number) => spring[i]!;

  beforeAll(async () => {
    b = await caseTestbed(cstInstant('2023-09-01', '10:00').toISOString());
    const school = ['school-demo'];
    spring = [
      ...fakePupils({ schoolIds: school, count: 25, seed: 11, year: 2022, grades: ['三年级'] }),
      ...fakePupils({ schoolIds: school, count: 2, seed: 12, year: 2022, grades: ['九年级'], offset: 25 }),
      ...fakePupils({ schoolIds: school, count: 3, seed: 13, year: 2022, grades: ['四年级'], offset: 27 }),
    ];
    for (const x of spring) x.flags = [];
    p(22).flags = ['脱贫户'];
    p(23).flags = ['留守'];
    p(5).flags = ['留守', '残疾'];
    const newcomers = fakePupils({
      schoolIds: school,
      count: 2,
      seed: 14,
      year: 2023,
      grades: ['一年级'],
      offset: 100,
    });
    const autumn = [...spring.slice(0, 22), p(27), p(29), ...newcomers];
    const deps = {
      repo: new DynamoRollRepository(b.doc, b.tableName),
      key: new FileIdHashKey(join(dir, 'key')),
      clock: b.clock,
      newId: b.deps.newId,
      schoolIds: new Set(school),
      terms: [SPRING, AUTUMN],
    };
    const write = async (name: string, list: FakePupil[]) => {
      const file = join(dir, name);
      await writeFakeRollCsv(file, [fakeRollHeader(false), ...list.map((x) => fakeRollRow(x, false))]);
      return fileRollSource(file);
    };
    await importRoll(deps, { schoolId: 'school-demo', term: SPRING, source: await write('spring.csv', spring) });
    await importRoll(deps, { schoolId: 'school-demo', term: AUTUMN, source: await write('autumn.csv', autumn) });

    const cases = caseDepsOf(b.deps);
    const moved = await openCaseUseCase(
      cases,
      openCaseInput({ studentName: p(28).name, studentRef: p(28).studentRef, grade: p(28).grade }),
    );
    transferredCaseId = moved.id;
    await recordTransferUseCase(cases, moved.id, {
      by: { name: '示例校长', personId: 'p-head' },
      destination: '外省某小学（示例）',
      effectiveOn: '2023-08-20',
      evidence: ['转学联系函（示例）'],
    });

    const attendance = join(dir, 'arrivals.csv');
    await writeFakeRollCsv(attendance, [
      ['学籍号', '姓名'],
      ...autumn.filter((x) => x !== p(5) && x !== newcomers[1]).map((x) => [x.studentRef, x.name]),
    ]);
    comparison = await compareRolls(
      { rolls: deps.repo, cases: cases.repo, terms: b.deps.config.calendar.terms },
      { schoolId: 'school-demo', from: SPRING, to: AUTUMN, arrivals: await readArrivals(attendance) },
    );
  });

  it('lists the known 未按时返校 pupils, with why, and the excluded ones with their record', () => {
    const refs = (list: { pupil: { studentRef: string } }[]) => list.map((m) => m.pupil.studentRef).sort();
    const newcomer = fakePupils({
      schoolIds: ['school-demo'],
      count: 2,
      seed: 14,
      year: 2023,
      grades: ['一年级'],
      offset: 100,
    })[1]!;

    expect(refs(comparison.missing)).toEqual([p(22), p(23), p(24), p(5), newcomer].map((x) => x.studentRef).sort());
    expect(
      comparison.missing
        .filter((m) => m.why === 'not-arrived')
        .map((m) => m.pupil.studentRef)
        .sort(),
    ).toEqual([p(5).studentRef, newcomer.studentRef].sort());
    expect(comparison.excluded.map((e) => [e.pupil.studentRef, e.why])).toEqual([
      [p(25).studentRef, 'graduated'],
      [p(26).studentRef, 'graduated'],
      [p(28).studentRef, 'transferred'],
    ]);
    expect(comparison.excluded[2]?.caseId).toBe(transferredCaseId);
    expect([comparison.back, comparison.newcomers, comparison.from.count, comparison.to.count]).toEqual([
      23, 2, 30, 26,
    ]);
  });

  it('shows names to the school and counts only to the township', () => {
    const school = describeComparison(comparison, 'full').join('\n');
    const township = describeComparison(comparison, 'counts').join('\n');

    expect(school).toContain(p(22).name);
    expect(school).toContain('未按时返校 5 人');
    expect(township).toContain('未按时返校 5 人');
    expect(township).toContain('不在本学期名册 3，在册未到校 2');
    for (const x of spring) expect(township).not.toContain(x.name);
  });

  it('splits the missing by priority group and filters by one; 脱贫户 only in the school view (R9)', () => {
    const school = describeComparison(comparison, 'full').join('\n');
    const township = describeComparison(comparison, 'counts').join('\n');

    expect(school).toContain('其中重点群体：脱贫户 1，留守 2，残疾 1');
    expect(township).toContain('其中重点群体：留守 2，残疾 1');
    expect(township).not.toContain('脱贫户');
    expect(onlyGroup(comparison, '留守').missing.map((m) => m.pupil.studentRef)).toEqual([
      p(23).studentRef,
      p(5).studentRef,
    ]);
  });

  it('opens one case per missing pupil through the report intake, and a second run opens none', async () => {
    const intake = (report: Parameters<typeof intakeFromReportUseCase>[1]) =>
      intakeFromReportUseCase(
        {
          cases: { repo: caseDepsOf(b.deps).repo, clock: b.clock, newId: b.deps.newId, log: b.log },
          followUp: followUpDepsOf(b.deps),
          directory: new DynamoDirectoryLookup(b.doc, b.tableName),
        },
        report,
      );
    const by = { personId: 'p-head', name: '对比上学期' };

    const first = await intakeMissing(intake, comparison, by, b.clock.now());
    const second = await intakeMissing(intake, comparison, by, b.clock.now());

    expect(first.openedCaseIds).toHaveLength(5);
    expect(second.openedCaseIds).toHaveLength(0);
    expect(second.unchangedCaseIds.length + second.fedCaseIds.length).toBe(5);
    const cases = (await b.doc.send(new ScanCommand({ TableName: b.tableName }))).Items?.filter(
      (i) => i.entity === 'CASE',
    );
    const refs = cases
      ?.map((c) => c.studentRef)
      .filter((r) => comparison.missing.some((m) => m.pupil.studentRef === r));
    expect(new Set(refs).size).toBe(5);
    expect(refs).toHaveLength(5);
  });

  it('no clear ID number anywhere: table items (cases, SMS outbox, audit, 户籍, 四查三比对), logs, CLI text and exports', async () => {
    const office: Principal = { personId: 'p-office', role: 'office' };
    // The township's 户籍 list (the spring pupils, hashed with the same key) and its cross-check against the rolls.
    const register = join(dir, 'register.csv');
    await writeFakeRollCsv(register, [
      ['村（社区）', '姓名', '性别', '出生日期', '身份证号'],
      ...spring.map((x) => ['示例村', x.name, x.gender, x.birthDate, x.idNumber]),
    ]);
    await importRegister(
      {
        repo: new DynamoRegisterRepository(b.doc, b.tableName),
        key: new FileIdHashKey(join(dir, 'key')),
        clock: b.clock,
        newId: b.deps.newId,
        townshipIds: new Set(['town-demo']),
        log: b.log,
      },
      { townshipId: 'town-demo', source: fileRollSource(register) },
    );
    const directory = await new DynamoDirectoryRepository(b.doc, b.tableName).load();
    const rosterDeps = {
      registers: new DynamoRegisterRepository(b.doc, b.tableName),
      rolls: new DynamoRollRepository(b.doc, b.tableName),
      cases: caseDepsOf(b.deps).repo,
      checks: new DynamoCrossCheckRepository(b.doc, b.tableName),
      clock: b.clock,
      log: b.log,
      terms: b.deps.config.calendar.terms,
    };
    const checked = await runCrossCheck(rosterDeps, { townshipId: 'town-demo', term: AUTUMN, directory });
    // Not on the autumn roll: P22–P24 (gone), P25 P26 (graduated, still of school age), P28 (transferred out).
    expect(checked.run.notEnrolled).toBe(6);
    const rosterSheets = [
      ...(await crossCheckSheets(rosterDeps, { principal: office, directory }, 'town-demo')),
      ...(await rosterLedgers(rosterDeps, { principal: office, directory }, {})).ledgers,
    ];
    const exported = await exportLedgersUseCase(
      {
        cases: caseDepsOf(b.deps).repo,
        audit: new DynamoAuditLog(b.doc, b.tableName),
        clock: b.clock,
        newId: b.deps.newId,
      },
      { principal: office, directory: await new DynamoDirectoryRepository(b.doc, b.tableName).load(), ledger: 'all' },
    );
    const xlsx = await readXlsx(await ledgersToXlsx(exported.ledgers));
    const items = (await b.doc.send(new ScanCommand({ TableName: b.tableName }))).Items ?? [];
    const texts = {
      items: JSON.stringify(items),
      logs: JSON.stringify(b.log.lines),
      cli: [...describeComparison(comparison, 'full'), ...describeCrossCheck(checked, office)].join('\n'),
      csv: [...exported.ledgers, ...rosterSheets].map(ledgerToCsv).join('\n'),
      xlsx: JSON.stringify([xlsx, await readXlsx(await ledgersToXlsx(rosterSheets))]),
    };

    expect(exported.rows).toBeGreaterThanOrEqual(5);
    expect(items.some((i) => i.entity === 'ROLL_PUPIL' && i.idHash && i.idLast4)).toBe(true);
    expect(items.filter((i) => i.entity === 'REG_CHILD' && i.idHash && i.idLast4)).toHaveLength(30);
    expect(items.filter((i) => i.entity === 'XCHK_CANDIDATE').length).toBeGreaterThanOrEqual(6);
    for (const [where, text] of Object.entries(texts)) {
      expect({ where, clear: FAKE_ID_ANYWHERE.exec(text)?.[0] }).toEqual({ where, clear: undefined });
      for (const x of spring) expect(text.includes(x.idNumber), where).toBe(false);
    }
  });
});
