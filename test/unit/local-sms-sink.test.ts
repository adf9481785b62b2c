import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SmsSink } from '../../local/sms-sink.ts';
import { toLambdaRecord } from '../../local/stream-poller.ts';
import { fixedClock } from '../../shared/domain/time.ts';

/** The names the stored case holds (the runtime reads them from the table: StoredNames, integration-tested). */
const storedNames = { namesFor: async () => ['覃示例', '覃家长'] };

describe('local SMS sink', () => {
  it('keeps the full message in the outbox file and shows a masked line on the console', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baoxue-sink-'));
    const lines: string[] = [];
    const sink = new SmsSink({
      clock: fixedClock('2023-02-21T03:00:00Z'),
      outboxPath: join(dir, 'sms-outbox.jsonl'),
      names: storedNames,
      print: (l) => lines.push(l),
    });

    const out = await sink.send({
      phone: '+8613800000401',
      text: '覃家长您好，覃示例未返校，电话13800000301',
      messageId: 'm1',
      template: 'notice.guardian',
      params: {},
    });

    const stored = readFileSync(join(dir, 'sms-outbox.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(stored).toEqual([
      {
        messageId: 'm1',
        phone: '+8613800000401',
        text: '覃家长您好，覃示例未返校，电话13800000301',
        at: '2023-02-21T03:00:00.000Z',
        providerMessageId: out.providerMessageId,
      },
    ]);
    expect(lines).toEqual(['📱 02-21 11:00 138****0401 ← 覃*长您好，覃*例未返校，电话138****0301']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails injected sends with the SmsSendError kind the dispatcher branches on', async () => {
    const sink = new SmsSink({ clock: fixedClock('2023-02-21T03:00:00Z'), names: storedNames });
    sink.injectFailure('permanent', 1, '+8613800000401');

    await expect(
      sink.send({ phone: '+8613800000401', text: 'x', messageId: 'm1', template: 'report.reminder', params: {} }),
    ).rejects.toMatchObject({
      name: 'SmsSendError',
      kind: 'permanent',
    });
    await expect(
      sink.send({ phone: '+8613800000401', text: 'x', messageId: 'm2', template: 'report.reminder', params: {} }),
    ).resolves.toBeTruthy();
    expect(sink.sent.map((s) => s.messageId)).toEqual(['m2']);
  });
});

/** A Lambda-shaped INSERT of a case item naming a child and a guardian. */
const caseRecord = () =>
  toLambdaRecord(
    {
      eventID: '1',
      eventName: 'INSERT',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2023-02-20T02:00:00.900Z'),
        Keys: { pk: { S: 'CASE#c1' }, sk: { S: 'CASE' } },
        NewImage: {
          entity: { S: 'CASE' },
          studentName: { S: '覃示例' },
          guardian: { M: { name: { S: '覃家长' }, phone: { S: '+8613800000401' } } },
          blob: { B: new Uint8Array([1, 2, 3]) },
        },
        SequenceNumber: '000100',
        SizeBytes: 64,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    },
    'arn:aws:dynamodb:cn-local-1:000000000000:table/t/stream/x',
    'cn-local-1',
  );

describe('toLambdaRecord', () => {
  it('shapes an SDK stream record like Lambda: epoch seconds, base64 binary, event source and ARN', () => {
    const r = caseRecord();

    expect(r).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventVersion: '1.1',
      awsRegion: 'cn-local-1',
      eventSourceARN: 'arn:aws:dynamodb:cn-local-1:000000000000:table/t/stream/x',
      dynamodb: {
        ApproximateCreationDateTime: 1676858400,
        SequenceNumber: '000100',
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(r.dynamodb?.NewImage?.blob).toEqual({ B: 'AQID' });
  });
});
