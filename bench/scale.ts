/**
 * Benchmark (not a test): how the office's reads grow with the number of schools, on DynamoDB Local.
 * For each N (default 150 = a county, 2,000 and 15,000 = a province) it seeds N schools with realistic items (a
 * week of daily slots plus the weekly and monthly ones, about 3% late; one open case per school, a returned one every
 * 5th school, a pending notice every 10th; one follow-up visit per school; school 0 holds 150 open cases) and prints,
 * per read path, DynamoDB requests, items read and time per call, then p50/p99 of the office's late board and
 * statistics with 8 concurrent users on the local API (HTTP), and at the end the bundle sizes and module init of
 * every function against a bundle that only creates a DynamoDBDocumentClient.
 *
 *   npm run bench:scale                          # N = 150, 2000, 15000
 *   npm run bench:scale -- --schools 150,2000
 *   BENCH_SCHOOLS=40 npm run bench:scale         # what CI runs (test/e2e/benches.test.ts)
 */
import { parseArgs } from 'node:util';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { signDevToken } from '../functions/api/dev-token.ts';
import { createApiHandler } from '../functions/api/index.ts';
import { startApiServer } from '../functions/api/local-server.ts';
import type { Deps } from '../functions/deps.ts';
import { createDigestsHandler } from '../functions/digests/index.ts';
import { createReconcileHandler, LATE_SLOTS_TASK } from '../functions/reconcile/index.ts';
import { ensureTable } from '../local/dynamodb-local.ts';
import { aggregateItems, recount } from '../shared/adapters/dynamo/aggregate-store.ts';
import { caseToItem, noticeToItem } from '../shared/adapters/dynamo/case-repository.ts';
import { createDocumentClient, localClientConfig } from '../shared/adapters/dynamo/client.ts';
import { slotToItem } from '../shared/adapters/dynamo/slot-repository.ts';
import { memoryMetrics } from '../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../shared/adapters/logger.ts';
import { loadConfigFile } from '../shared/config/load-config.ts';
import { AGGREGATED_ENTITIES } from '../shared/domain/aggregates.ts';
import type { Case } from '../shared/domain/case.ts';
import type { Notice } from '../shared/domain/notice.ts';
import type { ReportSlot } from '../shared/domain/report-slot.ts';
import { cstInstant, fixedClock } from '../shared/domain/time.ts';
import { runLimited } from '../shared/use-cases/run-limited.ts';
import { apiEvent } from '../test/support/api-world.ts';
import { printBundleFigures } from './bundle-figures.ts';
import { type BenchDynamo, benchDynamo } from './dynamo.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values: flags } = parseArgs({
  options: {
    schools: { type: 'string' },
    'init-runs': { type: 'string' },
    'skip-bundles': { type: 'boolean' },
    'full-max': { type: 'string' },
  },
  allowPositionals: false,
});
const SIZES = (flags.schools ?? process.env.BENCH_SCHOOLS ?? '150,2000,15000').split(',').map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 2)) throw new Error('--schools: comma-separated integers >= 2');
const TINY = Math.max(...SIZES) < 150;
/**
 * Sizes above this are seeded with the directory and the aggregates only (recounted in memory from the same
 * generated items), not the items themselves: statistics, digests and the gauge read nothing else. The late board
 * and the case list, which read the items, are measured at the full sizes only. Default: every size in full.
 */
const FULL_MAX = Number(flags['full-max'] ?? 15_000);
const INIT_RUNS = Number(flags['init-runs'] ?? (TINY ? 1 : 7));
/** Schools in one township, as in 荔浦 (about 150 schools in 13 townships). */
const PER_TOWNSHIP = 12;
const BIG_SCHOOL_CASES = 150;
/** Tuesday 10:00 CST: last week's digest is due, yesterday's daily slots are late where not filed. */
const NOW = cstInstant('2026-03-10', '10:00');
const DAYS = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-09'];
const office = { personId: 'office-1', name: '测试办公室', role: 'office' } as const;

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

