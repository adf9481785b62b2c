import { createHmac } from 'node:crypto';
import * as z from 'zod/mini';
import { type PriorityFlag, priorityFlags } from './priority-groups.ts';
import { normaliseGrade, normaliseName, normaliseRef, pupilKeyOf } from './pupil-key.ts';
import { type CellIssue, type ColumnSpec, normalisePhone, rowReader, type SheetRow } from './tabular.ts';

/**
 * A school's pupil roll for one term, as the 全国中小学生学籍信息管理系统 exports it (XLSX or CSV). The roll is the
 * base of 对比上学期 (who was here last term and has not come back) and of the 户籍 cross-check.
 *
 * ID numbers (身份证号) are never stored in clear: a keyed hash (HMAC-SHA256, key from the stage's secret store)
 * for matching, and the last four characters for display. `docs/rosters.md`.
 */

/** The priority groups of the plan (§（三）: 贫困、留守、流动、残疾; 脱贫户 and 孤儿/事实无人抚养): shared/domain/priority-groups.ts. */
export { type PriorityFlag, priorityFlags };

type RollColumn =
  | 'schoolId'
  | 'studentRef'
  | 'name'
  | 'gender'
  | 'birthDate'
  | 'grade'
  | 'className'
  | 'idNumber'
  | 'guardian'
  | 'guardianPhone'
  | 'address'
  | `flag:${PriorityFlag}`;

export const rollColumns: readonly ColumnSpec<RollColumn>[] = [
  { key: 'schoolId', header: '学校ID', help: '全县文件必填（每行一所学校）；单校文件可省略此列' },
  {
    key: 'studentRef',
    header: '学籍号',
    aliases: ['全国学籍号', '学籍辅号'],
    required: true,
    help: '学籍系统的学籍号',
  },
  { key: 'name', header: '姓名', aliases: ['学生姓名'], required: true, help: '学生姓名' },
  { key: 'gender', header: '性别', required: true, help: '男 或 女' },
  { key: 'birthDate', header: '出生日期', required: true, help: 'YYYY-MM-DD，或 Excel 日期、20150301' },
  { key: 'grade', header: '年级', required: true, help: '一年级 … 九年级（或 1–9）' },
  { key: 'className', header: '班级', help: '如 3班' },
  {
    key: 'idNumber',
    header: '身份证号',
    aliases: ['身份证件号', '身份证件号码', '公民身份号码'],
    help: '18 位，须以文本格式保存；只保存加密摘要与后四位',
  },
  { key: 'guardian', header: '监护人', aliases: ['监护人姓名'], help: '监护人姓名' },
  { key: 'guardianPhone', header: '联系电话', aliases: ['监护人电话', '监护人手机'], help: '监护人手机号' },
  { key: 'address', header: '户籍地址', aliases: ['户口所在地'], help: '户籍地址' },
  ...priorityFlags.map((f) => ({ key: `flag:${f}` as const, header: f, help: '是 / 否（空 = 否；也可写 1/0、√）' })),
];

/** Grades 1–9 of compulsory education, as the roll writes them. */
const gradeNames = ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '七年级', '八年级', '九年级'];

/** One pupil as stored (no clear ID number). */
export const rollPupilSchema = z.object({
  pupilKey: z.string(),
  schoolId: z.string(),
  studentRef: z.string(),
  name: z.string(),
  gender: z.enum(['男', '女']),
  birthDate: z.string(),
  grade: z.string(),
  className: z.optional(z.string()),
  /** HMAC-SHA256 of the normalised ID number (hex), for matching only. */
  idHash: z.optional(z.string()),
  /** The ID number's last four characters, for display (****1234). */
  idLast4: z.optional(z.string()),
  guardian: z.optional(z.string()),
  guardianPhone: z.optional(z.string()),
  address: z.optional(z.string()),
  flags: z.array(z.enum(priorityFlags)),
  /** The spreadsheet row it came from, for messages. */
  row: z.int(),
});
export type RollPupil = z.infer<typeof rollPupilSchema>;

/** The secret that keys ID-number hashes (Secrets Manager/SSM in the cloud, a key file locally). */
export interface IdHashKey {
  key(): Promise<Buffer>;
}

export function hashIdNumber(key: Buffer, idNumber: string): string {
  return createHmac('sha256', key).update(normaliseIdNumber(idNumber)).digest('hex');
}

export function normaliseIdNumber(id: string): string {
  return id
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .toUpperCase();
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The GB 11643 check character of the first 17 digits. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK[sum % 11] ?? '';
}

