import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '../../functions/deps.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { memoryMetrics } from '../../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import type { OpenCaseInput } from '../../shared/domain/case.ts';
import type { DirectoryEntity } from '../../shared/domain/ports.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { freshTable } from './dynamo.ts';
import { FakeTimerScheduler } from './fake-timer-scheduler.ts';

/** Invented organisation: one township, one school, with a head, a 包乡镇人员, a government contact, the office. */
export const demoDirectory: DirectoryEntity[] = [
  { kind: 'area', value: { id: 'area-demo', name: '示例片区', leaderId: 'p-leader', active: true } },
  {
    kind: 'township',
    value: {
      id: 'town-demo',
      name: '示例镇',
      areaId: 'area-demo',
      contactIds: ['p-contact'],
      governmentContactId: 'p-gov',
      active: true,
    },
  },
  {
    kind: 'school',
    value: {
      id: 'school-demo',
      name: '示例镇中心小学',
      townshipId: 'town-demo',
      headId: 'p-head',
      phone: '+867737200000',
      active: true,
    },
  },
  ...(
    [
      ['p-leader', '示例片长', 'area-leader', '+8613800000201'],
      ['p-contact', '示例专员', 'township-contact', '+8613800000202'],
      ['p-gov', '示例镇干部', 'township-government', '+8613800000203'],
      ['p-head', '示例校长', 'school-head', '+8613800000204'],
      ['p-office', '示例办公室', 'office', '+8613800000205'],
    ] as const
  ).map(
    ([id, name, role, phone]): DirectoryEntity => ({
      kind: 'person',
      value: {
        id,
        name,
        phone,
        roles: [role],
        active: true,
        ...(role === 'school-head' ? { schoolId: 'school-demo' } : {}),
        ...(role === 'township-government' ? { townshipId: 'town-demo' } : {}),
      },
    }),
  ),
];

export const openCaseInput = (overrides: Partial<OpenCaseInput> = {}): OpenCaseInput => ({
  schoolId: 'school-demo',
  studentName: '测试小明',
  kind: 'not-returned',
  reason: '春季开学未返校',
  whereabouts: '随父母外出务工',
  responsibleTeacher: { name: '示例老师' },
  guardian: { name: '示例家长', phone: '+8613800000101' },
  openedBy: { name: '示例校长', personId: 'p-head' },
  ...overrides,
});

/** A fresh table with the demo directory, and function deps on it with a fixed clock and fake timers. */
export async function caseTestbed(startIso = '2023-02-20T02:00:00.000Z') {
  const { doc, tableName } = await freshTable('cases');
  await new DynamoDirectoryRepository(doc, tableName).save(demoDirectory, {
    officeIds: ['p-office'],
    chiefId: 'p-leader',
  });
  const clock = fixedClock(startIso);
  const timers = new FakeTimerScheduler();
  const log = memoryLog();
  const metrics = memoryMetrics();
  let n = 0;
  const deps: Deps = {
    doc,
    tableName,
    sms: { send: () => Promise.reject(new Error('tests do not send SMS')) },
    timers,
    clock,
    newId: () => `id${String(++n).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`,
    log,
    metrics,
    config: loadConfigFile(),
  };

  const messagesOf = async (noticeId: string) => {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :s AND begins_with(gsi2sk, :m)',
        ExpressionAttributeValues: { ':s': 'SCHOOL#school-demo', ':m': 'MSG#' },
      }),
    );
    // GSI reads are eventually consistent: re-read each message from the table.
    const ids = (out.Items ?? []).filter((i) => i.subject?.id === noticeId).map((i) => String(i.id));
    const items = [];
    for (const id of ids) {
      const got = await doc.send(
        new GetCommand({ TableName: tableName, Key: { pk: `MSG#${id}`, sk: 'MSG' }, ConsistentRead: true }),
      );
      if (got.Item) items.push(got.Item);
    }
    return items;
  };

  const noticeItem = async (caseId: string, noticeId: string) =>
    (
      await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `CASE#${caseId}`, sk: `NOTICE#${noticeId}` },
          ConsistentRead: true,
        }),
      )
    ).Item!;

  return { doc, tableName, clock, timers, log, metrics, deps, messagesOf, noticeItem };
}
