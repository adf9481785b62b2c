/**
 * Benchmark (not a test): the hourly OpenLateSlots count (reconcile's late-slots task) on DynamoDB Local.
 * N schools (default 20,000). Each has yesterday's daily slot (1% OPEN past the deadline with the whole ladder sent,
 * the rest filed) and today's daily slot (OPEN, deadline 17:00 still ahead); every 10th school also has a weekly
 * slot late and waiting for its next level. Prints the gauge against the seeded truth, Queries sent, items read,
 * and the time of the directory load and of the per-school counts.
 *
 *   npm run bench:late-gauge            # N=20000
 *   BENCH_SCHOOLS=150 npm run bench:late-gauge
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../local/dynamodb-local.ts';
import { createDocumentClient, localClientConfig } from '../shared/adapters/dynamo/client.ts';
import { DynamoDirectoryRepository } from '../shared/adapters/dynamo/directory-repository.ts';
import { DynamoLateSlotCounter } from '../shared/adapters/dynamo/late-slot-counts.ts';
import { slotToItem } from '../shared/adapters/dynamo/slot-repository.ts';
import type { ReportSlot } from '../shared/domain/report-slot.ts';
import { cstInstant, fixedClock } from '../shared/domain/time.ts';
import { countLateSlots } from '../shared/use-cases/count-late-slots.ts';
import { runLimited } from '../shared/use-cases/run-limited.ts';
import { benchDynamo } from './dynamo.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const N = Number(process.env.BENCH_SCHOOLS ?? 20_000);
const NOW = cstInstant('2023-02-21', '10:00');

async function writeAll(doc: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]) {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await runLimited(chunks, 8, async (chunk) => {
    let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  });
}

const slot = (schoolId: string, cadence: ReportSlot['cadence'], dueDate: string, extra: Partial<ReportSlot>) =>
  ({
    id: `${schoolId}:${cadence}:${dueDate}`,
    schoolId,
    townshipId: 'tw-0',
    cadence,
    periodKey: dueDate,
    dueDate,
    deadline: cstInstant(dueDate, '17:00').toISOString(),
    state: 'OPEN',
    nextLevel: 0,
    escalations: [],
    history: [],
    createdAt: cstInstant(dueDate, '06:00').toISOString(),
    version: 1,
    ...extra,
  }) as ReportSlot;

function seed(): { items: Record<string, unknown>[]; late: number } {
  const org = (sk: string, entity: string, data: Record<string, unknown>) => ({
    pk: 'ORG',
    sk,
    entity,
    version: 1,
    ...data,
  });
  const phone = (n: number) => `+86138${String(n % 100_000_000).padStart(8, '0')}`;
  const items: Record<string, unknown>[] = [
    org('META', 'META', { chiefId: 'chief-1', officeIds: [] }),
    org('AREA#area-0', 'AREA', { id: 'area-0', name: '测试片区', leaderId: 'chief-1', active: true }),
    org('TOWNSHIP#tw-0', 'TOWNSHIP', {
      id: 'tw-0',
      name: '测试乡镇',
      areaId: 'area-0',
      contactIds: ['chief-1'],
      active: true,
    }),
    org('PERSON#chief-1', 'PERSON', {
      id: 'chief-1',
      name: '测试总负责',
      phone: phone(1),
      roles: ['chief'],
      active: true,
    }),
  ];
  let late = 0;
  for (let s = 0; s < N; s++) {
    const id = `sch-${s}`;
    items.push(
      org(`SCHOOL#${id}`, 'SCHOOL', {
        id,
        name: `测试学校${s}`,
        townshipId: 'tw-0',
        headId: `head-${s}`,
        phone: '+867700000001',
        active: true,
      }),
      org(`PERSON#head-${s}`, 'PERSON', {
        id: `head-${s}`,
        name: `测试校长${s}`,
        phone: phone(1000 + s),
        roles: ['school-head'],
        schoolId: id,
        active: true,
      }),
    );
    const yesterdayLate = s % 100 === 0;
    if (yesterdayLate) late++;
    items.push(
      slotToItem(
        slot(id, 'daily', '2023-02-20', yesterdayLate ? { nextLevel: 4 } : { state: 'SUBMITTED', version: 2 }),
      ),
      slotToItem(slot(id, 'daily', '2023-02-21', { nextDueAt: cstInstant('2023-02-21', '17:30').toISOString() })),
    );
    if (s % 10 === 0) {
      late++;
      items.push(
        slotToItem(
          slot(id, 'weekly', '2023-02-17', {
            nextLevel: 2,
            nextDueAt: cstInstant('2023-02-21', '17:30').toISOString(),
          }),
        ),
      );
    }
  }
  return { items, late };
}

async function main() {
  const db = await benchDynamo();
  try {
    const tableName = db.table('bench-late-gauge');
    await ensureTable(db.endpoint, tableName);
    const doc = createDocumentClient(localClientConfig(db.endpoint));
    const { items, late } = seed();
    const seededAt = Date.now();
    await writeAll(doc, tableName, items);
    console.log(`seeded ${N} schools, ${items.length} items in ${((Date.now() - seededAt) / 1000).toFixed(1)} s`);

    const calls = { directoryPages: 0, slotQueries: 0, slotItemsRead: 0, slotPages: 0 };
    const counting = new Proxy(doc, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? async (command: { input: { IndexName?: string; ExclusiveStartKey?: unknown } }) => {
              const out = (await target.send(command as never)) as { ScannedCount?: number };
              if (command.input.IndexName === 'gsi2') {
                calls.slotPages++;
                if (!command.input.ExclusiveStartKey) calls.slotQueries++;
                calls.slotItemsRead += out.ScannedCount ?? 0;
              } else calls.directoryPages++;
              return out;
            }
          : Reflect.get(target, prop, receiver),
    });
    const directory = new DynamoDirectoryRepository(counting, tableName);

    const start = Date.now();
    const counts = await countLateSlots({
      directory,
      counter: new DynamoLateSlotCounter(counting, tableName),
      clock: fixedClock(NOW.toISOString()),
      cadences: ['daily', 'weekly', 'monthly'],
    });
    const totalMs = Date.now() - start;
    console.log(
      `OpenLateSlots = ${counts.total} (seeded truth ${late}; ${JSON.stringify(counts.byCadence)}) ${counts.total === late ? 'OK' : 'MISMATCH'}`,
    );
    console.log(`directory load: ${calls.directoryPages} Query pages (pk = ORG, ${N * 2 + 4} items)`);
    console.log(
      `owner-index Queries: ${calls.slotQueries} (${calls.slotPages} pages) for ${N} schools; ` +
        `slot items read ${calls.slotItemsRead} = ${(calls.slotItemsRead / N).toFixed(2)} per school ` +
        `(late ones plus today's not-yet-late slot, read then filtered out); no Scan`,
    );
    console.log(`whole run (directory + counts, 16 in flight): ${(totalMs / 1000).toFixed(1)} s on DynamoDB Local`);
  } finally {
    await db.stop();
  }
}

await main();