const phone = (n: number) => `+86138${String(n % 100_000_000).padStart(8, '0')}`;
const org = (sk: string, entity: string, data: Record<string, unknown>) => ({
  pk: 'ORG',
  sk,
  entity,
  version: 1,
  ...data,
});

function slot(schoolId: string, townshipId: string, cadence: ReportSlot['cadence'], dueDate: string, late: boolean) {
  const deadline = cstInstant(dueDate, '17:00').toISOString();
  return slotToItem({
    id: `${schoolId}:${cadence}:${dueDate}`,
    schoolId,
    townshipId,
    cadence,
    periodKey: dueDate,
    dueDate,
    deadline,
    state: late ? 'OPEN' : 'SUBMITTED',
    nextLevel: late ? 1 : 0,
    ...(late ? { nextDueAt: cstInstant('2026-03-10', '11:00').toISOString() } : {}),
    escalations: [],
    history: [],
    createdAt: cstInstant(dueDate, '06:00').toISOString(),
    ...(late ? {} : { firstSubmittedAt: cstInstant(dueDate, '16:00').toISOString() }),
    version: late ? 1 : 2,
  } as ReportSlot);
}

function caseItems(id: string, schoolId: string, townshipId: string, state: Case['state'], notice: boolean) {
  const openedAt = cstInstant('2026-03-03', '09:00').toISOString();
  const closed = state === 'returned';
  const c: Case = {
    id,
    schoolId,
    townshipId,
    studentName: '测试学生',
    kind: 'not-returned',
    reason: '测试原因',
    whereabouts: '测试去向',
    responsibleTeacher: { name: '测试教师' },
    guardian: { name: '测试家长' },
    povertyRegistered: false,
    state,
    openedAt,
    updatedAt: closed ? cstInstant('2026-03-06', '09:00').toISOString() : openedAt,
    visitCount: 2,
    ...(closed ? { closedAt: cstInstant('2026-03-06', '09:00').toISOString() } : {}),
    ...(notice ? { currentNoticeId: `n-${id}` } : {}),
    version: 1,
  } as Case;
  const items = [caseToItem(c, 1)];
  if (notice) {
    const n: Notice = {
      id: `n-${id}`,
      caseId: id,
      schoolId,
      townshipId,
      issuedAt: cstInstant('2026-03-06', '10:00').toISOString(),
      deadline: cstInstant('2026-03-13', '10:00').toISOString(),
      status: 'pending',
      issuedBy: { name: '测试校长' },
      timerName: `timer-${id}`,
      reminderMessageIds: [],
      version: 1,
    } as Notice;
    items.push(noticeToItem(n, 1));
  }
  return items;
}

