import * as z from 'zod/mini';
import { deterministicId } from './ids.ts';
import { normaliseName } from './pupil-key.ts';
import { hashIdNumber, idNumberProblem, normaliseIdNumber, parseBirthDate } from './roll.ts';
import { type CellIssue, type ColumnSpec, normalisePhone, rowReader, type SheetRow } from './tabular.ts';

/**
 * A township's list of school-age children from the household register (户籍: the police station's 户籍 export or
 * the village committees' lists), the base of 四查三比对 (`docs/rosters.md`). ID numbers are the matching key and,
 * as in the rolls, never stored in clear: the same keyed hash (HMAC-SHA256) and the last four characters.
 */

export const registerFlags = ['脱贫户', '残疾'] as const;
export type RegisterFlag = (typeof registerFlags)[number];

type RegisterColumn =
  | 'townshipId'
  | 'village'
  | 'name'
  | 'gender'
  | 'birthDate'
  | 'idNumber'
  | 'guardian'
  | 'guardianPhone'
  | 'address'
  | `flag:${RegisterFlag}`;

export const registerColumns: readonly ColumnSpec<RegisterColumn>[] = [
  { key: 'townshipId', header: '乡镇ID', help: '可省略；填写时须与导入的乡镇一致' },
  {
    key: 'village',
    header: '村（社区）',
    aliases: ['村', '社区', '村委会', '村（居）委会'],
    required: true,
    help: '户籍所在村或社区',
  },
  { key: 'name', header: '姓名', aliases: ['儿童姓名'], required: true, help: '儿童姓名' },
  { key: 'gender', header: '性别', required: true, help: '男 或 女' },
  { key: 'birthDate', header: '出生日期', required: true, help: 'YYYY-MM-DD，或 Excel 日期、20150301' },
  {
    key: 'idNumber',
    header: '身份证号',
    aliases: ['公民身份号码', '身份证件号', '身份证件号码'],
    required: true,
    help: '18 位，须以文本格式保存；只保存加密摘要与后四位',
  },
  { key: 'guardian', header: '监护人', aliases: ['户主', '监护人姓名'], help: '监护人（或户主）姓名' },
  { key: 'guardianPhone', header: '联系电话', aliases: ['监护人电话'], help: '监护人手机号' },
  { key: 'address', header: '户籍地址', aliases: ['户口所在地', '住址'], help: '户籍地址' },
  ...registerFlags.map((f) => ({ key: `flag:${f}` as const, header: f, help: '是 / 否（空 = 否；也可写 1/0、√）' })),
];

/** One child as stored: no clear ID number. */
export const registerChildSchema = z.object({
  /** `personKeyOf` the ID hash: the same child in a roll, a candidate and a ledger entry has this key. */
  childKey: z.string(),
  townshipId: z.string(),
  village: z.string(),
  name: z.string(),
  gender: z.enum(['男', '女']),
  birthDate: z.string(),
  idHash: z.string(),
  idLast4: z.string(),
  guardian: z.optional(z.string()),
  guardianPhone: z.optional(z.string()),
  address: z.optional(z.string()),
  flags: z.array(z.enum(registerFlags)),
  row: z.int(),
});
export type RegisterChild = z.infer<typeof registerChildSchema>;

/**
 * Who a child is across the register, the rolls, the candidates and the ledgers: `id-<hash>` of the ID number's keyed
 * hash when known (a hash of a hash: the key shows neither), else the roll's pupil key (学籍号).
 */
export function personKeyOf(p: { idHash?: string | undefined; pupilKey?: string | undefined }): string {
  if (p.idHash) return deterministicId('id', p.idHash);
  if (p.pupilKey) return p.pupilKey;
  throw new Error('a person key needs an ID hash or a pupil key');
}

const YES = new Set(['是', '有', 'Y', 'YES', '1', '√', '✓', 'TRUE', '属于']);
const NO = new Set(['', '否', '无', 'N', 'NO', '0', '×', 'FALSE', '不属于']);

export interface ParsedRegisterRow {
  child?: RegisterChild;
  issues: CellIssue[];
  blank: boolean;
}

