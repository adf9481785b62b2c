import * as z from 'zod/mini';
import { type Actor, actorSchema, parseInput } from '../domain/case.ts';
import { NotFoundError, StateConflictError, ValidationError } from '../domain/errors.ts';
import { assertNotFuture, cstDateTimeSchema, note, text } from '../domain/input.ts';
import type { Message } from '../domain/message.ts';
import {
  type Notice,
  type NoticeReceipt,
  noticeDeadline,
  noticeMessageIds,
  receiptMethodLabel,
  receiptMethods,
  reminderAt,
  systemReceiptMethods,
} from '../domain/notice.ts';
import { type CaseDeps, retryOnConflict } from './case-deps.ts';
import { guardianReminderMessage } from './issue-notice.ts';

/** What the school records about the 送达 (API body, CLI options, console form). */
export const receiptInputSchema = z.strictObject({
  /** When the guardian received it: `2023-02-22 10:30` (Beijing time) or an ISO instant. */
  receivedAt: cstDateTimeSchema,
  method: z.enum(receiptMethods, { error: `应为 ${receiptMethods.join(' / ')} 之一` }),
  /** Who received or signed for it (the guardian, a family member). */
  receivedBy: text(32),
  /** 送达回证 number, post tracking number, photo reference. */
  evidenceRef: z.optional(note(100)),
});
export type ReceiptInput = z.input<typeof receiptInputSchema>;
/** The system's own receipt (a DELIVERED SMS where the config lets it stand for the 送达): never from input. */
const systemReceiptSchema = z.extend(receiptInputSchema, {
  method: z.enum([...receiptMethods, ...systemReceiptMethods]),
});
export type SystemReceiptInput = z.input<typeof systemReceiptSchema>;

export interface ReceiptOutcome {
  notice: Notice;
  /** False when the same receipt was already recorded (a retry): nothing changed. */
  changed: boolean;
  previousDeadline: string;
}

/**
 * Records how and when the guardian received the 劝返复学通知书 (送达): the week of §四(一) runs from receipt.
 * 1. Validate: the notice is still running (pending), the receipt is not before the issue nor in the future.
 * 2. A receipt is recorded once. The same receipt again (a retry) changes nothing; a different one is refused (409),
 *    so the legal deadline cannot be moved back and forth.
 * 3. In ONE transaction: the notice gets the receipt and its deadline becomes receivedAt + 7 calendar days; the
 *    guardian's reminder still QUEUED is cancelled and a new one timed from the new deadline is enqueued; the timeline
 *    gets a `notice-received` event. The case-reactor moves the timer when it sees the new deadline (reconcile checks
 *    that every pending notice's timer matches its deadline).
 */
