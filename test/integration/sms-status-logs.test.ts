import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import type { Deps } from '../../functions/deps.ts';
import { logGroupName, SNS_SMS_STATUS_LOG_GROUPS } from '../../functions/manifest.ts';
import { createOutboxDispatcherHandler } from '../../functions/outbox-dispatcher/index.ts';
import { createReconcileHandler, ESCALATIONS_TASK } from '../../functions/reconcile/index.ts';
import { createSmsStatusLogsHandler } from '../../functions/sms-status-logs/index.ts';
import { awslogsEvent } from '../../local/awslogs.ts';
import { DynamoDispatchOutbox } from '../../shared/adapters/dynamo/dispatch-outbox.ts';
import { messageKey, providerMessageKey } from '../../shared/adapters/dynamo/message-items.ts';
import { SnsSmsSender } from '../../shared/adapters/sms/sns-sms-sender.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { caseTestbed, openCaseInput } from '../support/case-fixtures.ts';
import { streamEvent } from '../support/stream-events.ts';

// Monday 2023-02-20 10:00 CST: the notice is issued; its guardian SMS goes out at once through SNS.
const ISSUED = cstInstant('2023-02-20', '10:00');
const snsMock = mockClient(SNSClient);
afterEach(() => snsMock.reset());

/** A guardian notice sent through the SNS adapter (Publish mocked to return `messageId`) by the real dispatcher. */
async function sentThroughSns(messageId: string | undefined) {
  const bed = await caseTestbed(ISSUED.toISOString());
  snsMock.on(PublishCommand).resolves({ MessageId: messageId });
  const deps: Deps = { ...bed.deps, sms: new SnsSmsSender(new SNSClient({ region: 'ap-southeast-1' }), 'BAOXUE') };
  const cases = caseDepsOf(deps);
  const c = await openCaseUseCase(cases, openCaseInput());
  for (const outcome of ['not-home', 'refused'] as const)
    await logVisitUseCase(cases, c.id, { by: { name: '示例老师' }, at: ISSUED.toISOString(), outcome });
  const notice = await issueNoticeUseCase(cases, c.id, { name: '示例校长', personId: 'p-head' });
  const guardianId = `notice-${notice.id}-guardian`;
  const queued = (await bed.messagesOf(notice.id)).find((m) => m.id === guardianId)!;
  await createOutboxDispatcherHandler(deps)(
    streamEvent({ eventName: 'INSERT', next: { ...messageKey(guardianId), entity: 'MSG', ...queued } }),
  );
  const get = async (key: Record<string, string>) =>
    (await bed.doc.send(new GetCommand({ TableName: bed.tableName, Key: key, ConsistentRead: true }))).Item;
  const statusLog = (status: 'SUCCESS' | 'FAILURE', id = messageId ?? 'none') =>
    awslogsEvent({
      owner: '111122223333',
      logGroup: logGroupName(SNS_SMS_STATUS_LOG_GROUPS[status === 'SUCCESS' ? 0 : 1], 'ap-southeast-1', '111122223333'),
      logStream: 'a1b2',
      subscriptionFilter: 'sms-status-logs',
      events: [
        {
          id: '31953106606966983378809025079804211143289615424298221568',
          timestamp: ISSUED.getTime() + 5000,
          message: JSON.stringify({
            notification: { messageId: id, timestamp: '2023-02-20 02:00:04.558' },
            delivery: {
              phoneCarrier: 'China Mobile',
              mnc: 0,
              destination: openCaseInput().guardian.phone,
              priceInUSD: 0.03,
              smsType: 'Transactional',
              mcc: 460,
              providerResponse:
                status === 'SUCCESS'
                  ? 'Message has been accepted by phone carrier'
                  : 'Phone carrier has blocked this message',
              dwellTimeMs: 599,
            },
            status,
          }),
        },
      ],
    });
  const statusLogs = createSmsStatusLogsHandler(deps);
  const sweep = async (at: Date) => {
    bed.clock.set(at.toISOString());
    const out = (await createReconcileHandler(deps)({ task: ESCALATIONS_TASK })) as { deliveries: unknown };
    return out.deliveries as { checked: number; tasksOpened: number };
  };
  return { ...bed, c, notice, guardianId, get, statusLog, statusLogs, sweep };
}

