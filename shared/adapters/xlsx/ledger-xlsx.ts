import type { Ledger } from '../../domain/export-ledgers.ts';

/**
 * exceljs (about 1 MB minified) is imported on first use, never at module load: the api's bundle keeps this as a
 * dynamic import and ships exceljs as its own chunk (infra/bundling.ts, LAZY_CHUNKS), read only by an XLSX export.
 */
const excelJs = async () => (await import('exceljs')).default;

/** One worksheet per ledger, header row bold and frozen, columns sized to their content. Returns the .xlsx bytes. */
export async function ledgersToXlsx(ledgers: readonly Ledger[]): Promise<Buffer> {
  const ExcelJS = await excelJs();
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'baoxue';
  // A fixed date: the same ledgers give the same workbook metadata (the domain has no clock here).
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  for (const ledger of ledgers) {
    const sheet = workbook.addWorksheet(ledger.title.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow(ledger.columns).font = { bold: true };
    // Text cells only: a value like "=1+1" stays text, never a formula.
    for (const row of ledger.rows) sheet.addRow(row);
    sheet.columns.forEach((col, i) => {
      const longest = Math.max(...[ledger.columns, ...ledger.rows].map((r) => [...(r[i] ?? '')].length * 2));
      col.width = Math.min(Math.max(longest, 6), 40);
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Reads back the cell text of every sheet (tests, and checking an export before sending it). */
export async function readXlsx(bytes: Buffer): Promise<{ title: string; rows: string[][] }[]> {
  const ExcelJS = await excelJs();
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => {
    const rows: string[][] = [];
    sheet.eachRow((row) => {
      const values = row.values as unknown[];
      rows.push(values.slice(1).map((v) => (v === null || v === undefined ? '' : String(v))));
    });
    return { title: sheet.name, rows };
  });
}
