/**
 * Benchmark of the local runtime (not a test): prints figures for this machine.
 *  1. DynamoDB Local's write rate (plain PutItem, 16 in flight): the ceiling for everything below.
 *  2. Events per second through stream → dispatcher handler → outbox update → SMS sink.
 *  3. Latency from a notice written to its one-time schedule created (stream poll + reactor + timer).
 * Uses the manifest's outbox-dispatcher and case-reactor when they exist, else stand-ins of the same shape.
 * Usage: npm run bench:local [-- --messages 1000 --notices 30] (or BENCH_MESSAGES / BENCH_NOTICES in the env;
 * test/e2e/benches.test.ts runs it with tiny numbers so it cannot rot).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { functionSpecs } from '../functions/manifest.ts';
import { startRuntime } from '../local/runtime.ts';
import { DynamoCaseRepository } from '../shared/adapters/dynamo/case-repository.ts';
import { transactWrite } from '../shared/adapters/dynamo/client.ts';
import { DynamoDirectoryRepository } from '../shared/adapters/dynamo/directory-repository.ts';
import { enqueueMessage } from '../shared/adapters/dynamo/message-items.ts';
import type { Message } from '../shared/domain/message.ts';
import { timerName } from '../shared/domain/notice.ts';
import type { CaseDeps } from '../shared/use-cases/case-deps.ts';
import { issueNoticeUseCase } from '../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../shared/use-cases/open-case.ts';
import { fakeFactory, fakeSpecs } from '../test/e2e/support/fake-functions.ts';
import { sharedRuntimeTable } from './dynamo.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: process.env.BENCH_MESSAGES ?? '1000' },
    notices: { type: 'string', default: process.env.BENCH_NOTICES ?? '30' },
  },
});
const N = Number(values.messages);
const NOTICES = Number(values.notices);

const real = ['outbox-dispatcher', 'case-reactor'].every((n) => functionSpecs.some((s) => s.name === n));
const stateDir = mkdtempSync(join(tmpdir(), 'baoxue-bench-'));
const runtime = await startRuntime({
  stateDir,
  memory: true,
  ...sharedRuntimeTable('bench-local'),
  speed: 0,
  start: new Date('2023-02-20T02:00:00Z'),
  ...(real ? {} : { specs: fakeSpecs, handlerFactory: fakeFactory }),
  importDirectory: existsSync(new URL('../shared/use-cases/import-directory.ts', import.meta.url)),
  background: true,
  pollIntervalMs: 20,
  print: () => {},
});

function caseDeps(rt: typeof runtime): CaseDeps {
  return {
    ...rt.deps,
    repo: new DynamoCaseRepository(rt.doc, rt.tableName),
    directory: new DynamoDirectoryRepository(rt.doc, rt.tableName),
  };
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

try {
  console.log(`本地运行时基准 / local runtime benchmark (${real ? 'manifest functions' : 'stand-in functions'})`);

  // 1. The ceiling: raw writes to DynamoDB Local (items no consumer's filter matches).
  const writes = Array.from({ length: N }, (_, i) => i);
  let t0 = performance.now();
  await pool(writes, 16, async (i) => {
    await runtime.doc.send(
      new PutCommand({
        TableName: runtime.tableName,
        Item: { pk: `BENCH#${i}`, sk: 'B', entity: 'BENCH', version: 1 },
      }),
    );
  });
  const writeRate = N / ((performance.now() - t0) / 1000);
  console.log(`DynamoDB Local 写入上限 / write ceiling: ${writeRate.toFixed(0)} PutItem/s (${N} items, 16 in flight)`);
  await runtime.settle();

  // 2. Throughput: N queued messages through the stream to the SMS sink.
  const now = runtime.clock.now().toISOString();
  const messages: Message[] = writes.map((i) => ({
    id: `bench-msg-${i}`,
    audience: 'official',
    recipient: { role: 'office', phone: `+86138000${String(i % 10_000).padStart(5, '0')}`, label: '办公室' },
    template: 'bench',
    text: `基准测试消息 ${i}`,
    parts: 1,
    notBefore: now,
    status: 'QUEUED',
    createdAt: now,
    attempts: 0,
    subject: { kind: 'system', id: 'bench' },
    version: 0,
  }));
  const sentBefore = runtime.sink.sent.length;
  t0 = performance.now();
  await pool(messages, 16, (m) => transactWrite(runtime.doc, [enqueueMessage(runtime.tableName, m)]));
  const enqueued = performance.now();
  while (runtime.sink.sent.length - sentBefore < N) {
    if (performance.now() - t0 > 120_000) throw new Error('messages did not all arrive within 120 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  const elapsed = (performance.now() - t0) / 1000;
  console.log(
    `流 → 处理函数 → 发件箱 → 短信 / stream → handler → outbox → SMS: ${(N / elapsed).toFixed(0)} 条/s ` +
      `(${N} messages in ${elapsed.toFixed(2)} s; enqueueing alone took ${((enqueued - t0) / 1000).toFixed(2)} s)`,
  );

  // 3. Latency: notice written → schedule created. With the real functions the notice comes from the
  //    issue-notice use case (case opened and visited first, untimed); otherwise a stand-in NOTICE item.
  const latencies: number[] = [];
  const cases = real ? caseDeps(runtime) : undefined;
  for (let i = 0; i < NOTICES; i++) {
    const id = `bench-n${i}`;
    let write: () => Promise<string>;
    if (cases) {
      // One pupil per notice: a second open case for the same pupil is refused (DuplicateCaseError).
      const c = await openCaseUseCase(cases, {
        schoolId: 'maling-zhongxin',
        studentName: `基准学生${i}`,
        studentRef: `BENCH-${i}`,
        kind: 'not-returned',
        reason: '基准测试',
        whereabouts: '在家',
        responsibleTeacher: { name: '基准老师' },
        guardian: { name: '基准家长', phone: '+8613800000499' },
        openedBy: { name: '基准校长' },
      });
      for (const outcome of ['not-home', 'refused'] as const) {
        await logVisitUseCase(cases, c.id, {
          by: { name: '基准老师' },
          at: runtime.clock.now().toISOString(),
          outcome,
        });
      }
      write = async () => timerName((await issueNoticeUseCase(cases, c.id, { name: '基准校长' })).id);
    } else {
      write = async () => {
        await runtime.doc.send(
          new PutCommand({
            TableName: runtime.tableName,
            Item: {
              pk: `NOTICE#${id}`,
              sk: 'NOTICE',
              entity: 'NOTICE',
              version: 1,
              id,
              studentName: '基准学生',
              deadline: new Date(runtime.clock.nowMs() + 7 * 86_400_000).toISOString(),
            },
          }),
        );
        return `notice-${id}`;
      };
    }
    const start = performance.now();
    const name = await write();
    while (!(await runtime.scheduler.exists(name))) {
      if (performance.now() - start > 10_000) throw new Error('no schedule within 10 s');
      await new Promise((r) => setTimeout(r, 1));
    }
    latencies.push(performance.now() - start);
  }
  console.log(
    `通知书写入 → 定时器创建 / notice → schedule: p50 ${percentile(latencies, 0.5).toFixed(0)} ms, ` +
      `p95 ${percentile(latencies, 0.95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms ` +
      `(${NOTICES} notices, stream poll interval 20 ms)`,
  );
} finally {
  await runtime.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