export async function recordNoticeReceiptUseCase(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'clock' | 'newId' | 'log' | 'config'>,
  ref: { caseId: string; noticeId: string },
  input: ReceiptInput | SystemReceiptInput,
  recordedBy: Actor,
  options: { system?: boolean } = {},
): Promise<ReceiptOutcome> {
  const by = parseInput(actorSchema, recordedBy, 'recordedBy');
  const r = options.system ? parseInput(systemReceiptSchema, input) : parseInput(receiptInputSchema, input);
  return retryOnConflict(async () => {
    const [c, notice] = await Promise.all([
      deps.repo.getCase(ref.caseId),
      deps.repo.getNotice(ref.caseId, ref.noticeId),
    ]);
    if (!c) throw new NotFoundError('case', ref.caseId);
    if (!notice) throw new NotFoundError('notice', ref.noticeId);
    const now = deps.clock.now();

    if (notice.receipt) {
      if (sameReceipt(notice.receipt, r)) return { notice, changed: false, previousDeadline: notice.deadline };
      throw new StateConflictError(
        `该通知书已于 ${notice.receipt.recordedAt.slice(0, 10)} 登记送达（${receiptMethodLabel[notice.receipt.method]}），` +
          '不能再次登记不同的送达信息；如登记有误，请联系教育局控辍办更正',
        'RECEIPT_ALREADY_RECORDED',
      );
    }
    if (notice.status !== 'pending')
      throw new StateConflictError(
        `该通知书已结束（${noticeStatusLabel[notice.status]}），不能再登记送达`,
        'NOTICE_NOT_PENDING',
      );
    const receivedAt = new Date(r.receivedAt);
    // The minute the school typed may be a little before the stored issue instant (seconds): compare by minute.
    if (receivedAt.getTime() < Math.floor(Date.parse(notice.issuedAt) / 60_000) * 60_000)
      throw new ValidationError([{ field: 'receivedAt', reason: '送达时间不能早于通知书签发时间' }]);
    assertNotFuture('receivedAt', r.receivedAt, now);

    const receipt: NoticeReceipt = {
      receivedAt: receivedAt.toISOString(),
      method: r.method,
      receivedBy: r.receivedBy,
      ...(r.evidenceRef ? { evidenceRef: r.evidenceRef } : {}),
      recordedAt: now.toISOString(),
      recordedBy: by,
    };
    const deadline = noticeDeadline(receivedAt);
    const cancel = await deps.repo.queuedMessageIds(notice.reminderMessageIds);
    const enqueue: Message[] = [];
    const remindAt = reminderAt(deadline, deps.config.cases.reminderDaysBefore, now);
    if (remindAt && c.guardian.phone) {
      const directory = await deps.directory.load();
      const school = directory.schools.find((s) => s.id === c.schoolId);
      if (!school) throw new NotFoundError('school', c.schoolId);
      enqueue.push(
        guardianReminderMessage(deps.config.sms, {
          id: noticeMessageIds.guardianReminderAfterReceipt(notice.id),
          noticeId: notice.id,
          case: c,
          school,
          deadline,
          remindAt,
          now,
        }),
      );
    }
    const next: Notice = {
      ...notice,
      receipt,
      // Delivered on paper, by phone or in person after all: the delivery task is done.
      ...(notice.deliveryTask && !notice.deliveryTask.closedAt
        ? { deliveryTask: { ...notice.deliveryTask, closedAt: now.toISOString() } }
        : {}),
      deadline: deadline.toISOString(),
      reminderMessageIds: [
        ...notice.reminderMessageIds.filter((id) => !cancel.includes(id)),
        ...enqueue.map((m) => m.id),
      ],
    };
    await deps.repo.commit({
      case: { ...c, updatedAt: now.toISOString() },
      expectedVersion: c.version,
      notice: { value: next, expectedVersion: notice.version },
      events: [
        {
          id: deps.newId(),
          caseId: c.id,
          at: now.toISOString(),
          type: 'notice-received',
          by,
          data: {
            noticeId: notice.id,
            receivedAt: receipt.receivedAt,
            method: receipt.method,
            deadline: next.deadline,
            previousDeadline: notice.deadline,
          },
        },
      ],
      enqueue,
      cancelMessageIds: cancel,
    });
    deps.log.info('notice receipt recorded', {
      caseId: c.id,
      noticeId: notice.id,
      method: receipt.method,
      deadline: next.deadline,
      previousDeadline: notice.deadline,
    });
    return { notice: { ...next, version: notice.version + 1 }, changed: true, previousDeadline: notice.deadline };
  });
}

const noticeStatusLabel: Record<Notice['status'], string> = {
  pending: '期限进行中',
  complied: '已按期复学',
  lapsed: '已逾期',
  withdrawn: '已撤回',
};

function sameReceipt(a: NoticeReceipt, b: z.output<typeof systemReceiptSchema>): boolean {
  return (
    a.receivedAt === new Date(b.receivedAt).toISOString() &&
    a.method === b.method &&
    a.receivedBy === b.receivedBy &&
    (a.evidenceRef ?? '') === (b.evidenceRef ?? '')
  );
}