function seed(n: number): { items: Record<string, unknown>[]; lateSlots: number } {
  const townships = Math.max(2, Math.ceil(n / PER_TOWNSHIP));
  const areas = Math.max(1, Math.ceil(townships / 4));
  const items: Record<string, unknown>[] = [
    org('META', 'META', { chiefId: 'chief-1', officeIds: ['office-1'] }),
    org('PERSON#office-1', 'PERSON', { id: 'office-1', name: '测试办公室', phone: phone(1), roles: ['office'] }),
    org('PERSON#chief-1', 'PERSON', { id: 'chief-1', name: '测试总负责', phone: phone(2), roles: ['chief'] }),
  ];
  for (const i of [0, 1]) Object.assign(items[i + 1]!, { active: true });
  for (let a = 0; a < areas; a++) {
    items.push(
      org(`AREA#area-${a}`, 'AREA', { id: `area-${a}`, name: `测试片区${a}`, leaderId: `leader-${a}`, active: true }),
      org(`PERSON#leader-${a}`, 'PERSON', {
        id: `leader-${a}`,
        name: `测试片长${a}`,
        phone: phone(100 + a),
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
        areaId: `area-${t % areas}`,
        contactIds: [`contact-${t}`],
        active: true,
      }),
      org(`PERSON#contact-${t}`, 'PERSON', {
        id: `contact-${t}`,
        name: `测试联络${t}`,
        phone: phone(10_000 + t),
        roles: ['township-contact'],
        active: true,
      }),
    );
  }
  let lateSlots = 0;
  for (let s = 0; s < n; s++) {
    const id = `sch-${s}`;
    const tw = `tw-${s % townships}`;
    items.push(
      org(`SCHOOL#${id}`, 'SCHOOL', {
        id,
        name: `测试学校${s}`,
        townshipId: tw,
        headId: `head-${s}`,
        phone: '+867700000001',
        active: true,
      }),
      org(`PERSON#head-${s}`, 'PERSON', {
        id: `head-${s}`,
        name: `测试校长${s}`,
        phone: phone(100_000 + s),
        roles: ['school-head'],
        schoolId: id,
        active: true,
      }),
    );
    DAYS.forEach((day, d) => {
      // About 3% of the daily slots are late (not filed), mostly yesterday's.
      const late = (s + d) % 33 === 0;
      if (late) lateSlots++;
      items.push(slot(id, tw, 'daily', day, late));
    });
    const weeklyLate = s % 40 === 0;
    if (weeklyLate) lateSlots++;
    items.push(slot(id, tw, 'weekly', '2026-03-06', weeklyLate), slot(id, tw, 'monthly', '2026-02-27', false));
    items.push(...caseItems(`c-${s}`, id, tw, 'persuading', s % 10 === 0));
    if (s % 5 === 0) items.push(...caseItems(`c-${s}-r`, id, tw, 'returned', false));
    const dueDate = '2026-03-06';
    items.push({
      pk: `PLAN#p-${s}`,
      sk: 'VISIT#001',
      entity: 'VISIT',
      planId: `p-${s}`,
      kind: 'followup',
      no: 1,
      dueDate,
      deadline: cstInstant(dueDate, '17:00').toISOString(),
      steps: [],
      nextStep: 0,
      status: s % 7 === 0 ? 'planned' : 'done',
      escalated: false,
      schoolId: id,
      townshipId: tw,
      ...(s % 7 === 0 ? {} : { doneOn: '2026-03-05' }),
      version: 1,
      gsi2pk: `SCHOOL#${id}`,
      gsi2sk: `VISIT#${dueDate}#p-${s}#VISIT#001`,
    });
  }
  for (let k = 1; k < BIG_SCHOOL_CASES; k++) items.push(...caseItems(`c-0-${k}`, 'sch-0', 'tw-0', 'persuading', false));
  return { items, lateSlots };
}

