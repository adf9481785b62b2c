import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createCaseReactorHandler } from '../../functions/case-reactor/index.ts';
import { functionSpecs } from '../../functions/manifest.ts';
import { runRebuildAggregates } from '../../local/commands/rebuild-aggregates.ts';
import { JsonState } from '../../local/state-file.ts';
import { type Checkpoints, StreamPoller } from '../../local/stream-poller.ts';
import { DynamoAggregateStore } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { localClientConfig } from '../../shared/adapters/dynamo/client.ts';
import {
  DynamoFollowUpRepository,
  dynamoCaseFacts,
  dynamoReportFacts,
  statisticsSource,
} from '../../shared/adapters/dynamo/followup-repository.ts';
import { memoryMetrics } from '../../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { statisticsBy } from '../../shared/domain/statistics.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { statisticsFromAggregates } from '../../shared/use-cases/aggregate-statistics.ts';
import { loadFacts } from '../../shared/use-cases/compute-statistics.ts';
import { freshTable } from '../support/dynamo.ts';
import { storeFacts } from '../support/statistics-items.ts';
import { seed } from '../unit/statistics-seed.ts';

const april = { from: '2023-04-01', to: '2023-04-30' };
const asOf = new Date('2023-05-02T04:00:00Z');
const schools = [
  { id: 's1', townshipId: 'ta' },
  { id: 's2', townshipId: 'ta' },
  { id: 's3', townshipId: 'tb' },
];

/** The case reactor behind the local runtime's stream poller, with the manifest's mapping (filters, batch size). */
async function pollerWorld() {
  const { doc, tableName, endpoint } = await freshTable('aggs', { stream: true });
  const described = await new DynamoDBClient(localClientConfig(endpoint)).send(
    new DescribeTableCommand({ TableName: tableName }),
  );
  const spec = functionSpecs.find((s) => s.name === 'case-reactor')!;
  const trigger = spec.triggers.find((t) => t.kind === 'stream')!;
  if (trigger.kind !== 'stream') throw new Error('case-reactor has no stream trigger');
  const notUsed = () => Promise.reject(new Error('no notice timers in this test'));
  const handler = createCaseReactorHandler({
    doc,
    tableName,
    sms: { send: () => Promise.reject(new Error('no SMS')) },
    timers: { createAt: notUsed, delete: notUsed, exists: notUsed, scheduledAt: notUsed, moveTo: notUsed },
    clock: fixedClock(asOf.toISOString()),
    newId: () => 'unused',
    log: memoryLog(),
    metrics: memoryMetrics(),
    config: loadConfigFile(),
  });
  const dir = mkdtempSync(join(tmpdir(), 'aggs-'));
  const poller = new StreamPoller({
    functionName: spec.name,
    streams: new DynamoDBStreamsClient(localClientConfig(endpoint)),
    streamArn: described.Table!.LatestStreamArn!,
    region: 'ap-southeast-1',
    filters: trigger.filters,
    batchSize: trigger.batchSize,
    maxRetries: trigger.maxRetries,
    maxRecordAgeSeconds: trigger.maxRecordAgeSeconds,
    invoke: (event) => handler(event),
    checkpoints: new JsonState<Checkpoints>(undefined, () => ({}), 'checkpoints'),
    onFailurePath: join(dir, 'on-failure.jsonl'),
    log: memoryLog(),
  });
  return { doc, tableName, poller };
}

