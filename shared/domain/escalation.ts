import type { Actor } from './case.ts';
import { scrubFreeText } from './privacy.ts';
import { addDays, type CstDate, cstInstant } from './time.ts';

/**
 * What follows a lapsed 劝返复学通知书 (§四(一): 学校报告乡镇政府和教育局, 乡镇政府依法责令限期改正).
 *
 * Level 0 is the lapse alert itself (school head, 包乡镇人员, township government, office). Until an official
 * acknowledges it (takes it on), it re-escalates after a configured working-time delay, PagerDuty-style:
 * level 1 the 包片领导 of the township's area, level 2 the 总负责人 and the office. An acknowledgement — or the
 * township recording its order (责令限期改正 / 限期返校), which is taking it on — stops the chain. The order has its
 * own deadline; if the child is still not back then, the chief and the office are alerted once. A return (or any
 * end of the case) ends both.
 */
export const ESCALATION_LEVELS = 2;

export const escalationLevelLabel: Record<number, string> = {
  0: '学校、包乡镇人员、乡镇政府、控辍办',
  1: '包片领导',
  2: '总负责人和控辍办',
};

export const townshipOrderKinds = ['责令限期改正', '限期返校'] as const;
export type TownshipOrderKind = (typeof townshipOrderKinds)[number];

export interface EscalationAck {
  by: Actor & { role: string };
  at: string;
  note: string;
}

/** An acknowledgement by the signed-in official (report ladder level, missed visit): who, when, the note. */
export const acknowledgementBy = (
  by: { personId: string; name?: string; role: string },
  at: Date,
  note: string,
): { by: { personId: string; name: string; role: string }; at: string; note: string } => ({
  by: { personId: by.personId, name: by.name ?? by.personId, role: by.role },
  at: at.toISOString(),
  note,
});

/** How every view shows an acknowledgement: the note may name the child or a phone, so it passes the scrubber. */
export const acknowledgementView = (ack: EscalationAck) => ({
  by: ack.by.name,
  role: ack.by.role,
  at: ack.at,
  note: scrubFreeText(ack.note),
});

export interface TownshipOrder {
  kind: TownshipOrderKind;
  /** The day the township government made the order. */
  orderedOn: CstDate;
  /** The order's document reference (文号). */
  ref: string;
  /** The day by which the child must be back; checked the next morning at 08:00 CST (`orderLapseAt`). */
  deadline: CstDate;
  recordedBy: Actor;
  recordedAt: string;
  /** Set when the deadline passed with the child still not back (the chief and the office were alerted). */
  lapsedAt?: string;
}

export interface NoticeEscalation {
  /** The highest level alerted so far (0: the lapse alert). */
  level: number;
  /** When the next level is due (ISO); absent once acknowledged, or when the last level was reached. */
  nextAt?: string;
  acknowledged?: EscalationAck;
  townshipOrder?: TownshipOrder;
  /** Why the chain and any order stopped without an acknowledgement (the case ended: returned, transferred…). */
  closedBy?: { state: string; at: string };
}

/** The instant a township order's deadline is checked: 08:00 CST the day after it (an official reads it then). */
export function orderLapseAt(order: Pick<TownshipOrder, 'deadline'>): Date {
  return cstInstant(addDays(order.deadline, 1), '08:00');
}

/**
 * When the escalation next needs the sweep: the next re-escalation, or the township order's deadline check;
 * undefined when nothing is left to do (the notice then leaves the due index).
 */
export function escalationDueAt(e: NoticeEscalation | undefined): string | undefined {
  if (!e || e.closedBy) return undefined;
  const due: string[] = [];
  if (e.nextAt && !e.acknowledged) due.push(e.nextAt);
  if (e.townshipOrder && !e.townshipOrder.lapsedAt) due.push(orderLapseAt(e.townshipOrder).toISOString());
  return due.sort()[0];
}
