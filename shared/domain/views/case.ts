import type { Case, CaseEvent } from '../case.ts';
import { acknowledgementView, escalationLevelLabel } from '../escalation.ts';
import type { Message } from '../message.ts';
import { deliveryTaskReasonLabel, type Notice, noticeMessageIds, receiptMethodLabel } from '../notice.ts';
import { maskName, maskPhone, scrubFreeText, scrubFreeTextDeep } from '../privacy.ts';

// Views of a case's notices and messages (R9 masking), one function per resource; the audience is what the caller
// may see (`masked` / `sensitive`, from shared/domain/scope.ts). Pure: the API passes what the scope check decided.

/** The names a case's record knows (pupil, guardian): masked wherever free text repeats them outside the school. */
export const knownNames = (c: Case) => [c.studentName, c.guardian.name];

/**
 * What every notice view shows: dates, state, the receipt (送达) and the escalation. `masked` (outside the pupil's
 * school and the office, R9): who signed for it is masked like the guardian, free text passes the scrubber.
 */
export const noticeView = (n: Notice, masked = false, guardianSms?: Message) => ({
  id: n.id,
  caseId: n.caseId,
  issuedAt: n.issuedAt,
  deadline: n.deadline,
  status: n.status,
  receipt: n.receipt
    ? {
        receivedAt: n.receipt.receivedAt,
        method: n.receipt.method,
        methodLabel: receiptMethodLabel[n.receipt.method],
        receivedBy: masked ? maskName(n.receipt.receivedBy) : n.receipt.receivedBy,
        ...(n.receipt.evidenceRef
          ? { evidenceRef: masked ? scrubFreeText(n.receipt.evidenceRef) : n.receipt.evidenceRef }
          : {}),
        recordedAt: n.receipt.recordedAt,
        recordedBy: n.receipt.recordedBy.name,
      }
    : null,
  escalation: n.escalation
    ? {
        level: n.escalation.level,
        levelLabel: escalationLevelLabel[n.escalation.level] ?? String(n.escalation.level),
        nextAt: n.escalation.nextAt ?? null,
        // Officials' notes may name the child or a phone: one scrubber for every audience.
        acknowledged: n.escalation.acknowledged ? acknowledgementView(n.escalation.acknowledged) : null,
        townshipOrder: n.escalation.townshipOrder
          ? {
              kind: n.escalation.townshipOrder.kind,
              orderedOn: n.escalation.townshipOrder.orderedOn,
              ref: n.escalation.townshipOrder.ref,
              deadline: n.escalation.townshipOrder.deadline,
              lapsedAt: n.escalation.townshipOrder.lapsedAt ?? null,
            }
          : null,
        closedBy: n.escalation.closedBy ?? null,
      }
    : null,
  // The guardian's notice SMS as the provider reported it (sent, DELIVERED / UNDELIVERED with time and code): it
  // does not replace the 送达回证, which only `receipt` records.
  ...(guardianSms
    ? {
        sms: {
          status: guardianSms.status,
          sentAt: guardianSms.sentAt ?? null,
          delivery: guardianSms.delivery
            ? { status: guardianSms.delivery.status, at: guardianSms.delivery.at, code: guardianSms.delivery.code }
            : null,
        },
      }
    : {}),
  deliveryTask: n.deliveryTask
    ? {
        reason: n.deliveryTask.reason,
        reasonLabel: deliveryTaskReasonLabel[n.deliveryTask.reason],
        openedAt: n.deliveryTask.openedAt,
        code: n.deliveryTask.code ?? null,
        closedAt: n.deliveryTask.closedAt ?? null,
      }
    : null,
});

/**
 * A message of the case's log: the phone always masked; the text for the pupil's school and the office
 * (`sensitive`); outside them an official's text passes the scrubber (`names`: the names the case knows) and a
 * guardian's text (it carries the child's full name) is left out.
 */
export function caseMessageView(m: Message, sensitive: boolean, names: ReturnType<typeof knownNames>) {
  return {
    id: m.id,
    audience: m.audience,
    recipient: { role: m.recipient.role, label: m.recipient.label, phone: maskPhone(m.recipient.phone) },
    template: m.template,
    // Guardian texts carry the child's full name: only the school and the office read them. Officials' texts are
    // masked when written; outside the school they still pass the scrubber, like any free text.
    ...(sensitive ? { text: m.text } : m.audience === 'official' ? { text: scrubFreeText(m.text, names) } : {}),
    parts: m.parts,
    status: m.status,
    notBefore: m.notBefore,
    createdAt: m.createdAt,
    sentAt: m.sentAt,
    attempts: m.attempts,
    failureReason: m.failureReason,
    delivery: m.delivery ? { status: m.delivery.status, at: m.delivery.at, code: m.delivery.code } : null,
  };
}

/**
 * A case's record as one timeline, oldest first: its events, its notices (with the receipt) and its messages, plus
 * each notice with the guardian's notice SMS. `masked` (outside the pupil's school and the office, R9): visit notes
 * and event data may name the child or hold numbers, so every string of an event passes the one scrubber (known
 * names, 学籍号, ID and mobile numbers); notices and messages are masked as in their own views.
 */
export function caseTimelineView(
  c: Case,
  events: readonly CaseEvent[],
  notices: readonly Notice[],
  messages: readonly Message[],
  masked: boolean,
) {
  const names = knownNames(c);
  const items = [
    ...events.map((e) => ({
      at: e.at,
      kind: 'event' as const,
      type: e.type,
      by: e.by?.name,
      data: masked ? (scrubFreeTextDeep(e.data, names) as typeof e.data) : e.data,
    })),
    ...notices.map((n) => ({
      at: n.issuedAt,
      kind: 'notice' as const,
      type: `notice-${n.status}`,
      data: {
        deadline: n.deadline,
        status: n.status,
        resolvedAt: n.resolvedAt,
        receipt: noticeView(n, masked).receipt,
      },
    })),
    ...messages.map((m) => ({
      at: m.createdAt,
      kind: 'message' as const,
      type: m.status,
      data: caseMessageView(m, !masked, names),
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    notices: notices.map((n) =>
      noticeView(
        n,
        masked,
        messages.find((m) => m.id === noticeMessageIds.guardianNotice(n.id)),
      ),
    ),
    timeline: items,
  };
}
