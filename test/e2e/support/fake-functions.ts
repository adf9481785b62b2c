import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Deps } from '../../../functions/deps.ts';
import type { FunctionSpec } from '../../../functions/manifest.ts';
import type { LambdaHandler } from '../../../local/function-host.ts';
import { transactWrite } from '../../../shared/adapters/dynamo/client.ts';
import { enqueueMessage } from '../../../shared/adapters/dynamo/message-items.ts';
import type { Message } from '../../../shared/domain/message.ts';

/**
 * Stand-ins shaped like the real functions (a notice reactor, a timer target, an outbox dispatcher),
 * so the runtime's triggers are tested on their own, independent of the use cases' rules.
 */
export const fakeSpecs: FunctionSpec[] = [
  {
    name: 'fake-notice-reactor',
    description: 'on NOTICE insert: a one-week timer and a guardian message',
    triggers: [
      {
        kind: 'stream',
        filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['NOTICE'] } } } }],
        batchSize: 10,
        maxRetries: 2,
        maxRecordAgeSeconds: -1,
      },
    ],
    access: ['table-write', 'table-stream', 'scheduler'],
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  {
    name: 'fake-deadline',
    description: 'timer target: an escalation message',
    triggers: [{ kind: 'timer-target' }],
    access: ['table-write'],
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  {
    name: 'fake-dispatcher',
    description: 'on MSG insert: send and mark SENT',
    triggers: [
      {
        kind: 'stream',
        filters: [
          { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['MSG'] }, status: { S: ['QUEUED'] } } } },
        ],
        batchSize: 5,
        maxRetries: 3,
        maxRecordAgeSeconds: -1,
      },
    ],
    access: ['table-write', 'table-stream', 'sms'],
    timeoutSeconds: 30,
    memoryMb: 256,
  },
];

const message = (deps: Deps, id: string, phone: string, text: string, subjectId: string): Message => ({
  id,
  audience: 'official',
  recipient: { role: 'office', phone, label: '办公室' },
  template: 'fake',
  text,
  parts: 1,
  notBefore: deps.clock.now().toISOString(),
  status: 'QUEUED',
  createdAt: deps.clock.now().toISOString(),
  attempts: 0,
  subject: { kind: 'notice', id: subjectId },
  version: 0,
});

/** Records per sequence number, one at a time, reporting failures like Powertools' processPartialResponse. */
const perRecord = (fn: (image: Record<string, unknown>) => Promise<void>) => async (event: DynamoDBStreamEvent) => {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const r of event.Records) {
    try {
      // biome-ignore lint/suspicious/noExplicitAny: the stream image is marshalled JSON
      await fn(unmarshall(r.dynamodb!.NewImage as any));
    } catch {
      batchItemFailures.push({ itemIdentifier: r.dynamodb!.SequenceNumber! });
    }
  }
  return { batchItemFailures };
};

export const fakeHandlers: Record<string, (deps: Deps) => LambdaHandler> = {
  'fake-notice-reactor': (deps) =>
    perRecord(async (notice) => {
      if (notice.poison) throw new Error('poison record');
      await deps.timers.createAt({
        name: `notice-${notice.id}`,
        at: new Date(String(notice.deadline)),
        payload: { noticeId: notice.id },
      });
      await transactWrite(deps.doc, [
        enqueueMessage(
          deps.tableName,
          message(
            deps,
            `notice-${notice.id}-guardian`,
            '+8613800000101',
            `通知书 ${notice.studentName}`,
            String(notice.id),
          ),
        ),
      ]).catch((e) => {
        if ((e as Error).name !== 'ConcurrentUpdateError') throw e;
      });
    }) as LambdaHandler,
  'fake-deadline': (deps) =>
    (async (payload: { noticeId: string }) => {
      const notice = await deps.doc.send(
        new GetCommand({ TableName: deps.tableName, Key: { pk: `NOTICE#${payload.noticeId}`, sk: 'NOTICE' } }),
      );
      if (notice.Item?.returned) return { skipped: true };
      await transactWrite(deps.doc, [
        enqueueMessage(
          deps.tableName,
          message(deps, `notice-${payload.noticeId}-lapsed`, '+8613800000201', '逾期未返校', payload.noticeId),
        ),
      ]);
      return { escalated: true };
    }) as LambdaHandler,
  'fake-dispatcher': (deps) =>
    perRecord(async (msg) => {
      const out = await deps.sms.send({
        phone: String(msg.recipient && (msg.recipient as { phone: string }).phone),
        text: String(msg.text),
        messageId: String(msg.id),
        template: String(msg.template),
        params: {},
      });
      await deps.doc.send(
        new UpdateCommand({
          TableName: deps.tableName,
          Key: { pk: `MSG#${msg.id}`, sk: 'MSG' },
          UpdateExpression: 'SET #s = :sent, providerMessageId = :p REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#s = :queued',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':queued': 'QUEUED', ':p': out.providerMessageId },
        }),
      );
    }) as LambdaHandler,
};

export const fakeFactory = async (spec: FunctionSpec, deps: Deps) => fakeHandlers[spec.name]!(deps);
