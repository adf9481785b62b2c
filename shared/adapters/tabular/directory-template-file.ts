import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import ExcelJS from 'exceljs';
import {
  directoryTemplateSheets,
  type TemplateRead,
  templateInstructions,
  templateToSource,
} from '../../domain/directory-template.ts';
import type { SheetRow } from '../../domain/tabular.ts';
import { readSheetRows } from './sheet-reader.ts';

/**
 * Reads a filled-in directory template: one .xlsx (a worksheet per table) or a folder of CSV files
 * (`leadership.csv`, `assignments.csv`, `schools.csv`, `township-governments.csv`, optional `other-staff.csv`;
 * the worksheet names, e.g. `学校名单.csv`, are accepted too).
 */
export async function readDirectoryTemplate(path: string): Promise<TemplateRead> {
  return templateToSource(await readTemplateRows(path));
}

/** True when `path` is a template (an .xlsx file, or a folder holding the template's CSV files). */
export function isDirectoryTemplate(path: string): boolean {
  if (!existsSync(path)) return false;
  if (!statSync(path).isDirectory()) return ['.xlsx', '.csv'].includes(extname(path).toLowerCase());
  const names = new Set(readdirSync(path));
  return directoryTemplateSheets.some((s) => names.has(`${s.csv}.csv`) || names.has(`${s.name}.csv`));
}

/** The blank template (or, with `example`, filled with those rows per sheet) as .xlsx bytes: 说明 sheet first. */
export async function directoryTemplateXlsx(example?: ReadonlyMap<string, SheetRow[]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'baoxue';
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  const help = workbook.addWorksheet('说明');
  for (const line of templateInstructions()) help.addRow(line);
  help.getColumn(1).width = 28;
  help.getColumn(2).width = 90;
  help.getRow(1).font = { bold: true, size: 14 };
  for (const sheet of directoryTemplateSheets) {
    const ws = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    const header = ws.addRow(sheet.columns.map((c) => c.header));
    header.font = { bold: true };
    sheet.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.note = `${c.required ? '必填。' : ''}${c.help}`;
      // Text format, so 13800000001 or an id like 0123 is never turned into a number by Excel.
      ws.getColumn(i + 1).numFmt = '@';
      ws.getColumn(i + 1).width = Math.max(12, [...c.header].length * 2 + 4);
    });
    const rows = example?.get(sheet.name) ?? example?.get(sheet.csv);
    for (const row of rows?.slice(1) ?? []) ws.addRow(row.cells);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** One CSV per sheet (UTF-8 with BOM, so Excel opens the Chinese headers correctly). */
export function writeDirectoryTemplateCsv(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return directoryTemplateSheets.map((sheet) => {
    const file = join(dir, `${sheet.csv}.csv`);
    writeFileSync(file, `\uFEFF${sheet.columns.map((c) => csvCell(c.header)).join(',')}\r\n`);
    return file;
  });
}

/** Every row of the template's sheets, by worksheet (XLSX) or file (CSV) name. */
export async function readTemplateRows(path: string): Promise<Map<string, SheetRow[]>> {
  const rowsBySheet = new Map<string, SheetRow[]>();
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => extname(f).toLowerCase() === '.csv')
        .map((f) => join(path, f))
    : [path];
  for (const file of files) {
    for await (const row of readSheetRows(file)) {
      const list = rowsBySheet.get(row.sheet) ?? [];
      list.push(row);
      rowsBySheet.set(row.sheet, list);
    }
  }
  return rowsBySheet;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
