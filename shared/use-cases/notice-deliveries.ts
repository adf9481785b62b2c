import type { Message } from '../domain/message.ts';
import {
  type DeliveryTaskReason,
  deliveryTaskReasonLabel,
  type Notice,
  type NoticeDeliveryTask,
  noticeMessageIds,
} from '../domain/notice.ts';
import { caseRef, noticeTemplates, renderNoticeSms } from '../domain/templates/notice-templates.ts';
import { parseDuration } from '../domain/time.ts';
import { type CaseDeps, queuedMessage } from './case-deps.ts';
import { recordNoticeReceiptUseCase } from './record-notice-receipt.ts';

export interface DeliveryCheckResult {
  checked: number;
  /** Receipts recorded from a DELIVERED SMS (only with `cases.deliveredSmsCountsAsReceipt`). */
  receiptsFromSms: number;
  /** Notices that became a delivery task for their school now (the head told). */
  tasksOpened: number;
  failed: { noticeId: string; error: string }[];
}

/** What the outbox knows of a guardian message: its state and the provider's receipt. */
export interface MessageReader {
  get(id: string): Promise<Pick<Message, 'status' | 'sentAt' | 'delivery' | 'failureReason'> | undefined>;
}

/** Whether a stage's provider delivers receipts to the cloud without setup outside the stack (Tencent, SNS). */
export const receiptsReachCloud = (kind: 'sns' | 'tencent' | 'aliyun') => kind === 'tencent' || kind === 'sns';

/**
 * Why the guardian's notice SMS has not reached the phone, or undefined while it may still (queued, sending, sent
 * and within the confirmation time, or delivered). Where receipts do not reach the cloud by themselves (Alibaba)
 * only a failure or an UNDELIVERED counts.
 */
export function deliveryProblem(
  message: Pick<Message, 'status' | 'sentAt' | 'delivery'> | undefined,
  now: Date,
  options: { confirmWithinMs: number; receiptsReachCloud: boolean },
): { reason: DeliveryTaskReason; code?: string } | undefined {
  if (!message) return undefined;
  if (message.status === 'FAILED') return { reason: 'failed' };
  if (message.delivery?.status === 'UNDELIVERED') return { reason: 'undelivered', code: message.delivery.code };
  if (message.delivery?.status === 'DELIVERED') return undefined;
  if (
    options.receiptsReachCloud &&
    message.status === 'SENT' &&
    message.sentAt &&
    new Date(message.sentAt).getTime() + options.confirmWithinMs <= now.getTime()
  )
    return { reason: 'unconfirmed' };
  return undefined;
}

/**
 * Every 15 minutes in office hours (reconcile's escalations task): a pending notice without a recorded receipt
 * whose guardian SMS failed, came back UNDELIVERED, or has no DELIVERED receipt within `sms.deliveryConfirmWithin`
 * (on Tencent, whose receipts are pulled, and SNS, whose delivery-status logs are subscribed to) becomes a task for the school: the notice carries `deliveryTask`, the case
 * timeline says so, and the head gets one SMS (deterministic id), all in one transaction. The task opens once;
 * recording the receipt (送达: on paper, by phone, in person) closes it.
 */
export async function checkNoticeDeliveriesUseCase(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'clock' | 'newId' | 'log' | 'config'> & { messages: MessageReader },
): Promise<DeliveryCheckResult> {
  const now = deps.clock.now();
  const options = {
    confirmWithinMs: parseDuration(deps.config.sms.deliveryConfirmWithin),
    // Receipts that reach the cloud on their own: Tencent's pull, SNS's delivery-status logs (sms-status-logs). On
    // Alibaba the push depends on a receipt URL configured in its console, so a missing receipt means nothing there.
    receiptsReachCloud: receiptsReachCloud(deps.config.sms.provider.kind),
  };
  const open = (await deps.repo.listOpenNotices()).filter((n) => !n.receipt && !n.deliveryTask);
  const result: DeliveryCheckResult = { checked: open.length, receiptsFromSms: 0, tasksOpened: 0, failed: [] };
  for (const notice of open) {
    try {
      const messageId = noticeMessageIds.guardianNotice(notice.id);
      const message = await deps.messages.get(messageId);
      if (deps.config.cases.deliveredSmsCountsAsReceipt && message?.delivery?.status === 'DELIVERED') {
        const r = await recordNoticeReceiptUseCase(
          deps,
          { caseId: notice.caseId, noticeId: notice.id },
          {
            receivedAt: message.delivery.at,
            method: 'sms-delivered',
            receivedBy: '监护人手机',
            evidenceRef: `短信回执 ${message.delivery.code}`.slice(0, 100),
          },
          { name: '系统' },
          { system: true },
        );
        if (r.changed) result.receiptsFromSms++;
        continue;
      }
      const problem = deliveryProblem(message, now, options);
      if (problem && (await openTask(deps, notice, messageId, problem, now))) result.tasksOpened++;
    } catch (error) {
      result.failed.push({ noticeId: notice.id, error: (error as Error).message });
      deps.log.error('delivery check: notice failed', { noticeId: notice.id, error: (error as Error).message });
    }
  }
  deps.log.info('notice deliveries checked', { ...result, failed: result.failed.length });
  return result;
}

async function openTask(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'newId' | 'log' | 'config'>,
  listed: Notice,
  messageId: string,
  problem: { reason: DeliveryTaskReason; code?: string },
  now: Date,
): Promise<boolean> {
  const [c, notice] = await Promise.all([
    deps.repo.getCase(listed.caseId),
    deps.repo.getNotice(listed.caseId, listed.id),
  ]);
  if (!c || !notice || notice.status !== 'pending' || notice.receipt || notice.deliveryTask) return false;
  const task: NoticeDeliveryTask = {
    reason: problem.reason,
    openedAt: now.toISOString(),
    messageId,
    ...(problem.code ? { code: problem.code } : {}),
  };
  const directory = await deps.directory.load();
  const school = directory.schools.find((s) => s.id === c.schoolId);
  const head = directory.people.find((p) => p.id === school?.headId && p.active);
  const enqueue: Message[] = [];
  if (head)
    enqueue.push(
      queuedMessage({
        id: noticeMessageIds.deliveryTask(notice.id),
        audience: 'official',
        recipient: { personId: head.id, role: 'school-head', phone: head.phone, label: head.name },
        // studentName goes in as is: the renderer masks it for officials (R9).
        rendered: renderNoticeSms(
          noticeTemplates.undeliveredSchoolHead,
          { studentName: c.studentName, reason: deliveryTaskReasonLabel[problem.reason], caseRef: caseRef(c.id) },
          deps.config.sms,
        ),
        notBefore: now,
        now,
        subject: { kind: 'notice', id: notice.id },
        schoolId: c.schoolId,
        townshipId: c.townshipId,
        caseId: c.id,
      }),
    );
  else deps.log.warn('delivery task: no active school head in the directory', { noticeId: notice.id });
  await deps.repo.commit({
    case: { ...c, updatedAt: now.toISOString() },
    expectedVersion: c.version,
    notice: { value: { ...notice, deliveryTask: task }, expectedVersion: notice.version },
    events: [
      {
        id: deps.newId(),
        caseId: c.id,
        at: now.toISOString(),
        type: 'notice-sms-undelivered',
        by: { name: '系统' },
        data: { noticeId: notice.id, reason: problem.reason, ...(problem.code ? { code: problem.code } : {}) },
      },
    ],
    enqueue,
  });
  deps.log.info('notice delivery task opened', { caseId: c.id, noticeId: notice.id, reason: problem.reason });
  return true;
}
