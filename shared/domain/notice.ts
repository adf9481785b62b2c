import type { SchoolCalendar } from './calendar.ts';
import type { NoticeEscalation } from './escalation.ts';
import { cstDate, DAY_MS } from './time.ts';

/**
 * A 劝返复学通知书 (§四(一)): issued to the guardian after repeated persuasion failed. The guardian has one week
 * (一周内) to send the child back; otherwise the school reports to the township government and the bureau.
 */
export const NOTICE_DAYS = 7;

export const noticeStatuses = ['pending', 'complied', 'lapsed', 'withdrawn'] as const;
/** pending: the week runs; complied: the child returned in time; lapsed: the week passed (escalated);
 * withdrawn: the case ended otherwise (exemption, 转出, 休学). */
export type NoticeStatus = (typeof noticeStatuses)[number];

export interface Notice {
  id: string;
  caseId: string;
  schoolId: string;
  townshipId: string;
  issuedAt: string;
  /**
   * The return deadline (ISO UTC): receipt + 7 calendar days. Until a receipt is recorded it is provisional,
   * issuedAt + 7 (the guardian's SMS goes out at issue), and the head is reminded each school day to record one.
   */
  deadline: string;
  /** How and when the guardian received the notice (送达); absent until the school records it. */
  receipt?: NoticeReceipt;
  /** The guardian's notice SMS was not delivered (or not confirmed in time): the school delivers on paper or by phone. */
  deliveryTask?: NoticeDeliveryTask;
  /** After a lapse: the re-escalation chain, its acknowledgement and the township's order (escalation.ts). */
  escalation?: NoticeEscalation;
  status: NoticeStatus;
  issuedBy: { personId?: string; name: string };
  /** Deterministic EventBridge schedule name (see timerName). */
  timerName: string;
  /** Outbox ids of the guardian reminders, so an early end can cancel them. */
  reminderMessageIds: string[];
  resolvedAt?: string;
  version: number;
}

/** How a school records a receipt (API, CLI, console). */
export const receiptMethods = ['in-person', 'signed-receipt', 'post'] as const;
/**
 * Recorded by the system only, where the bureau's config says so (`cases.deliveredSmsCountsAsReceipt`): the
 * provider's DELIVERED receipt of the guardian's notice SMS stands for the 送达. Never accepted as input.
 */
export const systemReceiptMethods = ['sms-delivered'] as const;
export type ReceiptMethod = (typeof receiptMethods)[number] | (typeof systemReceiptMethods)[number];
export const receiptMethodLabel: Record<ReceiptMethod, string> = {
  'in-person': '当面送达',
  'signed-receipt': '签收送达回证',
  post: '邮寄送达',
  'sms-delivered': '短信已送达（按本局规定视为送达）',
};

/** The 送达 of a notice: the week of §四(一) runs from `receivedAt` (法定监护人在接到通知书后一周内…). */
export interface NoticeReceipt {
  receivedAt: string;
  method: ReceiptMethod;
  /** Who received (signed for) it, e.g. the guardian or a family member. */
  receivedBy: string;
  /** 送达回证 number, post tracking number, photo reference. */
  evidenceRef?: string;
  recordedAt: string;
  recordedBy: { personId?: string; name: string };
}

export const deliveryTaskReasons = ['failed', 'undelivered', 'unconfirmed'] as const;
export type DeliveryTaskReason = (typeof deliveryTaskReasons)[number];
/** As the head's SMS and the console name it (at most 6 characters: the provider's `reason` variable). */
export const deliveryTaskReasonLabel: Record<DeliveryTaskReason, string> = {
  failed: '发送失败',
  undelivered: '未送达',
  unconfirmed: '未确认送达',
};

/**
 * The school's task when the guardian's notice SMS did not reach the phone: deliver the notice on paper or tell
 * the guardian by phone, then record the receipt (送达), which closes the task.
 */