/** One data row, validated (every problem names its cell), with the ID number replaced by its keyed hash. */
export function parseRegisterRow(
  sheet: string,
  row: SheetRow,
  index: Map<RegisterColumn, number>,
  townshipId: string,
  key: Buffer,
): ParsedRegisterRow {
  const r = rowReader(sheet, row, registerColumns, index);
  if (r.blank()) return { issues: [], blank: true };
  const issues: CellIssue[] = [];
  const bad = (k: RegisterColumn, reason: string) => issues.push({ field: r.where(k), reason });

  const rowTownship = r.get('townshipId');
  if (rowTownship && rowTownship !== townshipId)
    bad('townshipId', `乡镇ID“${rowTownship}”与导入的乡镇 ${townshipId} 不符`);
  const village = r.get('village');
  if (!village) bad('village', '村（社区）不能为空');
  else if ([...village].length > 40) bad('village', '村（社区）最多 40 个字符');
  const name = normaliseName(r.get('name'));
  if (!name) bad('name', '姓名不能为空');
  else if ([...name].length > 32) bad('name', '姓名最多 32 个字符');
  const gender = r.get('gender');
  if (gender !== '男' && gender !== '女') bad('gender', `“${gender}”无效：应为 男 或 女`);
  const birthDate = parseBirthDate(r.get('birthDate'));
  if (!birthDate) bad('birthDate', `“${r.get('birthDate')}”不是有效日期（应为 YYYY-MM-DD）`);
  const idText = normaliseIdNumber(r.get('idNumber'));
  if (!idText) bad('idNumber', '身份证号不能为空（比对以身份证号为准）');
  else {
    const problem = idNumberProblem(idText);
    // The message never repeats the number itself.
    if (problem) bad('idNumber', `身份证号${problem}`);
    else if (birthDate && `${idText.slice(6, 10)}-${idText.slice(10, 12)}-${idText.slice(12, 14)}` !== birthDate)
      bad('idNumber', '身份证号中的出生日期与“出生日期”列不一致');
  }
  const phoneText = r.get('guardianPhone');
  const guardianPhone = phoneText ? normalisePhone(phoneText) : '';
  if (guardianPhone && !/^\+86\d{9,11}$/.test(guardianPhone))
    bad('guardianPhone', '联系电话格式不对（应为 11 位手机号或带区号的座机）');
  const flags: RegisterFlag[] = [];
  for (const f of registerFlags) {
    const v = r.get(`flag:${f}`).normalize('NFKC').toUpperCase();
    if (YES.has(v)) flags.push(f);
    else if (!NO.has(v)) bad(`flag:${f}`, `“${r.get(`flag:${f}`)}”无效：应为 是 或 否`);
  }
  if (issues.length > 0 || !birthDate) return { issues, blank: false };
  const idHash = hashIdNumber(key, idText);
  const guardian = normaliseName(r.get('guardian'));
  const address = r.get('address');
  return {
    issues,
    blank: false,
    child: {
      childKey: personKeyOf({ idHash }),
      townshipId,
      village,
      name,
      gender: gender as '男' | '女',
      birthDate,
      idHash,
      idLast4: idText.slice(-4),
      ...(guardian ? { guardian } : {}),
      ...(guardianPhone ? { guardianPhone } : {}),
      ...(address ? { address } : {}),
      flags,
      row: row.row,
    },
  };
}

/** The school year a term belongs to: the autumn it starts in (a spring term belongs to the previous autumn). */
export function schoolYearOf(termStart: string): number {
  const year = Number(termStart.slice(0, 4));
  return Number(termStart.slice(5, 7)) >= 8 ? year : year - 1;
}

/**
 * Of compulsory-school age in the school year starting in the autumn of `year`: 6 to 15 years old on 31 August
 * (义务教育法 §11: enrolment at six; nine years), i.e. born from 1 September `year - 16` to 31 August `year - 6`.
 */
export function isSchoolAge(birthDate: string, year: number): boolean {
  return birthDate >= `${year - 16}-09-01` && birthDate <= `${year - 6}-08-31`;
}
