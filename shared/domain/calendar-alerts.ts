import type { CalendarGap } from './calendar.ts';
import { resolveRecipients } from './ladder.ts';
import type { Message } from './message.ts';
import type { DirectorySnapshot } from './ports.ts';
import { calendarGapTemplates } from './templates/calendar-templates.ts';
import { renderedFields, renderSms } from './templates/render.ts';
import { type CstDate, cstInstant, cstMonthDay } from './time.ts';

/** Days before an undecidable date on which the office is told, once each (the most urgent one crossed). */
export const CALENDAR_ALERT_DAYS = [45, 30, 14, 7] as const;

/** The threshold a gap `daysLeft` away has crossed (the smallest one at or above it), if any. */
export function crossedThreshold(
  daysLeft: number,
  thresholds: readonly number[] = CALENDAR_ALERT_DAYS,
): number | undefined {
  const crossed = thresholds.filter((t) => daysLeft <= t);
  return crossed.length === 0 ? undefined : Math.min(...crossed);
}

/** The one command that checks the fix, and what the bureau must do, in the operator's words. */
export function gapFix(gap: CalendarGap): { missing: string; fix: string; command: string } {
  if (gap.kind === 'year') {
    const command = `npm run cli -- calendar check ${gap.year}`;
    return {
      missing: `${gap.year}年国家节假日安排`,
      fix: `请按国务院通知填写config/holidays/${gap.year}.json，运行 ${command} 核对后部署。`,
      command,
    };
  }
  const command = 'npm run cli -- calendar show';
  return {
    missing: '新学期的起止日期',
    fix: `请在config/lipu.json的calendar.terms中添加新学期，运行 ${command} 核对后部署。`,
    command,
  };
}

/** One line for the console banner and the local start: what is missing, from when, and the command. */
export function gapBanner(gap: CalendarGap): string {
  const { missing, fix } = gapFix(gap);
  const when =
    gap.daysLeft > 0 ? `自 ${gap.firstDay} 起（还有 ${gap.daysLeft} 天）` : `自 ${gap.firstDay} 起（已到期）`;
  return `系统缺少${missing}：${when}报表周期将无法生成。${fix}`;
}

/**
 * The office's SMS about calendar gaps: one per gap, office person and crossed threshold (45/30/14/7 days), with a
 * deterministic id, so the daily run enqueues each once however often it runs. Sent in office hours (09:00), as
 * nothing here is urgent within the day.
 */
export function calendarGapMessages(
  gaps: readonly CalendarGap[],
  directory: DirectorySnapshot,
  now: Date,
  today: CstDate,
  sms: { signature: string; maxParts: number },
  thresholds: readonly number[] = CALENDAR_ALERT_DAYS,
): Message[] {
  const { recipients } = resolveRecipients(['office'], '', directory);
  const at = now.toISOString();
  const morning = cstInstant(today, '09:00');
  const notBefore = (morning > now ? morning : now).toISOString();
  const messages: Message[] = [];
  for (const gap of gaps) {
    const threshold = crossedThreshold(gap.daysLeft, thresholds);
    if (threshold === undefined) continue;
    const dates = { from: cstMonthDay(cstInstant(gap.firstDay)), daysLeft: gap.daysLeft };
    const rendered =
      gap.kind === 'year'
        ? renderSms(calendarGapTemplates.year, { ...dates, year: gap.year ?? 0 }, sms)
        : renderSms(calendarGapTemplates.term, dates, sms);
    for (const r of recipients)
      messages.push({
        id: `calendar#${gap.key}#${threshold}#${r.personId}`,
        audience: 'official',
        recipient: { personId: r.personId, role: r.role, phone: r.phone, label: r.name },
        ...renderedFields(rendered),
        notBefore,
        status: 'QUEUED',
        createdAt: at,
        attempts: 0,
        subject: { kind: 'system', id: `calendar#${gap.key}` },
        version: 0,
      });
  }
  return messages;
}
