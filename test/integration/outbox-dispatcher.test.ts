import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { createOutboxDispatcherHandler } from '../../functions/outbox-dispatcher/index.ts';
import { createReleaseMessagesHandler } from '../../functions/release-messages/index.ts';
import { transactWrite } from '../../shared/adapters/dynamo/client.ts';
import { enqueueMessage } from '../../shared/adapters/dynamo/message-items.ts';
import { DynamoOutboxRepository } from '../../shared/adapters/dynamo/outbox-repository.ts';
import { providerError } from '../../shared/adapters/sms/provider-errors.ts';
import { SnsSmsSender } from '../../shared/adapters/sms/sns-sms-sender.ts';
import type { Message } from '../../shared/domain/message.ts';
import type { SmsSender } from '../../shared/domain/ports.ts';
import { messageItems, optedOut, queuedEvent, reportsWorld, streamEvent, throttled } from '../support/reports-world.ts';

// 10:00 CST on a Monday.
const MORNING = '2023-02-20T02:00:00.000Z';

const message = (id: string, overrides: Partial<Message> = {}): Message => ({
  id,
  audience: 'official',
  recipient: { personId: 'head-1', role: 'school-head', phone: '+8613800000001', label: '测试校长甲' },
  template: 'report.reminder',
  text: `【荔浦教育】测试消息${id}`,
  parts: 1,
  notBefore: MORNING,
  status: 'QUEUED',
  createdAt: MORNING,
  attempts: 0,
  subject: { kind: 'slot', id: 'sch-1:daily:2023-02-20' },
  schoolId: 'sch-1',
  version: 0,
  ...overrides,
});

async function enqueue(world: Awaited<ReturnType<typeof reportsWorld>>, ...messages: Message[]) {
  await transactWrite(
    world.doc,
    messages.map((m) => enqueueMessage(world.tableName, m)),
  );
}

const stored = async (world: Awaited<ReturnType<typeof reportsWorld>>, id: string) =>
  new DynamoOutboxRepository(world.doc, world.tableName).get(id);

