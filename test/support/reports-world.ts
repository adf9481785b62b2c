import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Deps } from '../../functions/deps.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { memoryMetrics } from '../../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { SmsSendError } from '../../shared/domain/errors.ts';
import type { DirectoryEntity, SmsRequest } from '../../shared/domain/ports.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { freshTable } from './dynamo.ts';

/** An SMS sender that records what it sent and fails on demand (scripted errors, consumed in order). */
export function fakeSms() {
  const sent: SmsRequest[] = [];
  const failures: SmsSendError[] = [];
  return {
    sent,
    failNext(error: SmsSendError) {
      failures.push(error);
    },
    async send(input: SmsRequest) {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(input);
      return { providerMessageId: `fake-${sent.length}` };
    },
  };
}

/** A small invented organisation: one area, one township, one school, plus chief and office (fake phones). */
export function demoDirectory(): { entities: DirectoryEntity[]; meta: { chiefId: string; officeIds: string[] } } {
  const person = (id: string, name: string, n: number, roles: string[], extra: Record<string, string> = {}) =>
    ({
      kind: 'person',
      value: { id, name, phone: `+86138000000${String(n).padStart(2, '0')}`, roles, active: true, ...extra },
    }) as DirectoryEntity;
  return {
    entities: [
      person('head-1', '测试校长甲', 1, ['school-head'], { schoolId: 'sch-1' }),
      person('contact-1', '测试联络乙', 2, ['township-contact']),
      person('leader-1', '测试片长丙', 3, ['area-leader']),
      person('chief-1', '测试总负责丁', 4, ['chief']),
      person('office-1', '测试办公室戊', 5, ['office']),
      { kind: 'area', value: { id: 'area-1', name: '测试片区', leaderId: 'leader-1', active: true } },
      {
        kind: 'township',
        value: { id: 'tw-1', name: '马岭镇', areaId: 'area-1', contactIds: ['contact-1'], active: true },
      },
      {
        kind: 'school',
        value: {
          id: 'sch-1',
          name: '马岭镇中心小学',
          townshipId: 'tw-1',
          headId: 'head-1',
          phone: '+867700000001',
          active: true,
        },
      },
    ],
    meta: { chiefId: 'chief-1', officeIds: ['office-1'] },
  };
}

/** A fresh table with the demo directory, a fixed clock and the handlers' Deps. */
export async function reportsWorld(startIso: string) {
  const { doc, tableName } = await freshTable('rep');
  const directory = demoDirectory();
  await new DynamoDirectoryRepository(doc, tableName).save(directory.entities, directory.meta);
  const clock = fixedClock(startIso);
  const sms = fakeSms();
  const log = memoryLog();
  const metrics = memoryMetrics();
  const notUsed = () => Promise.reject(new Error('timers are not used here'));
  const deps: Deps = {
    doc,
    tableName,
    sms,
    timers: { createAt: notUsed, delete: notUsed, exists: notUsed, scheduledAt: notUsed, moveTo: notUsed },
    clock,
    newId: () => 'unused',
    log,
    metrics,
    config: loadConfigFile(),
  };
  return { doc, tableName, clock, sms, log, metrics, deps };
}

/** All MSG items currently in the table (a scan is fine in a test). */
export async function messageItems(doc: DynamoDBDocumentClient, tableName: string) {
  const out = await doc.send(
    new ScanCommand({
      TableName: tableName,
      FilterExpression: 'entity = :msg',
      ExpressionAttributeValues: { ':msg': 'MSG' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).sort((a, b) => String(a.pk).localeCompare(String(b.pk)));
}

let sequence = 1000;

/**
 * A Lambda-shaped DynamoDB stream event built from real stored items, as the table stream (NEW_AND_OLD_IMAGES)
 * would deliver them after the stream filter (entity MSG, status QUEUED).
 */
export function streamEvent(
  items: Record<string, unknown>[],
  eventName: 'INSERT' | 'MODIFY' = 'INSERT',
): DynamoDBStreamEvent {
  return {
    Records: items.map((item) => {
      sequence++;
      return {
        eventID: `evt-${sequence}`,
        eventName,
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'cn-north-1',
        eventSourceARN: 'arn:aws-cn:dynamodb:cn-north-1:000000000000:table/test/stream/2023-01-01T00:00:00.000',
        dynamodb: {
          ApproximateCreationDateTime: 1_676_880_000,
          Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
          NewImage: marshall(item, { removeUndefinedValues: true }) as never,
          SequenceNumber: String(sequence).padStart(21, '0'),
          SizeBytes: 512,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      };
    }),
  };
}

/** Queued MSG items as the stream would deliver them (the dispatcher's filter applied). */
export async function queuedEvent(
  doc: DynamoDBDocumentClient,
  tableName: string,
  eventName: 'INSERT' | 'MODIFY' = 'INSERT',
) {
  const items = (await messageItems(doc, tableName)).filter((m) => m.status === 'QUEUED');
  return streamEvent(items, eventName);
}

export const throttled = () => new SmsSendError('ThrottledException: Rate exceeded', 'transient', 'ThrottledException');
export const optedOut = () => new SmsSendError('InvalidParameterException: opted out', 'permanent', 'OptedOut');