/** Why an ID number is not a valid 18-character resident ID, or undefined when it is. */
export function idNumberProblem(id: string): string | undefined {
  if (/^\d{15,17}(\.\d+)?(E\+\d+)?$/i.test(id) || /E\+\d+$/i.test(id))
    return '看起来被 Excel 当成了数字（末位已丢失）：请把该列设为文本格式后重新导出';
  if (!/^\d{17}[\dX]$/.test(id)) return '应为 18 位（17 位数字加 1 位数字或 X）';
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isRealDate(birth)) return `其中的出生日期 ${birth} 不是有效日期`;
  if (idCheckCharacter(id.slice(0, 17)) !== id[17]) return '校验位不对（请核对是否抄错）';
  return undefined;
}

function isRealDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

/** 2015-03-01, 2015/3/1, 2015.3.1, 20150301, 2015年3月1日 → 2015-03-01; undefined if it is none of these. */
export function parseBirthDate(text: string): string | undefined {
  const t = text.normalize('NFKC').trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isRealDate(iso) ? iso : undefined;
}

/** 七年级, 七 年级, 7, 初一 → 七年级; undefined if it is not a grade 1–9. */
export function parseGrade(text: string): string | undefined {
  const t = normaliseGrade(text);
  if (gradeNames.includes(t)) return t;
  const n = /^([1-9])(年级)?$/.exec(t)?.[1];
  if (n) return gradeNames[Number(n) - 1];
  const junior = { 初一: '七年级', 初二: '八年级', 初三: '九年级' }[t];
  return junior;
}

/** The grade's number (一年级 → 1), for graduation and age checks. */
export function gradeNumber(grade: string): number {
  return gradeNames.indexOf(grade) + 1;
}

const YES = new Set(['是', '有', 'Y', 'YES', '1', '√', '✓', 'TRUE', '属于']);
const NO = new Set(['', '否', '无', 'N', 'NO', '0', '×', 'FALSE', '不属于']);

export interface ParsedRow {
  pupil?: Omit<RollPupil, 'idHash' | 'idLast4'> & { idNumber?: string };
  issues: CellIssue[];
  blank: boolean;
}

/** One data row, validated; every problem names its cell. The clear ID number is returned, never stored. */
export function parseRollRow(
  sheet: string,
  row: SheetRow,
  index: Map<RollColumn, number>,
  schoolId: string,
): ParsedRow {
  const r = rowReader(sheet, row, rollColumns, index);
  if (r.blank()) return { issues: [], blank: true };
  const issues: CellIssue[] = [];
  const bad = (key: RollColumn, reason: string) => issues.push({ field: r.where(key), reason });

  const rowSchool = r.get('schoolId') || schoolId;
  if (!rowSchool) bad('schoolId', '全县文件每行须填写学校ID');
  else if (schoolId && rowSchool !== schoolId) bad('schoolId', `学校ID“${rowSchool}”与导入的学校 ${schoolId} 不符`);
  const studentRef = normaliseRef(r.get('studentRef'));
  if (!studentRef) bad('studentRef', '学籍号不能为空');
  else if (!/^[A-Z0-9]{6,30}$/.test(studentRef)) bad('studentRef', '学籍号只能由字母和数字组成（6–30 位）');
  const name = normaliseName(r.get('name'));
  if (!name) bad('name', '姓名不能为空');
  else if ([...name].length > 32) bad('name', '姓名最多 32 个字符');
  const gender = r.get('gender');
  if (gender !== '男' && gender !== '女') bad('gender', `“${gender}”无效：应为 男 或 女`);
  const birthDate = parseBirthDate(r.get('birthDate'));
  if (!birthDate) bad('birthDate', `“${r.get('birthDate')}”不是有效日期（应为 YYYY-MM-DD）`);
  const grade = parseGrade(r.get('grade'));
  if (!grade) bad('grade', `“${r.get('grade')}”不是义务教育年级（一年级 … 九年级）`);
  const idText = normaliseIdNumber(r.get('idNumber'));
  if (idText) {
    const problem = idNumberProblem(idText);
    // The message never repeats the number itself.
    if (problem) bad('idNumber', `身份证号${problem}`);
    else if (birthDate && `${idText.slice(6, 10)}-${idText.slice(10, 12)}-${idText.slice(12, 14)}` !== birthDate) {
      bad('idNumber', '身份证号中的出生日期与“出生日期”列不一致');
    }
  }
  const phoneText = r.get('guardianPhone');
  const guardianPhone = phoneText ? normalisePhone(phoneText) : '';
  if (guardianPhone && !/^\+86\d{9,11}$/.test(guardianPhone)) {
    bad('guardianPhone', '联系电话格式不对（应为 11 位手机号或带区号的座机）');
  }
  const flags: PriorityFlag[] = [];
  for (const f of priorityFlags) {
    const v = r.get(`flag:${f}`).normalize('NFKC').toUpperCase();
    if (YES.has(v)) flags.push(f);
    else if (!NO.has(v)) bad(`flag:${f}`, `“${r.get(`flag:${f}`)}”无效：应为 是 或 否`);
  }
  if (issues.length > 0 || !birthDate || !grade) return { issues, blank: false };
  const className = r.get('className');
  const guardian = normaliseName(r.get('guardian'));
  const address = r.get('address');
  return {
    issues,
    blank: false,
    pupil: {
      pupilKey: pupilKeyOf({ schoolId: rowSchool, studentName: name, studentRef }),
      schoolId: rowSchool,
      studentRef,
      name,
      gender: gender as '男' | '女',
      birthDate,
      grade,
      ...(className ? { className } : {}),
      ...(idText ? { idNumber: idText } : {}),
      ...(guardian ? { guardian } : {}),
      ...(guardianPhone ? { guardianPhone } : {}),
      ...(address ? { address } : {}),
      flags,
      row: row.row,
    },
  };
}