describe('outbox dispatcher', () => {
  it('sends each SMS once when the same stream batch is delivered twice', async () => {
    const world = await reportsWorld(MORNING);
    await enqueue(
      world,
      message('msg-aaaa-1'),
      message('msg-aaaa-2', { recipient: { ...message('x').recipient, phone: '+8613800000002' } }),
    );
    const dispatch = createOutboxDispatcherHandler(world.deps);
    const batch = await queuedEvent(world.doc, world.tableName);

    const first = await dispatch(batch);
    const second = await dispatch(batch);

    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(world.sms.sent.map((s) => s.messageId)).toEqual(['msg-aaaa-1', 'msg-aaaa-2']);
    const record = await stored(world, 'msg-aaaa-1');
    expect(record).toMatchObject({ status: 'SENT', attempts: 1, providerMessageId: 'fake-1', sentAt: MORNING });
    expect((await messageItems(world.doc, world.tableName)).every((m) => m.gsi1pk === undefined)).toBe(true);
    expect(world.metrics.totals.get('SmsSent')).toBe(2);
  });

  it('sends each SMS once when two dispatchers get the same batch at the same time', async () => {
    const world = await reportsWorld(MORNING);
    await enqueue(world, message('msg-race-1'), message('msg-race-2'), message('msg-race-3'));
    const batch = await queuedEvent(world.doc, world.tableName);

    await Promise.all([
      createOutboxDispatcherHandler(world.deps)(batch),
      createOutboxDispatcherHandler(world.deps)(batch),
    ]);

    expect(world.sms.sent.map((s) => s.messageId).sort()).toEqual(['msg-race-1', 'msg-race-2', 'msg-race-3']);
  });

  it('retries a throttled publish with backoff, fails only that record, and sends it once', async () => {
    const world = await reportsWorld(MORNING);
    await enqueue(world, message('msg-a-throttle'), message('msg-b-fine'));
    world.sms.failNext(throttled());
    const dispatch = createOutboxDispatcherHandler(world.deps);
    const batch = await queuedEvent(world.doc, world.tableName);

    const first = await dispatch(batch);
    const afterThrottle = await stored(world, 'msg-a-throttle');
    const lambdaRetry = await dispatch(batch); // Lambda re-delivers from the failed record
    world.clock.advance(31_000);
    const release = await createReleaseMessagesHandler(world.deps)();
    const modify = await queuedEvent(world.doc, world.tableName, 'MODIFY');
    const afterRelease = await dispatch(modify);

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[0]!.dynamodb!.SequenceNumber }]);
    expect(afterThrottle).toMatchObject({
      status: 'QUEUED',
      attempts: 1,
      notBefore: '2023-02-20T02:00:30.000Z',
      lastError: expect.stringContaining('ThrottledException'),
    });
    expect(lambdaRetry.batchItemFailures).toEqual([]);
    expect(release.released).toBe(1);
    expect(afterRelease.batchItemFailures).toEqual([]);
    expect(world.sms.sent.map((s) => s.messageId)).toEqual(['msg-b-fine', 'msg-a-throttle']);
    expect(await stored(world, 'msg-a-throttle')).toMatchObject({ status: 'SENT', attempts: 2, releaseCount: 1 });
  });

  it('marks a permanent failure FAILED with its reason and tells the office, once', async () => {
    const world = await reportsWorld(MORNING);
    await enqueue(world, message('msg-optout'));
    world.sms.failNext(optedOut());
    const dispatch = createOutboxDispatcherHandler(world.deps);
    const batch = await queuedEvent(world.doc, world.tableName);

    const result = await dispatch(batch);
    await dispatch(batch);
    const alertEvent = await queuedEvent(world.doc, world.tableName);
    await dispatch(alertEvent);

    expect(result.batchItemFailures).toEqual([]);
    expect(await stored(world, 'msg-optout')).toMatchObject({
      status: 'FAILED',
      failureReason: expect.stringContaining('opted out'),
      attempts: 1,
    });
    const alert = await stored(world, 'alert#msg-optout#office-1');
    expect(alert).toMatchObject({ status: 'SENT', audience: 'official', recipient: { phone: '+8613800000005' } });
    expect(alert?.text).toContain('对方已退订');
    expect(alert?.text).toContain('138****0001');
    expect(world.sms.sent.map((s) => s.messageId)).toEqual(['alert#msg-optout#office-1']);
    expect(world.metrics.totals.get('SmsFailed')).toBe(1);
  });

  it("holds a guardian's message due in quiet hours until 08:00, but sends an official's at once", async () => {
    const night = '2023-02-20T14:30:00.000Z'; // 22:30 CST
    const world = await reportsWorld(night);
    await enqueue(
      world,
      message('msg-guardian', {
        audience: 'guardian',
        recipient: { role: 'guardian', phone: '+8613800000009', label: '王**家长' },
        notBefore: night,
        createdAt: night,
      }),
      message('msg-official', { notBefore: night, createdAt: night }),
    );
    const dispatch = createOutboxDispatcherHandler(world.deps);

    await dispatch(await queuedEvent(world.doc, world.tableName));
    const deferred = await stored(world, 'msg-guardian');
    // The deferral itself is a MODIFY the stream delivers: not due yet, nothing happens.
    await dispatch(await queuedEvent(world.doc, world.tableName, 'MODIFY'));
    const sentAtNight = world.sms.sent.map((s) => s.messageId);
    world.clock.set('2023-02-21T00:00:00.000Z'); // 08:00 CST
    await createReleaseMessagesHandler(world.deps)();
    await dispatch(await queuedEvent(world.doc, world.tableName, 'MODIFY'));

    expect(sentAtNight).toEqual(['msg-official']);
    expect(deferred).toMatchObject({ status: 'QUEUED', notBefore: '2023-02-21T00:00:00.000Z' });
    expect(world.sms.sent.map((s) => s.messageId)).toEqual(['msg-official', 'msg-guardian']);
  });

  it('does nothing with a future-dated message until the release sweep brings it back', async () => {
    const world = await reportsWorld(MORNING);
    await enqueue(world, message('msg-later', { notBefore: '2023-02-20T06:00:00.000Z' }));
    const dispatch = createOutboxDispatcherHandler(world.deps);

    await dispatch(await queuedEvent(world.doc, world.tableName));
    const early = await createReleaseMessagesHandler(world.deps)();
    world.clock.set('2023-02-20T06:00:00.000Z');
    const onTime = await createReleaseMessagesHandler(world.deps)();
    await dispatch(await queuedEvent(world.doc, world.tableName, 'MODIFY'));

    expect(early).toMatchObject({ released: 0, itemsRead: 0 });
    expect(onTime).toMatchObject({ released: 1, itemsRead: 1 });
    expect(world.sms.sent.map((s) => s.messageId)).toEqual(['msg-later']);
  });

  it('never resends a message stuck in SENDING: after the timeout it is FAILED as uncertain and the office told', async () => {
    const world = await reportsWorld(MORNING);
    await enqueue(world, message('msg-crash'));
    const outbox = new DynamoOutboxRepository(world.doc, world.tableName);
    // The dispatcher claimed it and died before writing SENT (the SMS may or may not have gone out).
    const claimed = await outbox.claim((await outbox.get('msg-crash'))!, world.clock.now(), 10 * 60_000);
    const stuckImage = (await messageItems(world.doc, world.tableName))[0]!;

    world.clock.advance(5 * 60_000);
    const tooEarly = await createReleaseMessagesHandler(world.deps)();
    world.clock.advance(6 * 60_000);
    const afterTimeout = await createReleaseMessagesHandler(world.deps)();
    await createOutboxDispatcherHandler(world.deps)(streamEvent([stuckImage], 'MODIFY'));

    expect(claimed?.status).toBe('SENDING');
    expect(tooEarly).toMatchObject({ released: 0, uncertain: 0 });
    expect(afterTimeout).toMatchObject({ uncertain: 1 });
    expect(await outbox.get('msg-crash')).toMatchObject({
      status: 'FAILED',
      uncertain: true,
      failureReason: expect.stringContaining('UNCERTAIN'),
    });
    expect((await outbox.get('alert#msg-crash#office-1'))?.text).toContain('发送结果不明');
    expect(world.sms.sent).toEqual([]);
  });
});

