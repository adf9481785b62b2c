import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, loadDirectorySource } from '../../local/commands/import-directory.ts';
import { fakePupils, fakeRollHeader, fakeRollRow, writeFakeRollCsv } from '../../local/fake-roll.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { readXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import { FAKE_ID_ANYWHERE } from '../../shared/domain/roll.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { importDirectory } from '../../shared/use-cases/import-directory.ts';
import { runCliInProcess } from '../support/cli.ts';
import { freshTable } from '../support/dynamo.ts';

const dir = mkdtempSync(join(tmpdir(), 'baoxue-xchk-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TERM = '2023-2024学年第一学期';

describe('import-register, cross-check, decide-candidate, roster-ledgers and strike-off commands', () => {
  it('refuses a bad register by cell, imports, cross-checks a township, confirms, exports the ledgers, strikes off', async () => {
    const { doc, tableName, endpoint } = await freshTable('xchkcli');
    const { source } = await loadDirectorySource(defaultDataDir);
    await importDirectory(
      { repo: new DynamoDirectoryRepository(doc, tableName), clock: fixedClock('2023-02-01T02:00:00Z') },
      { source, acceptMismatches: true },
    );
    const target = ['--endpoint', endpoint, '--table', tableName, '--real-clock'];
    const key = ['--key-file', join(dir, 'roll-id.key')];
    const kids = fakePupils({ schoolIds: ['dumo-zhongxin'], count: 6, seed: 41, year: 2023, grades: ['二年级'] });
    const roll = join(dir, 'roll.csv');
    await writeFakeRollCsv(roll, [fakeRollHeader(false), ...kids.slice(0, 4).map((p) => fakeRollRow(p, false))]);
    expect(
      (await runCliInProcess(['import-roll', 'dumo-zhongxin', roll, '--term', TERM, ...key, ...target])).exitCode,
    ).toBe(0);

    const header = ['村（社区）', '姓名', '性别', '出生日期', '身份证号', '脱贫户'];
    const rows = kids.map((p, i) => ['示例村', p.name, p.gender, p.birthDate, p.idNumber, i === 5 ? '是' : '否']);
    const bad = join(dir, '户籍.csv');
    await writeFakeRollCsv(bad, [
      header,
      ...rows.map((r, i) => (i === 1 ? [...r.slice(0, 3), '2016-02-30', ...r.slice(4)] : r)),
    ]);
    const before = (await doc.send(new ScanCommand({ TableName: tableName }))).Count;
    const refused = await runCliInProcess(['import-register', 'dumo', bad, ...key, ...target]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(
      '工作表「户籍」第 3 行 D 列（出生日期）：“2016-02-30”不是有效日期（应为 YYYY-MM-DD）',
    );
    expect((await doc.send(new ScanCommand({ TableName: tableName }))).Count).toBe(before);

    const good = join(dir, 'register.csv');
    await writeFakeRollCsv(good, [header, ...rows]);
    const dry = await runCliInProcess(['import-register', 'dumo', good, '--dry-run', ...key, ...target]);
    expect(dry.stdout).toContain('【试运行】乡镇 dumo 户籍名单共 6 人');
    expect((await runCliInProcess(['import-register', 'dumo', good, ...key, ...target])).stdout).toContain(
      '导入完成：6 人',
    );

    const xlsx = join(dir, 'xchk.xlsx');
    const run = await runCliInProcess(['cross-check', 'dumo', '--term', TERM, '--xlsx', xlsx, ...target]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('适龄未入学 2 人，在籍不在校 0 人，脱贫户子女未在册 1 人');
    expect(run.stdout).toContain(kids[5]!.name);
    const sheets = await readXlsx(await import('node:fs/promises').then((fs) => fs.readFile(xlsx)));
    expect(sheets.map((s) => [s.title, s.rows.length])).toEqual([
      ['比对汇总', 11],
      ['适龄未入学', 3],
      ['在籍不在校', 1],
      ['脱贫户子女未在册', 2],
    ]);
    const id = /(xc-[0-9a-f]+)\s+\S+\s+\S+\s+\*{4}\d{3}[\dX]\s+示例村/.exec(
      run.stdout.split('\n').find((l) => l.includes(kids[5]!.name)) ?? '',
    )?.[1];
    expect(id).toBeDefined();

    const asTown = await runCliInProcess(['cross-check', 'dumo', '--term', TERM, '--as', 'wei-weiji', ...target]);
    expect(asTown.stdout).not.toContain('脱贫户');
    const confirmed = await runCliInProcess([
      'decide-candidate',
      'dumo',
      id!,
      '--confirm',
      '--reason',
      '入户核实：从未入学',
      '--as',
      'wei-weiji',
      ...target,
    ]);
    expect(confirmed.exitCode, confirmed.stderr).toBe(0);
    const entryId = /台账编号 (id-[0-9a-f]+)/.exec(confirmed.stdout)?.[1];
    expect(entryId).toBeDefined();
    const notAllowed = await runCliInProcess([
      'decide-candidate',
      'dumo',
      id!,
      '--dismiss',
      '--reason',
      '重复',
      '--as',
      'head-dumo-zhongxin',
      ...target,
    ]);
    expect(notAllowed.stderr).toContain('只有该乡镇的包乡镇人员');

    const ledgerFile = join(dir, 'ledgers.xlsx');
    const ledgers = await runCliInProcess(['roster-ledgers', '--township', 'dumo', '--xlsx', ledgerFile, ...target]);
    expect(ledgers.stdout).toContain('适龄儿童台账 6 行，疑似辍学台账 1 行，辍学台账 1 行');
    expect(existsSync(ledgerFile)).toBe(true);
    const byGroup = await runCliInProcess([
      'roster-ledgers',
      '--township',
      'dumo',
      '--group',
      '残疾',
      '--xlsx',
      ledgerFile,
      ...target,
    ]);
    expect(byGroup.stdout).toMatch(/（仅残疾） 到 /);
    const wrongGroup = await runCliInProcess(['roster-ledgers', '--group', '富裕户', ...target]);
    expect([wrongGroup.exitCode, wrongGroup.stderr]).toEqual([1, expect.stringContaining('--group 应为 脱贫户、残疾')]);

    const noEvidence = await runCliInProcess([
      'strike-off',
      entryId!,
      '--reason',
      'transferred',
      '--evidence',
      '转学联系函',
      '--as',
      'wei-weiji',
      ...target,
    ]);
    expect(noEvidence.stderr).toContain('转学销号须写明接收学校');
    const struck = await runCliInProcess([
      'strike-off',
      entryId!,
      '--reason',
      'returned',
      '--evidence',
      '入学登记表、到校照片',
      '--as',
      'wei-weiji',
      ...target,
    ]);
    expect(struck.stdout).toContain('已销号');

    const everything = JSON.stringify([
      (await doc.send(new ScanCommand({ TableName: tableName }))).Items,
      run.stdout,
      asTown.stdout,
      sheets,
      await readXlsx(await import('node:fs/promises').then((fs) => fs.readFile(ledgerFile))),
    ]);
    expect(FAKE_ID_ANYWHERE.exec(everything)?.[0]).toBeUndefined();
    for (const p of kids) expect(everything).not.toContain(p.idNumber);
    doc.destroy();
  });
});
