/**
 * Benchmark (not a test): the chase sweep reads what is late, not the number of schools.
 * N schools (default 20,000), 1% late, on DynamoDB Local. Prints items read per late slot by the sweep (target
 * <= 1.1 from the due index) and its time, side by side with a full-table Scan finding the same slots.
 *
 *   npm run bench:chase            # N=20000
 *   BENCH_SCHOOLS=5000 npm run bench:chase
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../local/dynamodb-local.ts';
import { createDocumentClient, localClientConfig } from '../shared/adapters/dynamo/client.ts';
import { DynamoDirectoryLookup } from '../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoNoteRepository } from '../shared/adapters/dynamo/note-repository.ts';
import { DynamoSlotRepository, slotToItem } from '../shared/adapters/dynamo/slot-repository.ts';
import { loadConfigFile } from '../shared/config/load-config.ts';
import { newSlot, type ReportSlot, submitSlot } from '../shared/domain/report-slot.ts';
import { fixedClock } from '../shared/domain/time.ts';
import { chaseReports } from '../shared/use-cases/chase-reports.ts';
import { runLimited } from '../shared/use-cases/run-limited.ts';
import { benchDynamo } from './dynamo.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const N = Number(process.env.BENCH_SCHOOLS ?? 20_000);
const LATE_RATIO = 0.01;
const NOT_YET_DUE_RATIO = 0.1; // weekly slots already open but not due: in the index, outside the range read
const DEADLINE = new Date('2023-02-20T09:00:00.000Z'); // 17:00 CST Monday
const FIRST_DUE = new Date('2023-02-20T09:30:00.000Z');
const SWEEP_AT = new Date('2023-02-20T09:31:00.000Z');

const quietLog = { info: () => {}, warn: () => {}, error: () => {} };

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

function seedItems(): { items: Record<string, unknown>[]; lateIds: Set<string> } {
  const items: Record<string, unknown>[] = [];
  const org = (sk: string, entity: string, data: Record<string, unknown>) => ({
    pk: 'ORG',
    sk,
    entity,
    version: 1,
    ...data,
  });
  const phone = (n: number) => `+86138${String(n % 100_000_000).padStart(8, '0')}`;
  const townships = 40;
  items.push(org('META', 'META', { chiefId: 'chief-1', officeIds: ['office-1'] }));
  items.push(
    org('PERSON#chief-1', 'PERSON', {
      id: 'chief-1',
      name: '测试总负责',
      phone: phone(1),
      roles: ['chief'],
      active: true,
    }),
  );
  items.push(
    org('PERSON#office-1', 'PERSON', {
      id: 'office-1',
      name: '测试办公室',
      phone: phone(2),
      roles: ['office'],
      active: true,
    }),
  );
  for (let a = 0; a < 4; a++) {
    items.push(
      org(`AREA#area-${a}`, 'AREA', { id: `area-${a}`, name: `测试片区${a}`, leaderId: `leader-${a}`, active: true }),
    );
    items.push(
      org(`PERSON#leader-${a}`, 'PERSON', {
        id: `leader-${a}`,
        name: `测试片长${a}`,
        phone: phone(10 + a),
        roles: ['area-leader'],
        active: true,
      }),
    );
  }
  for (let t = 0; t < townships; t++) {
    items.push(
      org(`TOWNSHIP#tw-${t}`, 'TOWNSHIP', {
        id: `tw-${t}`,
        name: `测试乡镇${t}`,
        areaId: `area-${t % 4}`,
        contactIds: [`contact-${t}`],
        active: true,
      }),
    );
    items.push(
      org(`PERSON#contact-${t}`, 'PERSON', {
        id: `contact-${t}`,
        name: `测试联络${t}`,
        phone: phone(100 + t),
        roles: ['township-contact'],
        active: true,
      }),
    );
  }
  const lateIds = new Set<string>();
  const lateEvery = Math.round(1 / LATE_RATIO);
  const notYetEvery = Math.round(1 / NOT_YET_DUE_RATIO);
  for (let s = 0; s < N; s++) {
    const id = `sch-${s}`;
    const townshipId = `tw-${s % townships}`;
    items.push(
      org(`SCHOOL#${id}`, 'SCHOOL', {
        id,
        name: `测试学校${s}`,
        townshipId,
        headId: `head-${s}`,
        phone: '+867700000001',
        active: true,
      }),
    );
    items.push(
      org(`PERSON#head-${s}`, 'PERSON', {
        id: `head-${s}`,
        name: `测试校长${s}`,
        phone: phone(1000 + s),
        roles: ['school-head'],
        schoolId: id,
        active: true,
      }),
    );
    const slot = newSlot({
      schoolId: id,
      townshipId,
      cadence: 'daily',
      periodKey: '2023-02-20',
      dueDate: '2023-02-20',
      deadline: DEADLINE,
      firstDueAt: FIRST_DUE,
      now: DEADLINE,
    });
    const stored: ReportSlot =
      s % lateEvery === 0
        ? { ...slot, version: 1 }
        : {
            ...submitSlot(
              slot,
              {
                counts: { enrolled: 100, returned: 100, notReturned: 0, droppedOut: 0 },
                notBack: [],
                submittedBy: `head-${s}`,
              },
              DEADLINE,
            ),
            version: 2,
          };
    if (stored.state === 'OPEN') lateIds.add(stored.id);
    items.push(slotToItem(stored));
    if (s % notYetEvery === 0) {
      const weekly = newSlot({
        schoolId: id,
        townshipId,
        cadence: 'weekly',
        periodKey: '2023-W08',
        dueDate: '2023-02-24',
        deadline: new Date('2023-02-24T09:00:00.000Z'),
        firstDueAt: new Date('2023-02-24T09:30:00.000Z'),
        now: DEADLINE,
      });
      items.push(slotToItem({ ...weekly, version: 1 }));
    }
  }
  return { items, lateIds };
}

async function scanForDue(doc: DynamoDBDocumentClient, tableName: string, now: Date) {
  const found: string[] = [];
  let scanned = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :slot AND #state = :open AND nextDueAt <= :now',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':slot': 'SLOT', ':open': 'OPEN', ':now': now.toISOString() },
        ExclusiveStartKey: startKey,
      }),
    );
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) found.push(String(item.id));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { found, scanned };
}

async function main() {
  const db = await benchDynamo();
  try {
    const tableName = db.table('bench-chase');
    await ensureTable(db.endpoint, tableName);
    const doc = createDocumentClient(localClientConfig(db.endpoint));
    const { items, lateIds } = seedItems();
    const seedStart = performance.now();
    await writeAll(doc, tableName, items);
    console.log(
      `seeded ${items.length} items (${N} schools, ${lateIds.size} late) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    // Full-table Scan doing the same job (finding the late slots); run first, the sweep changes the slots.
    const scanStart = performance.now();
    const scan = await scanForDue(doc, tableName, SWEEP_AT);
    const scanMs = performance.now() - scanStart;

    const slots = new DynamoSlotRepository(doc, tableName);
    const directory = new DynamoDirectoryLookup(doc, tableName);
    const findStart = performance.now();
    const indexFind = await slots.queryDue(SWEEP_AT);
    const indexFindMs = performance.now() - findStart;
    const config = loadConfigFile();
    const sweepStart = performance.now();
    const result = await chaseReports({
      slots,
      notes: new DynamoNoteRepository(doc, tableName),
      directory,
      clock: fixedClock(SWEEP_AT.toISOString()),
      log: quietLog,
      config,
    });
    const sweepMs = performance.now() - sweepStart;
    const after = await slots.queryDue(SWEEP_AT);

    const late = lateIds.size;
    const sameSet = scan.found.length === late && scan.found.every((id) => lateIds.has(id));
    console.log(
      `\nN = ${N} schools, ${late} late (${(LATE_RATIO * 100).toFixed(0)}%), ${Math.round(N * NOT_YET_DUE_RATIO)} open but not yet due`,
    );
    console.log('| approach | items read | items read per late slot | time |');
    console.log('|---|---:|---:|---:|');
    console.log(
      `| due index, find only (Query DUE#SLOT <= now) | ${indexFind.itemsRead} | ${(indexFind.itemsRead / late).toFixed(2)} | ${indexFindMs.toFixed(0)} ms |`,
    );
    console.log(
      `| due index, whole chase sweep (query + ${result.messages} escalation transactions) | ${result.itemsRead} | ${(result.itemsRead / late).toFixed(2)} | ${sweepMs.toFixed(0)} ms |`,
    );
    console.log(
      `| directory entries for those schools (BatchGet) | ${directory.lastItemsRead} | ${(directory.lastItemsRead / late).toFixed(2)} | (in the sweep) |`,
    );
    console.log(
      `| full-table Scan finding the same late slots | ${scan.scanned} | ${(scan.scanned / late).toFixed(1)} | ${scanMs.toFixed(0)} ms (find only) |`,
    );
    console.log(
      `\nscan found the same ${scan.found.length} slots: ${sameSet}; sweep escalated ${result.escalated}, skipped ${result.skipped}`,
    );
    console.log(
      `after the sweep the due range up to now holds ${after.slots.length} slots (the next level is not due yet)`,
    );
    const target = result.itemsRead / late <= 1.1;
    console.log(`target <= 1.1 index items per late slot: ${target ? 'met' : 'NOT met'}`);
  } finally {
    await db.stop();
  }
}

await main();
