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
  it('names a missing data file and a file that is not JSON', () => {
    const dir = tempDir();
    expect(() => loadDirectorySource(dir)).toThrow(/找不到数据文件：.*members\.json/);

    writeFileSync(join(dir, 'members.json'), '{ not json');
    expect(() => loadDirectorySource(dir)).toThrow(/members\.json 不是有效的 JSON/);
  });
});