describe('aggregates through the local stream poller and the case reactor (the local face)', () => {
  it('give the same statistics as the per-school facts, and follow a change of an item', async () => {
    const { doc, tableName, poller } = await pollerWorld();
    await storeFacts(
      doc,
      tableName,
      seed(),
      {
        schools: { 'ml-school': 's1', 'ml-second': 's2', 'sj-school': 's3' },
        townships: { maling: 'ta', shuangjiang: 'tb' },
      },
      { rebuild: false },
    );
    await poller.drain();
    const facts = statisticsSource(new DynamoFollowUpRepository(doc, tableName), {
      reports: dynamoReportFacts(doc, tableName),
      cases: dynamoCaseFacts(doc, tableName),
    });
    const recount = async () => statisticsBy(await loadFacts(facts, ['s1', 's2', 's3'], april), april, asOf);
    const store = new DynamoAggregateStore(doc, tableName);

    const before = await statisticsFromAggregates(store, { range: april, asOf, schools });
    const want = await recount();
    expect(before.townships.get('ta')).toEqual(want.townships.get('ta'));
    expect(before.townships.get('tb')).toEqual(want.townships.get('tb'));
    for (const s of schools) expect(before.schools.get(s.id)).toEqual(want.schools.get(s.id));
    expect(before.townships.get('ta')).toMatchObject({ reportsDue: 5, reportsOnTime: 2, medianDaysToReturn: 12 });

    // An open slot is filed on time and a case is returned: MODIFYs move the aggregates by the difference.
    const scan = await doc.send(new ScanCommand({ TableName: tableName }));
    const slot = scan.Items!.find((i) => i.entity === 'SLOT' && i.state === 'OPEN')!;
    const kase = scan.Items!.find((i) => i.entity === 'CASE' && !i.closedAt)!;
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...slot, state: 'SUBMITTED', firstSubmittedAt: slot.deadline, version: Number(slot.version) + 1 },
      }),
    );
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...kase, state: 'returned', closedAt: '2023-04-28T02:00:00.000Z', version: Number(kase.version) + 1 },
      }),
    );
    await poller.drain();
    const after = await statisticsFromAggregates(store, { range: april, asOf, schools });
    const again = await recount();
    expect(after.schools).toEqual(again.schools);
    expect(after.townships.get('ta')).toEqual(again.townships.get('ta'));
    expect(after).not.toEqual(before);
    expect(poller.stats.gaveUp).toBe(0);
  }, 60_000);
});

describe('npm run cli -- rebuild-aggregates', () => {
  it('recounts items put past the stream: the statistics then equal the per-school facts (Chinese output)', async () => {
    const { doc, tableName, endpoint } = await freshTable('aggcli');
    await storeFacts(
      doc,
      tableName,
      seed(),
      {
        schools: { 'ml-school': 's1', 'ml-second': 's2', 'sj-school': 's3' },
        townships: { maling: 'ta', shuangjiang: 'tb' },
      },
      { rebuild: false },
    );
    const store = new DynamoAggregateStore(doc, tableName);
    const empty = await statisticsFromAggregates(store, { range: april, asOf, schools });

    const { lines } = await runRebuildAggregates({ endpoint, table: tableName, realClock: true });
    const again = await runRebuildAggregates({ endpoint, table: tableName, realClock: true });

    expect(empty.townships.get('ta')).toMatchObject({ reportsDue: 0, casesOpened: 0 });
    expect(lines[0]).toMatch(/^统计汇总已重新计算（表 aggcli-/);
    expect(lines[1]).toMatch(/^ {2}源数据 \d+ 条/);
    expect(again.lines[3]).toBe('  删除过时的汇总或标记 0 条');
    const facts = statisticsSource(new DynamoFollowUpRepository(doc, tableName), {
      reports: dynamoReportFacts(doc, tableName),
      cases: dynamoCaseFacts(doc, tableName),
    });
    const want = statisticsBy(await loadFacts(facts, ['s1', 's2', 's3'], april), april, asOf);
    const got = await statisticsFromAggregates(store, { range: april, asOf, schools });
    for (const s of schools) expect(got.schools.get(s.id)).toEqual(want.schools.get(s.id));
    expect(got.townships.get('ta')).toEqual(want.townships.get('ta'));
    expect(got.townships.get('tb')).toEqual(want.townships.get('tb'));
  }, 60_000);
});
