import { type Cadence, cadenceLabel } from '../periods.ts';
import { cstMonthDay, cstTimeOfDay } from '../time.ts';
import { defineTemplate } from './render.ts';

/** `2月20日` / `2023年第8周` / `2023年2月`: how a period reads in an SMS. */
export function periodLabel(cadence: Cadence, periodKey: string): string {
  if (cadence === 'daily') {
    const [, m, d] = periodKey.split('-');
    return `${Number(m)}月${Number(d)}日`;
  }
  if (cadence === 'weekly') {
    const [y, w] = periodKey.split('-W');
    return `${y}年第${Number(w)}周`;
  }
  const [y, m] = periodKey.split('-');
  return `${y}年${Number(m)}月`;
}

/** `2月20日17:00` in CST. */
export const deadlineLabel = (deadlineIso: string) =>
  `${cstMonthDay(new Date(deadlineIso))}${cstTimeOfDay(new Date(deadlineIso))}`;

export interface ReportParams extends Record<string, string | number> {
  school: string;
  township: string;
  period: string;
  report: string;
  deadline: string;
}

export const reportParams = (input: {
  schoolName: string;
  townshipName: string;
  cadence: Cadence;
  periodKey: string;
  deadline: string;
}): ReportParams => ({
  school: input.schoolName,
  township: input.townshipName,
  period: periodLabel(input.cadence, input.periodKey),
  report: cadenceLabel[input.cadence],
  deadline: deadlineLabel(input.deadline),
});

/** Level 0: the school head is reminded. */
export const reportReminderTemplate = defineTemplate<ReportParams>({
  id: 'report.reminder',
  audience: 'official',
  body: (p) => `${p.school}${p.period}${p.report}未报送（截止${p.deadline}），请校长尽快报送。`,
});

/** Levels 1+: the township's 包乡镇人员, the 包片领导, the 总负责人 and the office are told the school is late. */
export const reportEscalationTemplate = defineTemplate<ReportParams & { level: number }>({
  id: 'report.escalation',
  audience: 'official',
  body: (p) =>
    `[${p.level}级催报]${p.township}${p.school}${p.period}${p.report}逾期未报（截止${p.deadline}），请督促报送。`,
});

/** All report templates, for the part-count test. */
export const reportTemplates = [reportReminderTemplate, reportEscalationTemplate] as const;

/**
 * Where a late report's ladder stands, counted as the escalation SMS count it: level 0 is the head's reminder,
 * levels 1… are the escalations ("[1级催报]" to the 包乡镇人员 … "[3级催报]" to the 总负责人), so the console,
 * the CLI and the SMS agree. `sent` is the number of levels already sent (the slot's `nextLevel`).
 */
export function ladderStageLabel(sent: number, levelCount: number): string {
  if (sent <= 0) return '尚未提醒';
  if (sent === 1) return '已提醒校长';
  return `已催报至第${sent - 1}级（共${levelCount - 1}级）`;
}