/** The stored form: the ID number replaced by its keyed hash and last four characters. */
export function protectIdNumber(pupil: NonNullable<ParsedRow['pupil']>, key: Buffer): RollPupil {
  const { idNumber, ...rest } = pupil;
  if (!idNumber) return rest;
  return { ...rest, idHash: hashIdNumber(key, idNumber), idLast4: idNumber.slice(-4) };
}

/** A pupil's content for change detection (what a re-import would update). */
export function rollFingerprint(p: RollPupil): string {
  return JSON.stringify([
    p.name,
    p.gender,
    p.birthDate,
    p.grade,
    p.className ?? '',
    p.idHash ?? '',
    p.guardian ?? '',
    p.guardianPhone ?? '',
    p.address ?? '',
    p.flags,
  ]);
}

/**
 * Obviously fake ID numbers for demo and test data: the region code starts with 0000 (real region codes start with
 * 1–8, so no person has one), then a real birth date, a sequence number and a valid check character, so the
 * importer accepts them and nobody can mistake them for a person's. Unique for `seq` below 100,000 per birth date.
 * Every generated roll, fixture and bench uses this pattern.
 */
export function fakeIdNumber(birthDate: string, seq: number): string {
  const region = `0000${String(Math.floor(seq / 1000) % 100).padStart(2, '0')}`;
  const first17 = `${region}${birthDate.replace(/-/g, '')}${String(seq % 1000).padStart(3, '0')}`;
  return `${first17}${idCheckCharacter(first17)}`;
}

/** The pattern of `fakeIdNumber` (tests use it to assert that only fake numbers are ever used). */
export const FAKE_ID_PATTERN = /^0000\d{13}[\dX]$/;
/**
 * Finds a fake ID number anywhere in a text (the privacy scans of tests and the bench). Not inside a longer run of
 * hex digits: a 64-digit HMAC can contain 0000 and 14 decimal digits by chance (a 40,000-pupil bench once saw two).
 */
export const FAKE_ID_ANYWHERE = /(?<![0-9a-fA-FX])0000\d{13}[\dX](?![0-9a-fA-F])/;
/** The active roll of one school in one term: which import's items are the roll. */
export interface ActiveRoll {
  schoolId: string;
  term: string;
  importId: string;
  count: number;
  importedAt: string;
  source: string;
  version: number;
}

/**
 * Rolls in the table. An import writes its pupils under its own import id (staging, invisible) and then flips
 * each school's "active roll" pointer in one conditional transaction: a refused or interrupted import never
 * shows, and two imports racing for one roll cannot both win.
 */
export interface RollRepository {
  active(schoolId: string, term: string): Promise<ActiveRoll | undefined>;
  /** The pupils of the active roll (empty when there is none), in the file's row order. */
  load(schoolId: string, term: string): Promise<RollPupil[]>;
  stage(schoolId: string, term: string, importId: string, pupils: readonly RollPupil[]): Promise<void>;
  /** Flips every pointer, or none (ConcurrentUpdateError when one moved since it was read). */
  activate(flips: readonly { next: Omit<ActiveRoll, 'version'>; previous: ActiveRoll | undefined }[]): Promise<void>;
  /** Deletes the items of one import (a refused one, or the roll an activation replaced). */
  discard(schoolId: string, term: string, importId: string): Promise<void>;
}
