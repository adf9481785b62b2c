import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { fakeIdNumber, gradeNumber, priorityFlags, rollColumns } from '../shared/domain/roll.ts';

/**
 * Fake pupil rolls for demos, tests and the bench. Everything is obviously invented: ID numbers use the test pattern
 * of `fakeIdNumber` (region codes starting 0000, which no region has), 学籍号 start with T (test) and never embed the ID
 * number, guardian phones are 1380000xxxx (the repo's fake range), names are drawn from a short list.
 */
const SURNAMES = [...'李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
const GIVEN = [...'小子一文明华红梅兰晓欣宇浩然佳怡思雨嘉轩泽'];
const GRADES = ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '七年级', '八年级', '九年级'];

export interface FakePupil {
  schoolId: string;
  studentRef: string;
  name: string;
  gender: '男' | '女';
  birthDate: string;
  grade: string;
  className: string;
  idNumber: string;
  guardian: string;
  guardianPhone: string;
  address: string;
  flags: string[];
}

/** A deterministic pseudo-random sequence (mulberry32), so a seed gives the same roll every time. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` pupils spread over `schoolIds` (round robin), in `grades` (default 1–9), born to match the grade in
 * `year` (the autumn of the school year). `seq` numbers (`offset` + i) are the
 * identity: pupil i of one call is pupil i of another call with the same seed, so two terms can share pupils.
 */
export function fakePupils(options: {
  schoolIds: readonly string[];
  count: number;
  seed?: number;
  year?: number;
  grades?: readonly string[];
  offset?: number;
}): FakePupil[] {
  const rnd = random(options.seed ?? 1);
  const year = options.year ?? 2022;
  const grades = options.grades ?? GRADES;
  const out: FakePupil[] = [];
  for (let i = 0; i < options.count; i++) {
    const seq = (options.offset ?? 0) + i;
    const schoolIndex = seq % options.schoolIds.length;
    const grade = grades[Math.floor(rnd() * grades.length)] ?? '一年级';
    const birthYear = year - 6 - (gradeNumber(grade) - 1);
    const month = 1 + Math.floor(rnd() * 12);
    const day = 1 + Math.floor(rnd() * 28);
    const birthDate = `${birthYear}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const surname = SURNAMES[Math.floor(rnd() * SURNAMES.length)] ?? '李';
    const given = `${GIVEN[Math.floor(rnd() * GIVEN.length)]}${GIVEN[Math.floor(rnd() * GIVEN.length)]}`;
    const flags = priorityFlags.filter(() => rnd() < 0.04);
    out.push({
      schoolId: options.schoolIds[schoolIndex] ?? '',
      studentRef: `T${String(schoolIndex).padStart(3, '0')}${String(seq).padStart(7, '0')}`,
      name: `${surname}${given}`,
      gender: rnd() < 0.5 ? '男' : '女',
      birthDate,
      grade,
      className: `${1 + Math.floor(rnd() * 4)}班`,
      idNumber: fakeIdNumber(birthDate, seq),
      guardian: `${surname}${GIVEN[Math.floor(rnd() * GIVEN.length)]}某`,
      guardianPhone: `1380000${String(seq % 10000).padStart(4, '0')}`,
      address: `示例县示例镇示例村${1 + (seq % 30)}组`,
      flags,
    });
  }
  return out;
}

/** The roll's header row (the template's columns; 学校ID first for county files). */
export const fakeRollHeader = (county: boolean) =>
  rollColumns.filter((c) => county || c.key !== 'schoolId').map((c) => c.header);

export function fakeRollRow(p: FakePupil, county: boolean): string[] {
  return [
    ...(county ? [p.schoolId] : []),
    p.studentRef,
    p.name,
    p.gender,
    p.birthDate,
    p.grade,
    p.className,
    p.idNumber,
    p.guardian,
    p.guardianPhone,
    p.address,
    ...priorityFlags.map((f) => (p.flags.includes(f) ? '是' : '否')),
  ];
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** Writes the roll as CSV (UTF-8 with BOM, as Excel saves it), streamed. */
export async function writeFakeRollCsv(path: string, rows: readonly string[][]): Promise<void> {
  const out = createWriteStream(path);
  out.write('\uFEFF');
  for (const row of rows) {
    if (!out.write(`${row.map(csvCell).join(',')}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Writes the roll as XLSX with exceljs's streaming writer (text cells, like the 学籍 system's export). */
export async function writeFakeRollXlsx(path: string, rows: readonly string[][]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false });
  const sheet = workbook.addWorksheet('学籍花名册');
  for (const row of rows) sheet.addRow(row).commit();
  sheet.commit();
  await workbook.commit();
}