describe('SNS delivery-status logs reach the message through the MessageId Publish returned', () => {
  it('SENT writes the MessageId lookup in the same write; a SUCCESS log makes the message DELIVERED, once', async () => {
    const t = await sentThroughSns('5e1c0a52-1111-5f6e-9a7b-000000000001');
    const message = await t.get(messageKey(t.guardianId));
    expect([message?.status, message?.providerMessageId]).toEqual(['SENT', '5e1c0a52-1111-5f6e-9a7b-000000000001']);
    const lookup = await t.get(providerMessageKey('sns', '5e1c0a52-1111-5f6e-9a7b-000000000001'));
    expect(lookup).toMatchObject({ entity: 'PMSG', messageId: t.guardianId });
    expect(lookup?.expiresAt).toBeGreaterThan(ISSUED.getTime() / 1000);

    expect(await t.statusLogs(t.statusLog('SUCCESS'))).toMatchObject({ recorded: 1, duplicate: 0, unknown: 0 });
    // CloudWatch Logs redelivering the same batch changes nothing.
    expect(await t.statusLogs(t.statusLog('SUCCESS'))).toMatchObject({ recorded: 0, duplicate: 1 });
    const delivered = await t.get(messageKey(t.guardianId));
    expect(delivered?.delivery).toEqual({
      status: 'DELIVERED',
      at: '2023-02-20T02:00:04.558Z',
      code: 'Message has been accepted by phone carrier',
      provider: 'sns',
      providerMessageId: '5e1c0a52-1111-5f6e-9a7b-000000000001',
      receivedAt: ISSUED.toISOString(),
    });
    // The log's destination is not stored: neither on the delivery record nor on the lookup.
    expect(JSON.stringify([delivered?.delivery, lookup])).not.toContain('13800000101');
    // Delivered: no delivery task, however late the sweep.
    expect((await t.sweep(cstInstant('2023-02-20', '15:00'))).tasksOpened).toBe(0);
  });

  it('a FAILURE log makes it UNDELIVERED and the next sweep opens the school’s delivery task', async () => {
    const t = await sentThroughSns('5e1c0a52-2222-5f6e-9a7b-000000000002');
    expect(await t.statusLogs(t.statusLog('FAILURE'))).toMatchObject({ recorded: 1 });
    expect((await t.get(messageKey(t.guardianId)))?.delivery).toMatchObject({
      status: 'UNDELIVERED',
      code: 'Phone carrier has blocked this message',
    });
    expect((await t.sweep(cstInstant('2023-02-20', '10:15'))).tasksOpened).toBe(1);
    expect((await t.noticeItem(t.c.id, t.notice.id)).deliveryTask).toMatchObject({
      reason: 'undelivered',
      code: 'Phone carrier has blocked this message',
    });
  });

  it('on SNS no DELIVERED log within deliveryConfirmWithin (2h) is now “unconfirmed”', async () => {
    const t = await sentThroughSns('5e1c0a52-3333-5f6e-9a7b-000000000003');
    expect((await t.sweep(cstInstant('2023-02-20', '11:45'))).tasksOpened).toBe(0);
    expect((await t.sweep(cstInstant('2023-02-20', '12:15'))).tasksOpened).toBe(1);
    expect((await t.noticeItem(t.c.id, t.notice.id)).deliveryTask.reason).toBe('unconfirmed');
  });

  it('a log for a MessageId we never sent is counted unknown and changes nothing', async () => {
    const t = await sentThroughSns('5e1c0a52-4444-5f6e-9a7b-000000000004');
    const out = await t.statusLogs(t.statusLog('FAILURE', '5e1c0a52-9999-5f6e-9a7b-00000000dead'));
    expect(out).toMatchObject({ recorded: 0, unknown: 1 });
    expect((await t.get(messageKey(t.guardianId)))?.delivery).toBeUndefined();
  });

  it('five deliveries of the same log at once record one receipt', async () => {
    const t = await sentThroughSns('5e1c0a52-5555-5f6e-9a7b-000000000005');
    const outs = await Promise.all(Array.from({ length: 5 }, () => t.statusLogs(t.statusLog('SUCCESS'))));
    expect(outs.map((o) => o.recorded).reduce((a, b) => a + b, 0)).toBe(1);
    expect(outs.map((o) => o.duplicate).reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('no lookup for a stale SENT mark (the message changed meanwhile) or for an `unknown:` placeholder id', async () => {
    const t = await sentThroughSns('5e1c0a52-6666-5f6e-9a7b-000000000006');
    const outbox = new DynamoDispatchOutbox(t.doc, t.tableName, 'sns');
    const stored = (await outbox.get(t.guardianId))!;
    // Already SENT (version moved on): a second SENT mark for the claim it had is refused, and writes no lookup.
    const stale = { ...stored, status: 'SENDING' as const, version: stored.version - 1 };
    expect(await outbox.markSent(stale, '5e1c0a52-7777-5f6e-9a7b-000000000007', new Date())).toBe(false);
    expect(await t.get(providerMessageKey('sns', '5e1c0a52-7777-5f6e-9a7b-000000000007'))).toBeUndefined();

    // Publish accepted without a MessageId: the adapter's `unknown:<our id>` placeholder takes the plain SENT mark.
    const t2 = await sentThroughSns(undefined);
    const sent = await t2.get(messageKey(t2.guardianId));
    expect([sent?.status, sent?.providerMessageId]).toEqual(['SENT', `unknown:${t2.guardianId}`]);
    expect(await t2.get(providerMessageKey('sns', `unknown:${t2.guardianId}`))).toBeUndefined();
  });
});
