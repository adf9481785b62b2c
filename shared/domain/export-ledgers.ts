import { type Case, type CaseState, caseKindLabel, closedStates } from './case.ts';
import type { Role } from './directory.ts';
import { maskName, scrubFreeText } from './privacy.ts';
import { cstDate } from './time.ts';

/**
 * The ledgers the plan asks schools to keep and report (§五(一)): the 辍学学生花名册 (pupils not back) and the
 * case ledger. Names are full only for the office and the pupil's own school (R9); everyone else gets 张*明 and
 * no 建档立卡 flag.
 */
export interface LedgerReader {
  role: Role;
  /** The reader's school (heads and teachers). */
  schoolId?: string;
}

export interface Ledger {
  title: string;
  columns: string[];
  rows: string[][];
}

const stateLabel: Record<CaseState, string> = {
  opened: '已登记',
  persuading: '劝返中',
  'notice-issued': '已发通知书',
  lapsed: '通知书逾期',
  escalated: '已上报乡镇',
  returned: '已复学',
  exempted: '已批准缓学/免学',
  transferred: '已转出',
  suspended: '休学',
};

/** True when the reader may see this pupil's full name and 建档立卡 status. */
export function seesFullName(reader: LedgerReader, schoolId: string): boolean {
  if (reader.role === 'office') return true;
  return (reader.role === 'school-head' || reader.role === 'teacher') && reader.schoolId === schoolId;
}

type Names = { schools: Map<string, string>; townships: Map<string, string> };

function base(c: Case, reader: LedgerReader, names: Names) {
  const full = seesFullName(reader, c.schoolId);
  return {
    township: names.townships.get(c.townshipId) ?? c.townshipId,
    school: names.schools.get(c.schoolId) ?? c.schoolId,
    name: full ? c.studentName : maskName(c.studentName),
    poverty: full ? (c.povertyRegistered ? '是' : '否') : '—',
    /** Free text (原因, 去向) through the one scrubber outside the school: known names, 学籍号, ID, mobile. */
    free: (text: string) => (full ? text : scrubFreeText(text, [c.studentName, c.guardian.name])),
  };
}

/** 辍学学生花名册: pupils not back (open cases), by township and school. */
export function rosterLedger(cases: readonly Case[], reader: LedgerReader, names: Names): Ledger {
  const open = cases
    .filter((c) => !closedStates.has(c.state))
    .sort(
      (a, b) =>
        a.townshipId.localeCompare(b.townshipId) ||
        a.schoolId.localeCompare(b.schoolId) ||
        a.openedAt.localeCompare(b.openedAt),
    );
  return {
    title: '辍学学生花名册',
    columns: [
      '序号',
      '乡镇',
      '学校',
      '学生姓名',
      '年级',
      '类型',
      '原因',
      '去向',
      '责任教师',
      '建档立卡',
      '登记日期',
      '状态',
    ],
    rows: open.map((c, i) => {
      const b = base(c, reader, names);
      return [
        String(i + 1),
        b.township,
        b.school,
        b.name,
        c.grade ?? '',
        caseKindLabel[c.kind],
        b.free(c.reason),
        b.free(c.whereabouts),
        c.responsibleTeacher.name,
        b.poverty,
        cstDate(new Date(c.openedAt)),
        stateLabel[c.state],
      ];
    }),
  };
}

/** Case ledger (案件台账): every case with its state, visits and dates. */
export function caseLedger(cases: readonly Case[], reader: LedgerReader, names: Names): Ledger {
  const sorted = [...cases].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
  return {
    title: '控辍保学案件台账',
    columns: ['案件编号', '乡镇', '学校', '学生姓名', '类型', '状态', '开案日期', '家访次数', '通知书', '结案日期'],
    rows: sorted.map((c) => {
      const b = base(c, reader, names);
      return [
        c.id,
        b.township,
        b.school,
        b.name,
        caseKindLabel[c.kind],
        stateLabel[c.state],
        cstDate(new Date(c.openedAt)),
        String(c.visitCount),
        c.currentNoticeId ? '已发' : '',
        c.closedAt ? cstDate(new Date(c.closedAt)) : '',
      ];
    }),
  };
}

/** A cell as CSV: quoted when needed; a leading = + - @ is neutralised so a spreadsheet does not run it. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV with a UTF-8 BOM (Excel opens Chinese text correctly) and CRLF line ends. */
export function ledgerToCsv(ledger: Ledger): string {
  return `\uFEFF${[ledger.columns, ...ledger.rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
