import type { Case } from '../case.ts';
import { acknowledgementView, escalationLevelLabel } from '../escalation.ts';
import type { Message } from '../message.ts';
import { deliveryTaskReasonLabel, type Notice, receiptMethodLabel } from '../notice.ts';
import { maskName, maskPhone, scrubFreeText } from '../privacy.ts';

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