describe('SmsFailed: once per failed message, whichever path fails it', () => {
  it('counts a message the release sweep fails as uncertain exactly once, however often the sweep runs', async () => {
    const world = await reportsWorld(MORNING);
    await enqueue(world, message('msg-stuck'));
    const outbox = new DynamoOutboxRepository(world.doc, world.tableName);
    await outbox.claim((await outbox.get('msg-stuck'))!, world.clock.now(), 10 * 60_000);
    const release = createReleaseMessagesHandler(world.deps);

    world.clock.advance(11 * 60_000);
    const first = await release();
    const second = await release();
    world.clock.advance(5 * 60_000);
    const third = await release();

    expect([first.uncertain, second.uncertain, third.uncertain]).toEqual([1, 0, 0]);
    expect(world.metrics.totals.get('SmsFailed')).toBe(1);
    expect(world.metrics.totals.get('SmsSent')).toBeUndefined();
  });

  it('counts once when the sweep declares a slow send uncertain before the dispatcher can mark it failed', async () => {
    const world = await reportsWorld(MORNING);
    await enqueue(world, message('msg-slow'));
    const release = createReleaseMessagesHandler(world.deps);
    // Publish hangs past the SENDING timeout; the sweep runs meanwhile; then the provider refuses the number.
    const slowThenRefused: SmsSender = {
      send: async () => {
        world.clock.advance(11 * 60_000);
        await release();
        throw optedOut();
      },
    };
    const dispatch = createOutboxDispatcherHandler({ ...world.deps, sms: slowThenRefused });

    const result = await dispatch(await queuedEvent(world.doc, world.tableName));

    expect(result.batchItemFailures).toEqual([]);
    expect(await stored(world, 'msg-slow')).toMatchObject({ status: 'FAILED', uncertain: true });
    expect(world.metrics.totals.get('SmsFailed')).toBe(1);
  });

  it('counts a permanent failure once when the same stream batch is delivered again', async () => {
    const world = await reportsWorld(MORNING);
    await enqueue(world, message('msg-refused'));
    world.sms.failNext(optedOut());
    const dispatch = createOutboxDispatcherHandler(world.deps);
    const batch = await queuedEvent(world.doc, world.tableName);

    await dispatch(batch);
    await dispatch(batch);
    await createReleaseMessagesHandler(world.deps)();

    expect(await stored(world, 'msg-refused')).toMatchObject({ status: 'FAILED' });
    expect(world.metrics.totals.get('SmsFailed')).toBe(1);
  });
});

