import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { fakePupils, fakeRollHeader, fakeRollRow, writeFakeRollCsv, writeFakeRollXlsx } from '../../local/fake-roll.ts';
import { DynamoRollRepository } from '../../shared/adapters/dynamo/roll-repository.ts';
import { FileIdHashKey } from '../../shared/adapters/secrets/id-hash-key.ts';
import { fileRollSource } from '../../shared/adapters/tabular/roll-file.ts';
import { ConcurrentUpdateError, RollRejectedError } from '../../shared/domain/errors.ts';
import { FAKE_ID_ANYWHERE, FAKE_ID_PATTERN, hashIdNumber } from '../../shared/domain/roll.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { importRoll, type RollProgress } from '../../shared/use-cases/import-roll.ts';
import { freshTable } from '../support/dynamo.ts';

const dir = mkdtempSync(join(tmpdir(), 'baoxue-roll-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TERM = '2023-2024学年第一学期';
const terms = ['2022-2023学年第二学期', TERM];
let seq = 0;

async function world() {
  const { doc, tableName } = await freshTable('roll');
  const repo = new DynamoRollRepository(doc, tableName);
  const key = new FileIdHashKey(join(dir, `key-${seq++}`));
  let ids = 0;
  const deps = {
    repo,
    key,
    clock: fixedClock('2023-09-01T02:00:00Z'),
    newId: () => `imp${++ids}`,
    schoolIds: new Set(['dumo-zhongxin', 'maling-zhongxin']),
    terms,
  };
  const scan = async () =>
    (await doc.send(new ScanCommand({ TableName: tableName }))).Items?.sort((a, b) =>
      `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`),
    ) ?? [];
  return { doc, tableName, repo, key, deps, scan };
}

async function csvFile(name: string, rows: string[][]): Promise<string> {
  const file = join(dir, name);
  await writeFakeRollCsv(file, rows);
  return file;
}

const pupils = fakePupils({ schoolIds: ['dumo-zhongxin'], count: 60, seed: 7 });
const rowsOf = (list = pupils) => [fakeRollHeader(false), ...list.map((p) => fakeRollRow(p, false))];

describe('roll import on DynamoDB Local', () => {
  it('imports a school roll; no item holds a clear ID number, only its keyed hash and last four', async () => {
    const { deps, scan, repo, key } = await world();
    const file = await csvFile('roll.csv', rowsOf());
    const progress: RollProgress[] = [];

    const result = await importRoll(deps, {
      schoolId: 'dumo-zhongxin',
      term: TERM,
      source: fileRollSource(file),
      onProgress: (p) => progress.push(p),
    });

    expect(result).toMatchObject({ written: true, rows: 60 });
    expect(result.schools[0]).toMatchObject({ rows: 60, unchanged: 0, removed: [] });
    expect(result.schools[0]?.added).toHaveLength(60);
    const stored = await repo.load('dumo-zhongxin', TERM);
    expect(stored).toHaveLength(60);
    const first = pupils[0]!;
    const mine = stored.find((p) => p.studentRef === first.studentRef);
    expect(mine).toMatchObject({ name: first.name, idLast4: first.idNumber.slice(-4), grade: first.grade });
    expect(mine?.idHash).toBe(hashIdNumber(await key.key(), first.idNumber));
    const text = JSON.stringify(await scan());
    for (const p of pupils) expect(text).not.toContain(p.idNumber);
    expect(text).not.toMatch(FAKE_ID_ANYWHERE);
    expect(pupils.every((p) => FAKE_ID_PATTERN.test(p.idNumber))).toBe(true);
    expect(progress.map((p) => p.phase)).toEqual(['check', 'write']);
    expect(progress.at(-1)).toMatchObject({ rows: 60, fraction: 1 });
  });

  it('refuses a file with bad rows, naming row and column of each, and leaves the table unchanged', async () => {
    const { deps, scan } = await world();
    await importRoll(deps, {
      schoolId: 'dumo-zhongxin',
      term: TERM,
      source: fileRollSource(await csvFile('ok.csv', rowsOf())),
    });
    const before = await scan();
    const rows = rowsOf();
    rows[2]![2] = '未知'; // 性别 of the second pupil (row 3, column C)
    rows[4]![6] = '000000201501011234'; // 身份证号 with a wrong check character (row 5, column G)
    rows[6]![0] = rows[1]![0]!; // 学籍号 of row 2 again on row 7
    rows[8]![3] = '2015-02-30'; // 出生日期 that does not exist (row 9, column D)
    rows[10]![10] = '也许'; // 脱贫户 (row 11, column K)
    const bad = await csvFile('bad.csv', rows);

    const error = await importRoll(deps, { schoolId: 'dumo-zhongxin', term: TERM, source: fileRollSource(bad) }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(RollRejectedError);
    const fields = (error as RollRejectedError).issues.map((i) => `${i.field}：${i.reason}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        '工作表「bad」第 3 行 C 列（性别）：“未知”无效：应为 男 或 女',
        '工作表「bad」第 5 行 G 列（身份证号）：身份证号校验位不对（请核对是否抄错）',
        '工作表「bad」第 7 行：学籍号与第 2 行重复',
        expect.stringMatching(/^工作表「bad」第 9 行 D 列（出生日期）：“2015-02-30”不是有效日期/),
        '工作表「bad」第 11 行 K 列（脱贫户）：“也许”无效：应为 是 或 否',
      ]),
    );
    expect((error as Error).message).toContain('未导入任何内容（数据库未改动）');
    expect((error as Error).message).not.toContain('000000201501011234');
    expect(await scan()).toEqual(before);
  });

  it('a dry run shows the differences with the active roll and writes nothing; the import then replaces it', async () => {
    const { deps, scan, repo } = await world();
    await importRoll(deps, {
      schoolId: 'dumo-zhongxin',
      term: TERM,
      source: fileRollSource(await csvFile('t1.csv', rowsOf())),
    });
    const before = await scan();
    const next = pupils.slice(2).map((p, i) => (i === 0 ? { ...p, className: '9班' } : p));
    next.push(...fakePupils({ schoolIds: ['dumo-zhongxin'], count: 3, seed: 8, offset: 1000 }));
    const file = join(dir, 't2.xlsx');
    await writeFakeRollXlsx(file, rowsOf(next));

    const dry = await importRoll(deps, {
      schoolId: 'dumo-zhongxin',
      term: TERM,
      source: fileRollSource(file),
      dryRun: true,
    });

    expect(dry.written).toBe(false);
    const d = dry.schools[0]!;
    expect([d.added.length, d.changed.length, d.removed.length, d.unchanged]).toEqual([3, 1, 2, 57]);
    expect(d.changed[0]?.row).toBe(2);
    expect(d.removed.map((p) => p.name)).not.toContain(pupils[0]!.name);
    expect(await scan()).toEqual(before);

    const real = await importRoll(deps, { schoolId: 'dumo-zhongxin', term: TERM, source: fileRollSource(file) });

    expect(real.written).toBe(true);
    expect((await repo.load('dumo-zhongxin', TERM)).map((p) => p.studentRef).sort()).toEqual(
      next.map((p) => p.studentRef).sort(),
    );
    // The replaced roll's items are gone: one pointer and the 61 pupils of the new roll.
    expect((await scan()).length).toBe(1 + 61);
  });

  it('imports a county file in one go, one active roll per school flipped together', async () => {
    const { deps, repo } = await world();
    const county = fakePupils({ schoolIds: ['dumo-zhongxin', 'maling-zhongxin'], count: 40, seed: 3 });
    const file = await csvFile('county.csv', [fakeRollHeader(true), ...county.map((p) => fakeRollRow(p, true))]);

    const result = await importRoll(deps, { schoolId: '*', term: TERM, source: fileRollSource(file) });

    expect(result.schools.map((s) => [s.schoolId, s.rows])).toEqual([
      ['dumo-zhongxin', 20],
      ['maling-zhongxin', 20],
    ]);
    expect(await repo.load('maling-zhongxin', TERM)).toHaveLength(20);
  });

  it('an import that loses the race for the pointer leaves no staged items behind', async () => {
    const { deps, scan, repo } = await world();
    const file = await csvFile('race.csv', rowsOf());
    // Another import activates between this import's check and its flip.
    const racing = {
      ...deps,
      repo: Object.assign(Object.create(repo) as DynamoRollRepository, {
        activate: async (flips: Parameters<DynamoRollRepository['activate']>[0]) => {
          await repo.activate(flips.map((f) => ({ next: { ...f.next, importId: 'other' }, previous: f.previous })));
          return repo.activate(flips);
        },
      }),
    };

    await expect(
      importRoll(racing, { schoolId: 'dumo-zhongxin', term: TERM, source: fileRollSource(file) }),
    ).rejects.toThrow(ConcurrentUpdateError);

    const items = await scan();
    expect(items.filter((i) => i.entity === 'ROLL_PUPIL')).toHaveLength(0);
    expect(items.find((i) => i.entity === 'ROLL_ACTIVE')?.importId).toBe('other');
  });

  it('refuses an unknown term or school before reading anything', async () => {
    const { deps } = await world();
    const file = await csvFile('any.csv', rowsOf());

    await expect(
      importRoll(deps, { schoolId: 'dumo-zhongxin', term: '2099学年', source: fileRollSource(file) }),
    ).rejects.toThrow(/学期“2099学年”不在配置的学期中/);
    await expect(importRoll(deps, { schoolId: 'nowhere', term: TERM, source: fileRollSource(file) })).rejects.toThrow(
      /学校 nowhere 不在组织目录中/,
    );
  });
});
