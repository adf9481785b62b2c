import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { type LocalRuntime, startRuntime } from '../../local/runtime.ts';
import { DAY_MS } from '../../shared/domain/time.ts';
import { fakeFactory, fakeSpecs } from './support/fake-functions.ts';

// One DynamoDB Local for the file (each runtime gets its own table): the runtime is what restarts, not the JVM.
let db: DynamoDbLocal;
beforeAll(async () => {
  db = await startDynamoDbLocal();
});
afterAll(async () => {
  await db?.stop();
});

const started: LocalRuntime[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const r of started.splice(0)) await r.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-e2e-'));
  dirs.push(dir);
  return dir;
};

/** The runtime on a paused virtual clock with the stand-in functions; nothing moves unless the test moves it. */
async function runtime(stateDir: string, memory: boolean, start = '2023-02-20T02:00:00Z', tableName = 'e2e') {
  const r = await startRuntime({
    stateDir,
    memory,
    endpoint: db.endpoint,
    tableName: `${tableName}-${stateDir.slice(-6)}`,
    start: new Date(start),
    speed: 0,
    specs: fakeSpecs,
    handlerFactory: fakeFactory,
    importDirectory: false,
    background: false,
    print: () => {},
  });
  started.push(r);
  return r;
}

const putNotice = (r: LocalRuntime, id: string, extra: Record<string, unknown> = {}) =>
  r.doc.send(
    new PutCommand({
      TableName: r.tableName,
      Item: {
        pk: `NOTICE#${id}`,
        sk: 'NOTICE',
        entity: 'NOTICE',
        version: 1,
        id,
        studentName: '测试小明',
        deadline: new Date(r.clock.nowMs() + 7 * DAY_MS).toISOString(),
        ...extra,
      },
    }),
  );

describe('local runtime triggers', () => {
  it('drives stream → timer → deadline → outbox → SMS on the virtual clock, each message once and on time', async () => {
    const r = await runtime(tempDir(), true);

    await putNotice(r, 'n1');
    await r.settle();
    const afterIssue = r.sink.sent.map((s) => ({ id: s.messageId, at: s.at }));
    await r.advance(7 * DAY_MS);

    expect(afterIssue).toEqual([{ id: 'notice-n1-guardian', at: '2023-02-20T02:00:00.000Z' }]);
    expect(r.sink.sent.map((s) => ({ id: s.messageId, phone: s.phone, at: s.at }))).toEqual([
      { id: 'notice-n1-guardian', phone: '+8613800000101', at: '2023-02-20T02:00:00.000Z' },
      { id: 'notice-n1-lapsed', phone: '+8613800000201', at: '2023-02-27T02:00:00.000Z' },
    ]);
    expect(r.scheduler.pendingTimers()).toEqual([]);
  });

  it('retries a failed send and sends it once; a poison record goes to the on-failure log after maxRetries', async () => {
    const stateDir = tempDir();
    const r = await runtime(stateDir, true);
    r.sink.injectFailure('transient', 2);

    await putNotice(r, 'n2');
    await putNotice(r, 'bad', { poison: true });
    await r.settle();

    expect(r.sink.sent.map((s) => s.messageId)).toEqual(['notice-n2-guardian']);
    const reactor = r.pollers.find((p) => p.functionName === 'fake-notice-reactor')!;
    expect(reactor.stats.gaveUp).toBe(1);
    const failures = readFileSync(join(stateDir, 'memory-run', 'on-failure', 'fake-notice-reactor.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(failures).toHaveLength(1);
    expect(failures[0].record.dynamodb.NewImage.id).toEqual({ S: 'bad' });
    expect(r.pollers.find((p) => p.functionName === 'fake-dispatcher')!.stats.retries).toBe(2);
  });

  it('fires a pending timer after a restart in the middle of its week, and sends nothing twice', async () => {
    const stateDir = tempDir();
    const first = await runtime(stateDir, false);
    await putNotice(first, 'n3');
    await first.settle();
    await first.advance(3 * DAY_MS);
    await first.stop();
    started.splice(started.indexOf(first), 1);

    const second = await runtime(stateDir, false, '2023-02-28T00:00:00Z'); // restarted after the deadline
    await second.settle();

    expect(second.sink.sent.map((s) => ({ id: s.messageId, at: s.at }))).toEqual([
      { id: 'notice-n3-lapsed', at: '2023-02-28T00:00:00.000Z' },
    ]);
    const outbox = readFileSync(join(stateDir, 'sms-outbox.jsonl'), 'utf8').trim().split('\n');
    expect(outbox.map((l) => JSON.parse(l).messageId)).toEqual(['notice-n3-guardian', 'notice-n3-lapsed']);
    expect(existsSync(join(stateDir, 'runtime.json'))).toBe(true);
  });
});
