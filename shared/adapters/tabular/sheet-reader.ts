import { createReadStream, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { SheetRow } from '../../domain/tabular.ts';

/**
 * Streams the rows of a spreadsheet file: XLSX through exceljs's streaming `WorkbookReader` (every worksheet, in
 * order), CSV through csv-parse (one sheet, named after the file). Neither holds the whole file in memory, so a
 * 40,000-row county roll reads in one go. Row numbers are the spreadsheet's own (1 = the header row), so an error
 * can point at the cell the operator sees. Cell values become text: a date cell becomes YYYY-MM-DD, a number keeps
 * the digits Excel stored (an 18-digit ID number typed as a number has already lost its last digits: the roll
 * importer refuses those, see `docs/rosters.md`).
 */
export async function* readSheetRows(
  path: string,
  options: { onBytes?: (read: number, total: number) => void } = {},
): AsyncGenerator<SheetRow> {
  const ext = extname(path).toLowerCase();
  const total = statSync(path).size;
  const stream = createReadStream(path);
  let read = 0;
  if (options.onBytes) {
    stream.on('data', (chunk) => {
      read += chunk.length;
      options.onBytes?.(read, total);
    });
  }
  if (ext === '.xlsx') {
    yield* xlsxRows(stream);
  } else if (ext === '.csv' || ext === '.txt') {
    yield* csvRows(stream, basename(path, extname(path)));
  } else {
    stream.destroy();
    throw new UnsupportedFileError(path);
  }
}

export class UnsupportedFileError extends Error {
  constructor(readonly path: string) {
    super(`不支持的文件类型：${basename(path)}（请上传 .xlsx 或 .csv 文件；.xls 请先在 Excel 中另存为 .xlsx）`);
    this.name = 'UnsupportedFileError';
  }
}

async function* xlsxRows(stream: Readable): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  for await (const worksheet of reader) {
    const ws = worksheet as unknown as AsyncIterable<ExcelJS.Row> & { name: string };
    for await (const row of ws) {
      const values = row.values as unknown[];
      yield { sheet: ws.name, row: row.number, cells: values.slice(1).map(cellText) };
    }
  }
}

async function* csvRows(stream: Readable, sheet: string): AsyncGenerator<SheetRow> {
  const parser = stream.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: false }));
  // Row numbers count records, as Excel numbers the rows of an opened CSV (a quoted cell may span lines).
  let row = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    row++;
    yield { sheet, row, cells: record };
  }
}

/** The text of one cell as the operator sees it. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
    if (v.richText) return v.richText.map((t) => t.text).join('');
    if (v.text !== undefined) return cellText(v.text);
    if (v.result !== undefined) return cellText(v.result);
    if (v.error) return '';
  }
  return String(value);
}
