import { basename } from 'node:path';
import ExcelJS from 'exceljs';
import { rollColumns } from '../../domain/roll.ts';
import type { SheetRow } from '../../domain/tabular.ts';
import { readSheetRows } from './sheet-reader.ts';

/** A roll file that can be read twice (once to check, once to write), streamed each time. */
export interface RollSource {
  label: string;
  rows(onBytes?: (read: number, total: number) => void): AsyncIterable<SheetRow>;
}

export function fileRollSource(path: string): RollSource {
  return {
    label: basename(path),
    rows: (onBytes) => readSheetRows(path, onBytes ? { onBytes } : {}),
  };
}

/** The roll template: one sheet 学籍花名册 with the headers (text format) and a note per column. */
export async function rollTemplateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'baoxue';
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  const ws = workbook.addWorksheet('学籍花名册', { views: [{ state: 'frozen', ySplit: 1 }] });
  const header = ws.addRow(rollColumns.map((c) => c.header));
  header.font = { bold: true };
  rollColumns.forEach((c, i) => {
    header.getCell(i + 1).note = `${c.required ? '必填。' : ''}${c.help}`;
    ws.getColumn(i + 1).numFmt = '@';
    ws.getColumn(i + 1).width = Math.max(10, [...c.header].length * 2 + 4);
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function rollTemplateCsv(): string {
  return `\uFEFF${rollColumns.map((c) => c.header).join(',')}\r\n`;
}
