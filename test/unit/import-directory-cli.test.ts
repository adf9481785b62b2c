import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError, loadDirectorySource, resolveTarget } from '../../local/commands/import-directory.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-cli-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('import-directory command: where to write', () => {
  it('reads the endpoint and table the local runtime wrote to .local/runtime.json', () => {
    const file = join(tempDir(), 'runtime.json');
    writeFileSync(file, JSON.stringify({ endpoint: 'http://127.0.0.1:8000', tableName: 'baoxue-local' }));

    expect(resolveTarget({}, file)).toEqual({ endpoint: 'http://127.0.0.1:8000', tableName: 'baoxue-local' });
    expect(resolveTarget({ table: 'other' }, file)).toEqual({ endpoint: 'http://127.0.0.1:8000', tableName: 'other' });
  });

  it('tells the operator, in Chinese, to run npm start or pass --endpoint/--table when there is no runtime', () => {
    const missing = join(tempDir(), 'runtime.json');

    expect(() => resolveTarget({}, missing)).toThrow(CliError);
    expect(() => resolveTarget({}, missing)).toThrow(/请先运行 npm start.*--endpoint.*--table/);
    expect(resolveTarget({ endpoint: 'http://localhost:9', table: 'tbl' }, missing)).toEqual({
      endpoint: 'http://localhost:9',
      tableName: 'tbl',
    });
  });
});

describe('import-directory command: data files', () => {
  it('names a missing path, and a folder that is not a template', async () => {
    const dir = tempDir();
    await expect(loadDirectorySource(join(dir, 'nope'))).rejects.toThrow(/找不到目录数据/);

    writeFileSync(join(dir, 'members.json'), '{}');
    await expect(loadDirectorySource(dir)).rejects.toThrow(/不是目录导入模板.*leadership\.csv/);
  });

  it('names a missing sheet and a missing required column of a CSV folder', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'leadership.csv'), '人员ID,姓名,职务\r\nwu-yi,吴一,局长\r\n');

    const error = await loadDirectorySource(dir).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CliError);
    const text = (error as Error).message;
    expect(text).toContain('工作表「领导小组」第 1 行：缺少必填列“职位”');
    expect(text).toContain('工作表「领导小组」第 1 行：缺少必填列“手机号”');
    expect(text).toContain('工作表「责任学校一览表」：缺少此工作表');
    expect(text).toContain('工作表「学校名单」：缺少此工作表');
  });
});