/** Counts every DynamoDB request sent through the client, and the items each one read. */
function countingClient(endpoint: string) {
  const count = { requests: 0, writes: 0, itemsRead: 0 };
  const counting = createDocumentClient(localClientConfig(endpoint));
  counting.middlewareStack.add(
    (next, context) => async (args) => {
      count.requests++;
      if (/Put|Update|Delete|Write/.test(String(context.commandName))) count.writes++;
      const out = await next(args);
      const o = out.output as {
        ScannedCount?: number;
        Item?: unknown;
        Responses?: Record<string, unknown[]> | unknown[];
      };
      if (typeof o.ScannedCount === 'number') count.itemsRead += o.ScannedCount;
      else if (o.Item) count.itemsRead += 1;
      else if (o.Responses && !Array.isArray(o.Responses))
        count.itemsRead += Object.values(o.Responses).reduce((sum, r) => sum + r.length, 0);
      return out;
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return { counting, count };
}

interface Row {
  path: string;
  schools: number;
  requests: number;
  writes: number;
  itemsRead: number;
  ms: number;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function runSize(db: BenchDynamo, n: number): Promise<{ rows: Row[]; latency: string[] }> {
  const { endpoint } = db;
  const tableName = db.table(`bench-scale-${n}`);
  // The table without its stream: nothing reads it here (the aggregates are written directly). With it, 2,000
  // schools' items took a minute, 15,000 schools' did not finish in 25 minutes (local/dynamodb-local.ts).
  await ensureTable(endpoint, tableName, { stream: false });
  const raw = createDocumentClient(localClientConfig(endpoint));
  const startedAt = Date.now();
  const { items, lateSlots } = seed(n);
  const full = n <= FULL_MAX;
  // The aggregates the case reactor keeps from the stream, recounted in memory from the same generated items and
  // written directly (the bench writes past the stream; no Scan, no guards: nothing writes after the seed).
  const aggregates = aggregateItems(recount(items.filter((i) => AGGREGATED_ENTITIES.includes(i.entity as never))));
  const recountedAt = Date.now();
  const written = full ? items : items.filter((i) => i.pk === 'ORG');
  await writeAll(raw, tableName, [...written, ...aggregates]);
  const bytes = aggregates.reduce((sum, i) => sum + JSON.stringify(i).length, 0);
  console.log(
    `\nN = ${n} schools${full ? '' : ' (directory and aggregates only)'}: ${items.length} items generated, ` +
      `${aggregates.length} aggregate items (≈ ${(bytes / 1e6).toFixed(1)} MB as JSON) generated and ` +
      `recounted in ${((recountedAt - startedAt) / 1000).toFixed(1)} s; ${written.length + aggregates.length} items written in ` +
      `${((Date.now() - recountedAt) / 1000).toFixed(1)} s (${lateSlots} late slots)`,
  );
  const { counting, count } = countingClient(endpoint);
  const deps: Deps = {
    doc: counting,
    tableName,
    sms: { send: () => Promise.reject(new Error('the bench sends no SMS')) },
    timers: {
      createAt: () => Promise.reject(new Error('no timers')),
      delete: () => Promise.reject(new Error('no timers')),
      exists: () => Promise.reject(new Error('no timers')),
      scheduledAt: () => Promise.reject(new Error('no timers')),
      moveTo: () => Promise.reject(new Error('no timers')),
    },
    clock: fixedClock(NOW.toISOString()),
    newId: (() => {
      let i = 0;
      return () => `bench${++i}`;
    })(),
    log: memoryLog(),
    metrics: memoryMetrics(),
    config: loadConfigFile(),
  };
  const api = createApiHandler(deps);
  const rows: Row[] = [];
  const measure = async (path: string, call: () => Promise<unknown>) => {
    count.requests = 0;
    count.writes = 0;
    count.itemsRead = 0;
    const start = performance.now();
    await call();
    rows.push({
      path,
      schools: n,
      requests: count.requests,
      writes: count.writes,
      itemsRead: count.itemsRead,
      ms: performance.now() - start,
    });
  };
  const get =
    (path: string, query: Record<string, string> = {}) =>
    async () => {
      const res = await api(apiEvent({ method: 'GET', path, as: office, query }));
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
    };
  await measure(
    'GET /api/statistics (county, this month)',
    get('/api/statistics', { from: '2026-03-01', to: '2026-03-10' }),
  );
  // The API keeps the directory for a minute: a second call reads the aggregates only.
  await measure(
    'GET /api/statistics (county, this month, directory cached)',
    get('/api/statistics', { from: '2026-03-01', to: '2026-03-10' }),
  );
  if (full) {
    await measure('GET /api/reports/late (office board)', get('/api/reports/late'));
    await measure(`GET /api/cases?schoolId (${BIG_SCHOOL_CASES} open cases)`, get('/api/cases', { schoolId: 'sch-0' }));
  }
  await measure('digests (daily run: last week digest)', () => createDigestsHandler(deps)());
  await measure('late-slot gauge (reconcile, hourly)', async () => {
    const result = await createReconcileHandler(deps)({ task: LATE_SLOTS_TASK });
    const total = result.task === LATE_SLOTS_TASK ? result.lateSlots.total : -1;
    if (total !== lateSlots) throw new Error(`gauge ${total} != seeded ${lateSlots}`);
  });

  // 8 concurrent users on the local API (HTTP, dev sign-in token), each sending the same request in turn.
  const secret = 'bench-secret';
  const server = await startApiServer({ deps: { ...deps, doc: raw, devAuthSecret: secret }, port: 0 });
  const token = signDevToken(
    { sub: office.personId, 'custom:personId': office.personId, 'custom:role': office.role, name: office.name },
    secret,
    new Date(),
  );
  const latency: string[] = [];
  try {
    // The late board reads one late-index Query per township (gsi3) plus the summary's aggregates; fewer calls at a
    // province's size all the same.
    const perUser = TINY ? 2 : n >= 1000 ? 1 : 4;
    // Statistics read the aggregates (a few requests whatever N), so they run over HTTP at every size.
    const paths = [
      ...(full ? [['late board', '/api/reports/late'] as const] : []),
      ['statistics', '/api/statistics?from=2026-03-01&to=2026-03-10'] as const,
    ];
    for (const [label, path] of paths) {
      const times: number[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < perUser; i++) {
            const start = performance.now();
            const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
            await res.arrayBuffer();
            if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
            times.push(performance.now() - start);
          }
        }),
      );
      latency.push(
        `| ${label} | ${n} | 8 | ${times.length} | ${percentile(times, 50).toFixed(0)} | ${percentile(times, 99).toFixed(0)} |`,
      );
    }
  } finally {
    await server.close();
  }
  // Printed as soon as they are known, so a later size that fails or is stopped leaves these figures.
  for (const r of rows)
    console.log(
      `  ${r.path}: ${r.requests} requests (${r.writes} writes), ${r.itemsRead} items read, ${r.ms.toFixed(0)} ms`,
    );
  for (const l of latency) console.log(`  HTTP ${l}`);
  return { rows, latency };
}

