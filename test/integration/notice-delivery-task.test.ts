import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import type { Deps } from '../../functions/deps.ts';
import { createReconcileHandler, ESCALATIONS_TASK } from '../../functions/reconcile/index.ts';
import { localProviderConfig } from '../../local/sms-provider-local.ts';
import { DynamoDeliveryReceipts } from '../../shared/adapters/dynamo/delivery-receipts.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordNoticeReceiptUseCase } from '../../shared/use-cases/record-notice-receipt.ts';
import { caseTestbed, openCaseInput } from '../support/case-fixtures.ts';

// Monday 2023-02-20 10:00 CST: the notice is issued and its SMS goes out at 10:01.
const ISSUED = cstInstant('2023-02-20', '10:00');
const SENT = cstInstant('2023-02-20', '10:01');
const head = { name: '示例校长', personId: 'p-head' };

async function issued(provider: 'sns' | 'tencent' | 'aliyun', deliveredCounts = false) {
  const bed = await caseTestbed(ISSUED.toISOString());
  const config = provider === 'sns' ? bed.deps.config : localProviderConfig(bed.deps.config, provider, '127.0.0.1:1');
  const deps: Deps = {
    ...bed.deps,
    config: { ...config, cases: { ...config.cases, deliveredSmsCountsAsReceipt: deliveredCounts } },
  };
  const cases = caseDepsOf(deps);
  const c = await openCaseUseCase(cases, openCaseInput());
  for (const outcome of ['not-home', 'refused'] as const)
    await logVisitUseCase(cases, c.id, { by: { name: '示例老师' }, at: ISSUED.toISOString(), outcome });
  const notice = await issueNoticeUseCase(cases, c.id, head);
  const guardianId = `notice-${notice.id}-guardian`;
  /** The dispatcher's outcome for the guardian's SMS, written as it would (status, sentAt). */
  const setMessage = (status: 'SENT' | 'FAILED') =>
    bed.doc.send(
      new UpdateCommand({
        TableName: bed.tableName,
        Key: { pk: `MSG#${guardianId}`, sk: 'MSG' },
        UpdateExpression: 'SET #s = :s, sentAt = :at REMOVE gsi1pk, gsi1sk',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':at': SENT.toISOString() },
      }),
    );
  const receipt = (status: 'DELIVERED' | 'UNDELIVERED', code: string) =>
    new DynamoDeliveryReceipts(bed.doc, bed.tableName).record(
      guardianId,
      { provider: 'tencent', messageId: guardianId, status, at: SENT.toISOString(), code },
      SENT,
    );
  const sweep = async (at: Date) => {
    bed.clock.set(at.toISOString());
    const out = (await createReconcileHandler(deps)({ task: ESCALATIONS_TASK })) as { deliveries: unknown };
    return out.deliveries as { checked: number; tasksOpened: number };
  };
  const headMessages = async () =>
    (await bed.messagesOf(notice.id)).filter((m) => String(m.id).endsWith('-undelivered'));
  const events = async () => (await cases.repo.listEvents(c.id)).map((e) => e.type);
  return { ...bed, deps, cases, c, notice, setMessage, receipt, sweep, headMessages, events };
}

