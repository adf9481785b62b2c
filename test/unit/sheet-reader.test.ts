import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakePupils, fakeRollHeader, fakeRollRow, writeFakeRollCsv, writeFakeRollXlsx } from '../../local/fake-roll.ts';
import { readSheetRows } from '../../shared/adapters/tabular/sheet-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'baoxue-sheet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = [
  fakeRollHeader(true),
  ...fakePupils({ schoolIds: ['s1', 's2'], count: 2000, seed: 5 }).map((p) => fakeRollRow(p, true)),
];

async function readAll(file: string) {
  const out: string[][] = [];
  for await (const row of readSheetRows(file)) out.push(row.cells);
  return out;
}

describe('streaming sheet reader', () => {
  it('reads a large Chinese XLSX back exactly: no character split across zip chunks becomes U+FFFD', async () => {
    const file = join(dir, 'big.xlsx');
    await writeFakeRollXlsx(file, rows);

    const read = await readAll(file);

    expect(read.filter((r) => r.join('').includes('\uFFFD'))).toEqual([]);
    expect(read).toEqual(rows);
  }, 60_000);

  it('reads a CSV with BOM and quoted cells, numbering rows as Excel does', async () => {
    const file = join(dir, 'small.csv');
    await writeFakeRollCsv(file, [
      ['学籍号', '户籍地址'],
      ['T1', '示例村,一组'],
      ['T2', '第一行\n第二行'],
      ['T3', '末行'],
    ]);
    const numbered: [number, string][] = [];

    for await (const row of readSheetRows(file)) numbered.push([row.row, row.cells[1] ?? '']);

    expect(numbered).toEqual([
      [1, '户籍地址'],
      [2, '示例村,一组'],
      [3, '第一行\n第二行'],
      [4, '末行'],
    ]);
  });
});
