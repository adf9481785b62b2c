import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, loadDirectorySource } from '../../local/commands/import-directory.ts';
import { runTemplate } from '../../local/commands/template.ts';
import {
  directoryTemplateXlsx,
  readDirectoryTemplate,
  readTemplateRows,
} from '../../shared/adapters/tabular/directory-template-file.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { importDirectory } from '../../shared/use-cases/import-directory.ts';

const dir = mkdtempSync(join(tmpdir(), 'baoxue-template-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const emptyRepo = () => {
  const snapshot: DirectorySnapshot = { people: [], areas: [], townships: [], schools: [], meta: {} };
  return { load: async () => snapshot, save: async () => undefined };
};
const deps = () => ({ repo: emptyRepo(), clock: fixedClock('2023-02-20T02:00:00Z') });

/** The Lipu example as an XLSX, with `edit` applied to the workbook before it is saved. */
async function exampleXlsx(name: string, edit: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await directoryTemplateXlsx(await readTemplateRows(defaultDataDir))) as unknown as ArrayBuffer);
  edit(wb);
  const file = join(dir, name);
  await wb.xlsx.writeFile(file);
  return file;
}

describe('directory template', () => {
  it('Lipu is one filled-in example: the XLSX written from it reads back as the same source as its CSV files', async () => {
    const fromCsv = await loadDirectorySource(defaultDataDir);
    const file = join(dir, 'lipu.xlsx');
    await runTemplate('directory', { out: file, example: true });

    const fromXlsx = await readDirectoryTemplate(file);

    expect(fromXlsx.source).toEqual(fromCsv.source);
    const result = await importDirectory(deps(), { source: fromXlsx.source, acceptMismatches: true });
    expect(result.added).toHaveLength(92);
    // 胡洪媛 is in §三 (after a blank line): a member, not a mismatch; the 附件's 潘德健 and 王熙龙 remain.
    expect(result.mismatches.map((m) => m.name)).toEqual(['王熙龙', '潘德健']);
    expect(result.directory.people.find((p) => p.id === 'hu-hongyuan')?.roles).toEqual(['township-contact']);
    expect(result.directory.schools.find((s) => s.id === 'texiao')?.kind).toBe('特殊教育学校');
  });

  it('the blank template has the instructions sheet and every table, headers only', async () => {
    const file = join(dir, 'blank.xlsx');
    await runTemplate('directory', { out: file });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);

    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '说明',
      '领导小组',
      '责任学校一览表',
      '学校名单',
      '乡镇政府联系人',
      '其他人员',
    ]);
    expect(wb.getWorksheet('学校名单')?.rowCount).toBe(1);
    await expect(readDirectoryTemplate(file)).resolves.toBeDefined();
  });

  it('names sheet, row and column of every bad cell, and writes nothing', async () => {
    const file = await exampleXlsx('bad.xlsx', (wb) => {
      const schools = wb.getWorksheet('学校名单')!;
      schools.getCell('J3').value = '1380000'; // 校长手机号 of the second school
      schools.getCell('D4').value = 'nowhere'; // 乡镇ID of the third
      schools.addRow([
        'dumo-cunxiao',
        '杜莫镇某村小',
        '村小',
        'dumo',
        '',
        '13800000399',
        'head-dumo-cunxiao',
        '示例负责人',
        '',
        '13800000199',
      ]);
    });
    const { source, locate } = await readDirectoryTemplate(file);
    const repo = emptyRepo();
    let saved = 0;
    repo.save = async () => {
      saved++;
    };

    const error = await importDirectory({ repo, clock: fixedClock('2023-02-20T02:00:00Z') }, { source, locate }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).issues.map((i) => i.field);
    expect(fields).toContain('工作表「学校名单」第 3 行 J 列（校长手机号）');
    expect(fields).toContain('工作表「学校名单」第 4 行 D 列（乡镇ID）');
    expect(fields).toContain('工作表「学校名单」第 19 行 E 列（上级学校ID）');
    expect((error as Error).message).toContain('须填写所属中心校');
    expect(saved).toBe(0);
  });

  it('a shape error (a 职位 not in the list) is located too', async () => {
    const file = await exampleXlsx('position.xlsx', (wb) => {
      wb.getWorksheet('领导小组')!.getCell('C5').value = '顾问';
    });
    const { source, locate } = await readDirectoryTemplate(file);

    const error = await importDirectory(deps(), { source, locate }).catch((e: unknown) => e);

    expect((error as ValidationError).issues.map((i) => i.field)).toEqual(['工作表「领导小组」第 5 行 C 列（职位）']);
  });

  it('reads a CSV folder the same way, and refuses two chiefs at the cell', async () => {
    const csv = join(dir, 'csv');
    await runTemplate('directory', { out: csv, csv: true });
    writeFileSync(
      join(csv, 'assignments.csv'),
      '总负责人,片区ID,包片领导,乡镇ID,乡镇,包乡镇人员\r\n吴一,area-a,黄二,jia,甲镇,潘三\r\n王五,,,yi,乙镇,潘三\r\n',
    );

    await expect(loadDirectorySource(csv)).rejects.toThrow(
      '工作表「责任学校一览表」第 3 行 A 列（总负责人）：总负责人只能有一位',
    );
  });
});