describe('a guardian notice SMS that does not reach the phone becomes the school’s task', () => {
  it('UNDELIVERED receipt: one task, the head told once, on the timeline; a second sweep adds nothing', async () => {
    const t = await issued('tencent');
    await t.setMessage('SENT');
    expect(await t.receipt('UNDELIVERED', 'UNDELIV')).toBe('recorded');

    const first = await t.sweep(cstInstant('2023-02-20', '10:15'));
    const again = await t.sweep(cstInstant('2023-02-20', '10:30'));

    expect([first.tasksOpened, again.tasksOpened]).toEqual([1, 0]);
    const notice = await t.noticeItem(t.c.id, t.notice.id);
    expect(notice.deliveryTask).toMatchObject({ reason: 'undelivered', code: 'UNDELIV' });
    const told = await t.headMessages();
    expect(told.map((m) => [m.status, m.recipient.personId])).toEqual([['QUEUED', 'p-head']]);
    expect(told[0]!.text).toContain('短信未送达，请纸质送达或电话告知家长');
    // R9: the pupil's name is masked in an official's SMS.
    expect(told[0]!.text).not.toContain(openCaseInput().studentName);
    expect((await t.events()).filter((e) => e === 'notice-sms-undelivered')).toHaveLength(1);
  });

  it('no receipt within deliveryConfirmWithin (2h) on a provider with receipts: unconfirmed; DELIVERED: no task', async () => {
    const t = await issued('tencent');
    await t.setMessage('SENT');
    expect((await t.sweep(cstInstant('2023-02-20', '11:45'))).tasksOpened).toBe(0);
    expect((await t.sweep(cstInstant('2023-02-20', '12:01'))).tasksOpened).toBe(1);
    expect((await t.noticeItem(t.c.id, t.notice.id)).deliveryTask.reason).toBe('unconfirmed');

    const ok = await issued('tencent');
    await ok.setMessage('SENT');
    await ok.receipt('DELIVERED', 'DELIVRD');
    expect((await ok.sweep(cstInstant('2023-02-20', '15:00'))).tasksOpened).toBe(0);
    expect(await ok.headMessages()).toEqual([]);
  });

  it('on SNS (delivery-status logs) too: no DELIVERED receipt within 2h is “unconfirmed”', async () => {
    const t = await issued('sns');
    await t.setMessage('SENT');
    expect((await t.sweep(cstInstant('2023-02-20', '11:45'))).tasksOpened).toBe(0);
    expect((await t.sweep(cstInstant('2023-02-20', '12:01'))).tasksOpened).toBe(1);
    expect((await t.noticeItem(t.c.id, t.notice.id)).deliveryTask.reason).toBe('unconfirmed');
  });

  it('on Alibaba (the push needs the console’s receipt URL) a sent SMS is never “unconfirmed”; FAILED is a task at once', async () => {
    const t = await issued('aliyun');
    await t.setMessage('SENT');
    const swept = await t.sweep(cstInstant('2023-02-21', '09:00'));
    expect([swept.tasksOpened, (await t.noticeItem(t.c.id, t.notice.id)).deliveryTask]).toEqual([0, undefined]);

    const failed = await issued('sns');
    await failed.setMessage('FAILED');
    expect((await failed.sweep(cstInstant('2023-02-20', '10:15'))).tasksOpened).toBe(1);
    expect((await failed.headMessages())[0]!.text).toContain('短信发送失败');
  });

  it('a queued SMS (quiet hours, retrying) is no task yet', async () => {
    const t = await issued('tencent');
    expect((await t.sweep(cstInstant('2023-02-20', '18:00'))).tasksOpened).toBe(0);
  });

  it('recording the receipt (delivered on paper) closes the task', async () => {
    const t = await issued('tencent');
    await t.setMessage('FAILED');
    await t.sweep(cstInstant('2023-02-20', '10:15'));
    t.clock.set(cstInstant('2023-02-20', '16:00').toISOString());
    await recordNoticeReceiptUseCase(
      t.cases,
      { caseId: t.c.id, noticeId: t.notice.id },
      { receivedAt: '2023-02-20 15:40', method: 'signed-receipt', receivedBy: '示例家长' },
      head,
    );
    const notice = await t.noticeItem(t.c.id, t.notice.id);
    expect(notice.deliveryTask.closedAt).toBe(cstInstant('2023-02-20', '16:00').toISOString());
    // Received: no later sweep reopens it.
    expect((await t.sweep(cstInstant('2023-02-20', '16:15'))).checked).toBe(0);
  });

  it('two sweeps at once open one task and send the head one SMS', async () => {
    const t = await issued('tencent');
    await t.setMessage('FAILED');
    t.clock.set(cstInstant('2023-02-20', '10:15').toISOString());
    const run = () => createReconcileHandler(t.deps)({ task: ESCALATIONS_TASK }).catch((e: Error) => e.message);
    const outcomes = await Promise.all([run(), run(), run()]);
    expect(await t.headMessages()).toHaveLength(1);
    expect((await t.events()).filter((e) => e === 'notice-sms-undelivered')).toHaveLength(1);
    // A loser either saw the task already open or lost the version race (reported, retried next sweep).
    expect(outcomes.length).toBe(3);
  });

  it('with cases.deliveredSmsCountsAsReceipt a DELIVERED SMS records the 送达 (the week runs from it); never as input', async () => {
    const t = await issued('tencent', true);
    await t.setMessage('SENT');
    await t.receipt('DELIVERED', 'DELIVRD'); // delivered at 10:01 Monday
    const swept = (await t.sweep(cstInstant('2023-02-20', '10:15'))) as unknown as { receiptsFromSms: number };
    expect(swept.receiptsFromSms).toBe(1);
    const notice = await t.noticeItem(t.c.id, t.notice.id);
    expect(notice.receipt).toMatchObject({ method: 'sms-delivered', receivedAt: SENT.toISOString() });
    expect(notice.deadline).toBe(cstInstant('2023-02-27', '10:01').toISOString());
    expect(notice.deliveryTask).toBeUndefined();
    expect(await t.events()).toContain('notice-received');
    // A school cannot claim it: the method is the system's only.
    const other = await issued('tencent');
    await expect(
      recordNoticeReceiptUseCase(
        other.cases,
        { caseId: other.c.id, noticeId: other.notice.id },
        { receivedAt: '2023-02-20 10:05', method: 'sms-delivered' as 'post', receivedBy: '示例家长' },
        head,
      ),
    ).rejects.toThrow(/method/);
    // Default (false): the same DELIVERED SMS leaves the receipt to the school.
    await other.setMessage('SENT');
    await other.receipt('DELIVERED', 'DELIVRD');
    await other.sweep(cstInstant('2023-02-20', '10:15'));
    expect((await other.noticeItem(other.c.id, other.notice.id)).receipt).toBeUndefined();
  });
});
