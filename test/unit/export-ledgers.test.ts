import { describe, expect, it } from 'vitest';
import { ledgersToXlsx, readXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import type { Case } from '../../shared/domain/case.ts';
import { caseLedger, ledgerToCsv, rosterLedger, seesFullName } from '../../shared/domain/export-ledgers.ts';

const aCase = (id: string, overrides: Partial<Case> = {}): Case => ({
  id,
  schoolId: 'ml-school',
  townshipId: 'maling',
  studentName: '测小明',
  grade: '七年级',
  kind: 'dropped-out',
  reason: '厌学',
  whereabouts: '在家',
  responsibleTeacher: { name: '示例老师', personId: 'teacher-1' },
  guardian: { name: '示例家长', phone: '+8613800000101' },
  povertyRegistered: true,
  state: 'persuading',
  openedAt: '2023-02-20T02:00:00.000Z',
  updatedAt: '2023-02-20T02:00:00.000Z',
  visitCount: 2,
  version: 1,
  ...overrides,
});

const names = {
  schools: new Map([
    ['ml-school', '马岭中学'],
    ['sj-school', '双江中学'],
  ]),
  townships: new Map([
    ['maling', '马岭镇'],
    ['shuangjiang', '双江镇'],
  ]),
};

const cases = () => [
  aCase('c1'),
  aCase('c2', { schoolId: 'sj-school', townshipId: 'shuangjiang', studentName: '样小红', povertyRegistered: false }),
  aCase('c3', { state: 'returned', studentName: '虚小刚', closedAt: '2023-03-01T02:00:00.000Z' }),
];

describe('who sees full names', () => {
  it('office and the pupil’s own school see full names; others do not', () => {
    expect(seesFullName({ role: 'office' }, 'ml-school')).toBe(true);
    expect(seesFullName({ role: 'school-head', schoolId: 'ml-school' }, 'ml-school')).toBe(true);
    expect(seesFullName({ role: 'teacher', schoolId: 'sj-school' }, 'ml-school')).toBe(false);
    expect(seesFullName({ role: 'township-contact' }, 'ml-school')).toBe(false);
    expect(seesFullName({ role: 'chief' }, 'ml-school')).toBe(false);
  });
});

describe('辍学学生花名册', () => {
  it('lists open cases only; a school head sees own pupils in full and others masked, without their 建档立卡 flag', () => {
    const ledger = rosterLedger(cases(), { role: 'school-head', schoolId: 'ml-school' }, names);

    expect(ledger.rows.map((r) => [r[1], r[2], r[3], r[9]])).toEqual([
      ['马岭镇', '马岭中学', '测小明', '是'],
      ['双江镇', '双江中学', '样*红', '—'],
    ]);
  });

  it('masks every name for a 包乡镇人员', () => {
    const ledger = rosterLedger(cases(), { role: 'township-contact' }, names);

    expect(ledger.rows.map((r) => r[3])).toEqual(['测*明', '样*红']);
  });
});

describe('case ledger as CSV and XLSX', () => {
  it('CSV: BOM, header, every case, masked for the reader, no guardian phone', () => {
    const csv = ledgerToCsv(caseLedger(cases(), { role: 'area-leader' }, names));

    const lines = csv.replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(lines[0]).toBe('案件编号,乡镇,学校,学生姓名,类型,状态,开案日期,家访次数,通知书,结案日期');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('c3,马岭镇,马岭中学,虚*刚,辍学,已复学,2023-02-20,2,,2023-03-01');
    expect(csv).not.toMatch(/测小明|样小红|虚小刚|13800000101/);
  });

  it('CSV quotes commas and neutralises a formula-looking cell', () => {
    const csv = ledgerToCsv(
      rosterLedger([aCase('c9', { reason: '=HYPERLINK("x")', whereabouts: '广东, 东莞' })], { role: 'office' }, names),
    );

    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('"广东, 东莞"');
  });

  it('XLSX: one sheet per ledger, readable back, full names for the office', async () => {
    const reader = { role: 'office' as const };

    const bytes = await ledgersToXlsx([rosterLedger(cases(), reader, names), caseLedger(cases(), reader, names)]);
    const sheets = await readXlsx(bytes);

    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(sheets.map((s) => s.title)).toEqual(['辍学学生花名册', '控辍保学案件台账']);
    expect(sheets[0]!.rows[0]!.slice(0, 4)).toEqual(['序号', '乡镇', '学校', '学生姓名']);
    expect(sheets[1]!.rows.map((r) => r[3])).toEqual(['学生姓名', '测小明', '样小红', '虚小刚']);
  });
});
