import { gunzipSync } from 'node:zlib';
import { CloudWatchLogsSchema } from '@aws-lambda-powertools/parser/schemas/cloudwatch';
import { GetCommand, type UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../functions/deps.ts';
import { SNS_SMS_STATUS_LOG_GROUPS } from '../../functions/manifest.ts';
import { awslogsEventSchema } from '../../functions/sms-status-logs/awslogs-schema.ts';
import { createSmsStatusLogsHandler } from '../../functions/sms-status-logs/index.ts';
import { awslogsEvent } from '../../local/awslogs.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { snsDeliveryReceipt } from '../../shared/domain/delivery.ts';

// A fake mainland number (the 138-0000 test range the repo's demo data uses): it must never leave the parser.
const PHONE = '+8613800000401';
const OK_ID = '34d9b400-c6dd-5444-820d-fbeb0f1f54cf';
const FAIL_ID = '1077257a-92f3-5ca3-bc97-6a915b310625';

/** SNS's delivery-status entries, shaped as AWS documents them (knowledge-center "monitor-sns-texts-cloudwatch"). */
const success = (messageId = OK_ID) => ({
  notification: { messageId, timestamp: '2026-12-02 02:00:34.558' },
  delivery: {
    phoneCarrier: 'China Mobile',
    mnc: 0,
    destination: PHONE,
    priceInUSD: 0.03,
    smsType: 'Transactional',
    mcc: 460,
    providerResponse: 'Message has been accepted by phone carrier',
    dwellTimeMs: 599,
    dwellTimeMsUntilDeviceAck: 1344,
  },
  status: 'SUCCESS',
});
const failure = (messageId = FAIL_ID) => ({
  notification: { messageId, timestamp: '2026-12-02 02:00:34.559' },
  delivery: {
    mnc: 0,
    destination: PHONE,
    priceInUSD: 0.03,
    smsType: 'Transactional',
    mcc: 0,
    providerResponse: 'Unknown error attempting to reach phone',
    dwellTimeMs: 1420,
    dwellTimeMsUntilDeviceAck: 1692,
  },
  status: 'FAILURE',
});

const event = (group: 0 | 1, entries: unknown[]) =>
  awslogsEvent({
    owner: '111122223333',
    logGroup: SNS_SMS_STATUS_LOG_GROUPS[group]
      .replace('{region}', 'ap-southeast-1')
      .replace('{account}', '111122223333'),
    logStream: 'stream-1',
    subscriptionFilter: 'sms-status-logs',
    events: entries.map((e, i) => ({
      id: `3195310660696698337880902507980421114328961542429822156${i}`,
      timestamp: 1_764_640_834_558 + i,
      message: typeof e === 'string' ? e : JSON.stringify(e),
    })),
  });

/** A table in memory: the MessageId lookups and the messages, with the conditional write of the receipt store. */
function world(lookups: Record<string, string>) {
  const items = new Map<string, Record<string, unknown>>();
  for (const [providerId, messageId] of Object.entries(lookups)) {
    items.set(`PMSG#sns#${providerId}`, { messageId });
    items.set(`MSG#${messageId}`, { id: messageId, status: 'SENT' });
  }
  const doc = {
    send: async (command: GetCommand | UpdateCommand) => {
      const pk = String(command.input.Key?.pk);
      if (command instanceof GetCommand) return { Item: items.get(pk) };
      const item = items.get(pk);
      if (!item || item.delivery) {
        const error = Object.assign(new Error('conditional'), { Item: item });
        Object.setPrototypeOf(
          error,
          (await import('@aws-sdk/client-dynamodb')).ConditionalCheckFailedException.prototype,
        );
        throw error;
      }
      item.delivery = command.input.ExpressionAttributeValues?.[':d'];
      return {};
    },
  };
  const log = memoryLog();
  const deps = {
    doc,
    tableName: 't',
    clock: { now: () => new Date('2026-12-02T02:05:00Z') },
    log,
    config: loadConfigFile(),
  } as unknown as Deps;
  return { items, log, handler: createSmsStatusLogsHandler(deps) };
}

describe('SNS SMS delivery-status logs', () => {
  it('the awslogs payload is base64 gzip JSON with the log events (what the subscription delivers)', () => {
    const e = event(0, [success()]);
    const decoded = JSON.parse(gunzipSync(Buffer.from(e.awslogs.data, 'base64')).toString('utf8'));
    expect(decoded.logGroup).toBe('sns/ap-southeast-1/111122223333/DirectPublishToPhoneNumber');
    expect(JSON.parse(decoded.logEvents[0].message).notification.messageId).toBe(OK_ID);
  });

  it('our awslogs schema decodes exactly as Powertools’ CloudWatchLogsSchema, and refuses what it refuses', () => {
    const good = event(1, [failure(), success()]);
    expect(awslogsEventSchema.parse(good)).toEqual(CloudWatchLogsSchema.parse(good));
    const empty = awslogsEvent({ owner: 'o', logGroup: 'g', logStream: 's', subscriptionFilter: 'f', events: [] });
    for (const bad of [
      empty,
      { awslogs: { data: 'not base64 !' } },
      { awslogs: { data: Buffer.from('{}').toString('base64') } },
      { awslogs: {} },
    ]) {
      expect(CloudWatchLogsSchema.safeParse(bad).success).toBe(false);
      expect(awslogsEventSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('parses an entry: SUCCESS → DELIVERED, FAILURE → UNDELIVERED with providerResponse; no destination kept', () => {
    expect(snsDeliveryReceipt(success())).toEqual({
      provider: 'sns',
      providerMessageId: OK_ID,
      status: 'DELIVERED',
      at: '2026-12-02T02:00:34.558Z',
      code: 'Message has been accepted by phone carrier',
    });
    const failed = snsDeliveryReceipt(failure());
    expect(failed).toMatchObject({ status: 'UNDELIVERED', code: 'Unknown error attempting to reach phone' });
    expect(JSON.stringify(failed)).not.toContain('13800000401');
    expect(() => snsDeliveryReceipt({ ...success(), status: 'PENDING' })).toThrow();
    expect(() => snsDeliveryReceipt({ ...success(), notification: { messageId: OK_ID } })).toThrow();
  });

  it('records SUCCESS and FAILURE onto the messages found by MessageId, the delivery without the phone', async () => {
    const w = world({ [OK_ID]: 'm-ok', [FAIL_ID]: 'm-fail' });
    expect(await w.handler(event(0, [success()]))).toEqual({
      events: 1,
      recorded: 1,
      duplicate: 0,
      unknown: 0,
      malformed: 0,
    });
    expect((await w.handler(event(1, [failure()]))).recorded).toBe(1);
    expect(w.items.get('MSG#m-ok')?.delivery).toMatchObject({
      status: 'DELIVERED',
      provider: 'sns',
      providerMessageId: OK_ID,
      at: '2026-12-02T02:00:34.558Z',
    });
    expect(w.items.get('MSG#m-fail')?.delivery).toMatchObject({
      status: 'UNDELIVERED',
      code: 'Unknown error attempting to reach phone',
    });
    expect(JSON.stringify([...w.items.values()])).not.toContain('13800000401');
  });

  it('the same log event twice records once; an unknown MessageId is counted and logged, not thrown', async () => {
    const w = world({ [OK_ID]: 'm-ok' });
    const e = event(0, [success(), success('99999999-0000-0000-0000-000000000000')]);
    expect(await w.handler(e)).toMatchObject({ recorded: 1, unknown: 1 });
    expect(await w.handler(e)).toMatchObject({ recorded: 0, duplicate: 1, unknown: 1 });
    expect(w.log.lines.filter((l) => l.message === 'delivery receipt for no known message')).toHaveLength(2);
  });

  it('a malformed entry is skipped and logged by its event id; nothing logged holds the phone number', async () => {
    const w = world({ [OK_ID]: 'm-ok', [FAIL_ID]: 'm-fail' });
    const out = await w.handler(
      event(1, ['not json', { status: 'FAILURE', delivery: { destination: PHONE } }, failure()]),
    );
    expect(out).toEqual({ events: 3, recorded: 1, duplicate: 0, unknown: 0, malformed: 2 });
    const logged = JSON.stringify(w.log.lines);
    expect(logged).toContain('31953106606966983378809025079804211143289615424298221560');
    expect(logged).not.toMatch(/13800000401|8613800000401/);
  });

  it('an event that is not an awslogs payload is refused naming the field', async () => {
    const w = world({});
    await expect(w.handler({ awslogs: { data: Buffer.from('plain').toString('base64') } })).rejects.toThrow(/awslogs/);
    await expect(w.handler({})).rejects.toThrow(/awslogs/);
  });
});