describe('outbox dispatcher with the SNS adapter (aws-sdk-client-mock)', () => {
  const snsMock = mockClient(SNSClient);
  afterEach(() => snsMock.reset());

  it('publishes exactly the expected command once, after one throttled attempt', async () => {
    const world = await reportsWorld(MORNING);
    const sms = new SnsSmsSender(new SNSClient({ region: 'cn-north-1', maxAttempts: 1 }), 'LIPUEDU');
    const deps = { ...world.deps, sms };
    snsMock
      .on(PublishCommand)
      .rejectsOnce(
        new SNSServiceException({
          name: 'ThrottledException',
          $fault: 'client',
          $metadata: { httpStatusCode: 429 },
          message: 'Rate exceeded',
        }),
      )
      .resolves({ MessageId: 'sns-msg-1' });
    await enqueue(world, message('msg-sns-1'));
    const dispatch = createOutboxDispatcherHandler(deps);

    const first = await dispatch(await queuedEvent(world.doc, world.tableName));
    world.clock.advance(30_000);
    await createReleaseMessagesHandler(deps)();
    const second = await dispatch(await queuedEvent(world.doc, world.tableName, 'MODIFY'));
    await dispatch(await queuedEvent(world.doc, world.tableName, 'MODIFY'));

    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(snsMock).toHaveReceivedNthCommandWith(PublishCommand, 2, {
      PhoneNumber: '+8613800000001',
      Message: '【荔浦教育】测试消息msg-sns-1',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'LIPUEDU' },
      },
    });
    expect(await stored(world, 'msg-sns-1')).toMatchObject({
      status: 'SENT',
      providerMessageId: 'sns-msg-1',
      attempts: 2,
    });
  });

  it('skips a malformed outbox item instead of blocking the shard', async () => {
    const world = await reportsWorld(MORNING);

    const result = await createOutboxDispatcherHandler(world.deps)(
      streamEvent([{ pk: 'MSG#broken', sk: 'MSG', entity: 'MSG', status: 'QUEUED', version: 1 }]),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(world.log.lines.some((l) => l.level === 'error' && l.message.includes('not a valid message'))).toBe(true);
  });
});

describe('outbox dispatcher retry budget', () => {
  it('gives up after outbox.maxAttempts transient failures: FAILED and the office told', async () => {
    const world = await reportsWorld(MORNING);
    const deps = {
      ...world.deps,
      config: { ...world.deps.config, outbox: { ...world.deps.config.outbox, maxAttempts: 1 } },
    };
    await enqueue(world, message('msg-give-up'));
    world.sms.failNext(throttled());

    const result = await createOutboxDispatcherHandler(deps)(await queuedEvent(world.doc, world.tableName));

    expect(result.batchItemFailures).toEqual([]);
    expect(await stored(world, 'msg-give-up')).toMatchObject({
      status: 'FAILED',
      failureReason: expect.stringContaining('retries exhausted after 1 attempts'),
    });
    expect((await stored(world, 'alert#msg-give-up#office-1'))?.text).toContain('多次重试失败');
  });
});

describe('outbox dispatcher with a template provider', () => {
  it('hands the adapter the template key and params, and waits for the next day after a daily cap', async () => {
    const world = await reportsWorld(MORNING);
    const params = { school: '马岭镇中心学校', period: '2月20日', report: '日报', deadline: '2月20日17:00' };
    await enqueue(world, message('msg-daily-cap', { templateKey: 'report.reminder', params }));
    const cap = providerError('aliyun', 'isv.DAY_LIMIT_CONTROL', '触发日发送限额', new Date(MORNING));
    world.sms.failNext(cap);

    const result = await createOutboxDispatcherHandler(world.deps)(await queuedEvent(world.doc, world.tableName));

    expect(result.batchItemFailures).toHaveLength(1);
    expect(await stored(world, 'msg-daily-cap')).toMatchObject({
      status: 'QUEUED',
      attempts: 1,
      notBefore: '2023-02-20T16:05:00.000Z', // 00:05 CST the next day, not the 30 s backoff
      lastError: expect.stringContaining('isv.DAY_LIMIT_CONTROL'),
    });
  });

  it('sends the exact wording key and its params beside the rendered text', async () => {
    const world = await reportsWorld(MORNING);
    const params = { township: '马岭镇', returnBy: '2月27日10:00', studentName: '覃*例', caseRef: 'ABC123' };
    await enqueue(
      world,
      message('msg-keyed', { template: 'notice.lapsed.office', templateKey: 'notice.lapsed.office.short', params }),
    );

    await createOutboxDispatcherHandler(world.deps)(await queuedEvent(world.doc, world.tableName));

    expect(world.sms.sent).toEqual([
      {
        messageId: 'msg-keyed',
        phone: '+8613800000001',
        template: 'notice.lapsed.office.short',
        params,
        text: '【荔浦教育】测试消息msg-keyed',
      },
    ]);
  });
});