export interface NoticeDeliveryTask {
  reason: DeliveryTaskReason;
  openedAt: string;
  /** The guardian message it is about, and the provider's code when a receipt said UNDELIVERED. */
  messageId: string;
  code?: string;
  /** Set when the receipt is recorded. */
  closedAt?: string;
}

/** The deadline of a notice issued at an instant: seven calendar days later, same time of day (CST has no DST). */
export function noticeDeadline(issuedAt: Date): Date {
  return new Date(issuedAt.getTime() + NOTICE_DAYS * DAY_MS);
}

const TIMER_NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

/** Deterministic schedule name for a notice: EventBridge Scheduler names are 1–64 chars of [0-9a-zA-Z-_.]. */
export function timerName(noticeId: string): string {
  const name = `notice-${noticeId}`;
  if (!TIMER_NAME.test(name)) throw new RangeError(`notice id ${noticeId} does not make a valid schedule name`);
  return name;
}

/** Outbox ids derived from the notice, so a retry can never enqueue the same SMS twice. */
export const noticeMessageIds = {
  guardianNotice: (noticeId: string) => `notice-${noticeId}-guardian`,
  guardianReminder: (noticeId: string) => `notice-${noticeId}-reminder`,
  /** The reminder re-timed from the receipt (a receipt is recorded once, so one id is enough). */
  guardianReminderAfterReceipt: (noticeId: string) => `notice-${noticeId}-reminder-received`,
  /** The head's reminder to record the receipt, one per notice per CST day. */
  receiptReminder: (noticeId: string, day: string) => `notice-${noticeId}-receipt-${day}`,
  escalation: (noticeId: string, personId: string) => `notice-${noticeId}-escalation-${personId}`,
  /** The head's SMS about the delivery task (one per notice: a task opens once). */
  deliveryTask: (noticeId: string) => `notice-${noticeId}-undelivered`,
};

/** When the guardian reminder goes out: N days before the deadline; none if N is 0 or that moment has passed. */
export function reminderAt(deadline: Date, daysBefore: number, now: Date): Date | undefined {
  if (daysBefore <= 0) return undefined;
  const at = new Date(deadline.getTime() - daysBefore * DAY_MS);
  return at.getTime() > now.getTime() ? at : undefined;
}

/** The payload the timer carries to the notice-deadline function. */
export interface NoticeTimerPayload {
  caseId: string;
  noticeId: string;
}

/**
 * What the issuer should see before a notice goes out (Chinese, one line each): issued outside term, its return
 * deadline on a day that is not a school day (a holiday, the break), or the guardian's reminder on a public
 * holiday. Empty otherwise. Never throws: a day the calendar cannot decide is reported as such.
 */
export function noticeDateWarnings(
  calendar: SchoolCalendar,
  dates: { issuedAt: Date; deadline: Date; reminderAt?: Date },
): string[] {
  const warnings: string[] = [];
  const issued = calendar.describe(cstDate(dates.issuedAt));
  if (issued.kind === 'out-of-term' || issued.kind === 'undecided')
    warnings.push(`签发日 ${cstDate(dates.issuedAt)} 不在学期内（${dayText(issued)}）`);
  const deadline = calendar.describe(cstDate(dates.deadline));
  if (deadline.kind !== 'school')
    warnings.push(`返校期限 ${cstDate(dates.deadline)} 不是上课日（${dayText(deadline)}）`);
  // A reminder on a weekend is fine (the guardian is at home); on a public holiday the family may be away.
  const reminder = dates.reminderAt && calendar.describe(cstDate(dates.reminderAt));
  if (reminder && reminder.kind === 'holiday')
    warnings.push(`家长提醒短信 ${cstDate(dates.reminderAt!)} 在${reminder.label}`);
  return warnings;
}

function dayText(day: ReturnType<SchoolCalendar['describe']>): string {
  return day.kind === 'undecided' ? `${day.label}：${day.reason}` : day.label;
}