async function main() {
  const db = await benchDynamo();
  const rows: Row[] = [];
  const latency: string[] = [];
  try {
    for (const n of SIZES) {
      const r = await runSize(db, n);
      rows.push(...r.rows);
      latency.push(...r.latency);
    }
  } finally {
    await db.stop();
  }

  console.log('\n| read path | schools | requests/call | of which writes | requests/school | items read | ms/call |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.path} | ${r.schools} | ${r.requests} | ${r.writes} | ${(r.requests / r.schools).toFixed(2)} | ${r.itemsRead} | ${r.ms.toFixed(0)} |`,
    );
  }
  const paths = [...new Set(rows.map((r) => r.path))];
  const smallest = Math.min(...SIZES);
  const largest = Math.max(...SIZES);
  if (largest > smallest)
    console.log(`\nrequests per call, ${largest} vs ${smallest} schools (target: flat, ratio <= 1.5):`);
  else console.log('\none size only: no growth ratio (run with --schools 150,2000 or more)');
  for (const p of largest > smallest ? paths : []) {
    const row = (n: number) => rows.find((r) => r.path === p && r.schools === n);
    const [small, large] = [row(smallest), row(largest)];
    if (!small || !large) continue;
    const ratio = large.requests / small.requests;
    const reads = (large.requests - large.writes) / (small.requests - small.writes);
    console.log(
      `  ${p}: ${small.requests} -> ${large.requests} = ${ratio.toFixed(2)}x ${ratio <= 1.5 ? 'flat' : 'GROWS'}` +
        ` (reads ${small.requests - small.writes} -> ${large.requests - large.writes} = ${reads.toFixed(2)}x)`,
    );
  }
  // The list's reads (its Query and the pending notices' BatchGet) against the target; the audit record of who read
  // which cases is a write every read of case data makes (docs/api.md), counted apart.
  const caseList = rows.filter((r) => r.path.startsWith('GET /api/cases?schoolId'));
  if (caseList.length > 0) {
    const reads = Math.max(...caseList.map((r) => r.requests - r.writes));
    const writes = Math.max(...caseList.map((r) => r.writes));
    console.log(
      `a school's ${BIG_SCHOOL_CASES}-case list: ${reads} reads (target <= 2) ${reads <= 2 ? 'met' : 'not met'}` +
        `, plus ${writes} audit write${writes === 1 ? '' : 's'}`,
    );
  }

  console.log('\n| users | schools | concurrent | requests | p50 ms | p99 ms |'.replace('users', 'read (HTTP)'));
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const l of latency) console.log(l);

  if (flags['skip-bundles']) return;
  await printBundleFigures(INIT_RUNS);
}

await main();
