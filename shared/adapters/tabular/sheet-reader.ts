import { createReadStream, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { UnsupportedFileError } from '../../domain/errors.ts';
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

/** Worksheet XML as text, decoded across chunk boundaries (a character split between two chunks stays whole). */
async function* utf8Chunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield text;
  }
  const tail = decoder.end();
  if (tail) yield tail;
}

/**
 * exceljs 4.4.0's streaming reader decodes every zip chunk on its own (`lib/utils/parse-sax.js`), so a Chinese
 * character split across two chunks becomes two U+FFFD: about one cell in a few
 * thousand of a Chinese roll (a known exceljs bug, still open upstream). Its parser passes text chunks through untouched, so the entries are handed to it
 * already decoded. The two methods are exceljs internals (not in its typings), checked by
 * test/unit/sheet-reader.test.ts on a file large enough to split characters.
 */
class Utf8WorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader {
  constructor(stream: Readable, options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>) {
    super(stream, options);
    const self = this as unknown as {
      _parseSharedStrings: (entry: Readable) => AsyncGenerator<unknown>;
      _parseWorksheet: (iterator: AsyncIterable<Buffer | string>, sheetNo: string) => Generator<unknown>;
    };
    const sharedStrings = self._parseSharedStrings.bind(this);
    const worksheet = self._parseWorksheet.bind(this);
    self._parseSharedStrings = (entry) => {
      const text = entry.pipe(new PassThrough());
      text.setEncoding('utf8');
      return sharedStrings(text);
    };
    self._parseWorksheet = (iterator, sheetNo) => worksheet(utf8Chunks(iterator), sheetNo);
  }
}

async function* xlsxRows(stream: Readable): AsyncGenerator<SheetRow> {
  const reader = new Utf8WorkbookReader(stream, {
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
