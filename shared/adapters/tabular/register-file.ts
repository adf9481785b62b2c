import ExcelJS from 'exceljs';
import { registerColumns } from '../../domain/register.ts';

/** The 户籍 register template: one sheet 适龄儿童户籍名单 with the headers (text format) and a note per column. */
export async function registerTemplateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'baoxue';
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  const ws = workbook.addWorksheet('适龄儿童户籍名单', { views: [{ state: 'frozen', ySplit: 1 }] });
  const header = ws.addRow(registerColumns.map((c) => c.header));
  header.font = { bold: true };
  registerColumns.forEach((c, i) => {
    header.getCell(i + 1).note = `${c.required ? '必填。' : ''}${c.help}`;
    ws.getColumn(i + 1).numFmt = '@';
    ws.getColumn(i + 1).width = Math.max(10, [...c.header].length * 2 + 4);
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function registerTemplateCsv(): string {
  return `\uFEFF${registerColumns.map((c) => c.header).join(',')}\r\n`;
}
