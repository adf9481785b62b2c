import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HolidayFileError } from '../domain/errors.ts';
import { type HolidayYear, parseHolidayYear } from '../domain/national-calendar.ts';

/** The repository's national-calendar year files: `config/holidays/<year>.json`. */
export const DEFAULT_HOLIDAYS_DIR = fileURLToPath(new URL('../../config/holidays', import.meta.url));

const YEAR_FILE = /^(\d{4})\.json$/;

/** Path of a year's file, for messages (relative to the working directory when inside it). */
export function holidayFilePath(dir: string, year: number): string {
  const path = join(dir, `${year}.json`);
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** Reads and validates one year file; throws HolidayFileError naming the file, the entry and the reason. */
export function loadHolidayFile(dir: string, year: number): HolidayYear {
  const source = holidayFilePath(dir, year);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, `${year}.json`), 'utf8'));
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? '文件不存在'
        : `不是有效的 JSON：${(error as Error).message}`;
    throw new HolidayFileError(source, [{ field: '(文件)', reason }]);
  }
  return parseHolidayYear(raw, source, year);
}

/** The years that have a file in `dir` (file names `<year>.json`). */
export function holidayFileYears(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => YEAR_FILE.exec(name)?.[1])
    .filter((y): y is string => y !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Loads every year file of `dir`, all validated: one bad file stops the load (a deploy or a start fails loudly
 * rather than running on a half-read calendar). A missing directory is an error only when `required` (the
 * Lambda asset must carry it); any other `.json` name in it is refused.
 */
export function loadHolidayYears(
  dir: string = DEFAULT_HOLIDAYS_DIR,
  options: { required?: boolean } = {},
): HolidayYear[] {
  if (!existsSync(dir)) {
    if (options.required) throw new Error(`national calendar directory missing: ${dir}`);
    return [];
  }
  const stray = readdirSync(dir).filter((n) => n.endsWith('.json') && !YEAR_FILE.test(n));
  if (stray.length > 0)
    throw new HolidayFileError(join(dir, stray[0]!), [
      { field: '(文件名)', reason: '文件名应为 <年份>.json，如 2027.json' },
    ]);
  return holidayFileYears(dir).map((year) => loadHolidayFile(dir, year));
}
