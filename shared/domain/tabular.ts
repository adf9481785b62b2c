/**
 * Spreadsheet rows as the importers see them (XLSX or CSV; the adapters in shared/adapters/tabular read the files),
 * column lookup by header text, and the Chinese location of a cell ("工作表「学校名单」第 5 行 D 列（校长手机号）"),
 * so every import error points at the cell to fix.
 */
export interface SheetRow {
  /** The worksheet's name (XLSX) or the file's name without extension (CSV). */
  sheet: string;
  /** 1-based, as the spreadsheet numbers it: row 1 is the header. */
  row: number;
  cells: string[];
}

export interface ColumnSpec<K extends string = string> {
  key: K;
  /** The header the template writes. */
  header: string;
  /** Other headers accepted for this column (exports of other systems). */
  aliases?: readonly string[];
  required?: boolean;
  /** One line for the template's instructions sheet. */
  help: string;
}

/** A located problem: where (Chinese, names sheet, row and column) and why. */
export interface CellIssue {
  field: string;
  reason: string;
}

/** A → 0, Z → 25, AA → 26: the spreadsheet's column letter of a 0-based index. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

export function cellLocation(sheet: string, row: number, column?: { index: number; header: string }): string {
  const where = `工作表「${sheet}」第 ${row} 行`;
  return column ? `${where} ${columnLetter(column.index)} 列（${column.header}）` : where;
}

const headerKey = (text: string) =>
  text
    .normalize('NFKC')
    .replace(/[\s\u3000*＊]/g, '')
    .replace(/[（(].*?[)）]/g, '')
    .toLowerCase();

/** Which column holds each field, from the header row; a required column that is missing is an issue. */
export function mapHeader<K extends string>(
  sheet: string,
  header: SheetRow,
  columns: readonly ColumnSpec<K>[],
): { index: Map<K, number>; issues: CellIssue[] } {
  const index = new Map<K, number>();
  const issues: CellIssue[] = [];
  const seen = header.cells.map(headerKey);
  for (const col of columns) {
    const names = [col.header, ...(col.aliases ?? [])].map(headerKey);
    const at = seen.findIndex((h) => h !== '' && names.includes(h));
    if (at >= 0) index.set(col.key, at);
    else if (col.required) {
      issues.push({
        field: cellLocation(sheet, header.row),
        reason: `缺少必填列“${col.header}”（表头应为：${columns.map((c) => c.header).join('、')}）`,
      });
    }
  }
  return { index, issues };
}

/** Reads cells of a data row by field key (trimmed text; '' when the column is absent). */
export function rowReader<K extends string>(
  sheet: string,
  row: SheetRow,
  columns: readonly ColumnSpec<K>[],
  index: Map<K, number>,
) {
  const byKey = new Map(columns.map((c) => [c.key, c]));
  return {
    get(key: K): string {
      const i = index.get(key);
      return i === undefined ? '' : (row.cells[i] ?? '').trim();
    },
    where(key: K): string {
      const i = index.get(key);
      const col = byKey.get(key);
      return i === undefined || !col
        ? cellLocation(sheet, row.row)
        : cellLocation(sheet, row.row, { index: i, header: col.header });
    },
    blank(): boolean {
      return row.cells.every((c) => (c ?? '').trim() === '');
    },
  };
}

/** 13800000001, 138 0000 0001, +86 138…, 86138…, 0773-7212345 → E.164 (+86…); anything else is returned as typed. */
export function normalisePhone(text: string): string {
  const t = text.normalize('NFKC').trim();
  const digits = t.replace(/[\s\-()（）]/g, '');
  if (/^\+86\d+$/.test(digits)) return digits;
  if (/^0086\d+$/.test(digits)) return `+${digits.slice(2)}`;
  if (/^861[3-9]\d{9}$/.test(digits)) return `+${digits}`;
  if (/^1[3-9]\d{9}$/.test(digits)) return `+86${digits}`;
  if (/^0[1-9]\d{8,10}$/.test(digits)) return `+86${digits.slice(1)}`;
  return t;
}

/** "a、b，c,d" → ["a","b","c","d"]. */
export function splitList(text: string): string[] {
  return text
    .split(/[、,，;；/]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
