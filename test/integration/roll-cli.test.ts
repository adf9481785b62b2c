import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCompareRolls } from '../../local/commands/compare-rolls.ts';
import { defaultDataDir, loadDirectorySource } from '../../local/commands/import-directory.ts';
import { runImportRoll } from '../../local/commands/import-roll.ts';
import { fakePupils, fakeRollHeader, fakeRollRow, writeFakeRollCsv } from '../../local/fake-roll.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { importDirectory } from '../../shared/use-cases/import-directory.ts';
import { freshTable } from '../support/dynamo.ts';

const dir = mkdtempSync(join(tmpdir(), 'baoxue-roll-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('import-roll and compare-rolls commands on the shipped directory', () => {
  it('refuses bad rows by cell, shows a dry run, imports, and compares two terms', async () => {
    const { doc, tableName, endpoint } = await freshTable('rollcli');
    const { source } = await loadDirectorySource(defaultDataDir);
    await importDirectory(
      { repo: new DynamoDirectoryRepository(doc, tableName), clock: fixedClock('2023-02-01T02:00:00Z') },
      { source, acceptMismatches: true },
    );
    const target = { endpoint, table: tableName, realClock: true, keyFile: join(dir, 'roll-id.key') };
    const pupils = fakePupils({ schoolIds: ['dumo-zhongxin'], count: 12, seed: 21, grades: ['二年级'] });
    const file = async (name: string, list = pupils, edit?: (rows: string[][]) => void) => {
      const rows = [fakeRollHeader(false), ...list.map((p) => fakeRollRow(p, false))];
      edit?.(rows);
      const path = join(dir, name);
      await writeFakeRollCsv(path, rows);
      return path;
    };
    const spring = { ...target, term: '2022-2023学年第二学期' };
    const autumn = { ...target, term: '2023-2024学年第一学期' };

    const refused = runImportRoll(
      'dumo-zhongxin',
      await file('bad.csv', pupils, (rows) => {
        rows[2]![2] = 'M';
      }),
      spring,
    );
    await expect(refused).rejects.toThrow('工作表「bad」第 3 行 C 列（性别）：“M”无效：应为 男 或 女');

    const dry = await runImportRoll('dumo-zhongxin', await file('spring.csv'), { ...spring, dryRun: true });
    expect(dry.lines).toContain('  学校 dumo-zhongxin：12 人；新增 12，变更 0，移出 0，未变 0（本学期首次导入）');
    expect(dry.lines[1]).toMatch(/^【试运行】/);

    const done = await runImportRoll('dumo-zhongxin', await file('spring.csv'), spring);
    expect(done.lines[1]).toMatch(/^2022-2023学年第二学期 名册导入完成：12 行/);
    await runImportRoll('dumo-zhongxin', await file('autumn.csv', pupils.slice(1)), autumn);

    const { lines } = await runCompareRolls('dumo-zhongxin', { ...target, from: spring.term, to: autumn.term });
    const township = await runCompareRolls('dumo-zhongxin', {
      ...target,
      from: spring.term,
      to: autumn.term,
      view: 'township',
    });

    expect(lines).toContain('  已返校 11 人，新转入/新生 0 人，未按时返校 1 人，不计入 0 人（无）');
    expect(lines.join('\n')).toContain(`  ${pupils[0]!.name}  二年级`);
    expect(township.lines.join('\n')).not.toContain(pupils[0]!.name);
    doc.destroy();
  });
});
