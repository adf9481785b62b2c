import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalRuntime, startRuntime } from '../../local/runtime.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { noticeMessageIds, timerName } from '../../shared/domain/notice.ts';
import { DAY_MS } from '../../shared/domain/time.ts';
import type { CaseDeps } from '../../shared/use-cases/case-deps.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { testDynamoEndpoint } from '../support/dynamo.ts';
import { fakeFactory, fakeSpecs } from './support/fake-functions.ts';

// The run's one DynamoDB Local (test/support/dynamodb-global-setup.ts), each runtime on its own table: the runtime
// is what restarts, not the JVM.
const endpoint = testDynamoEndpoint();

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
    endpoint,
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

describe('local runtime with the manifest functions', () => {
  it('fires a real notice timer after a restart mid-week: the escalation goes out once, at restart', async () => {
    const baseConfig = loadConfigFile();
    const stateDir = tempDir();
    const tableName = `real-${stateDir.slice(-6)}`;
    const start = (at: string) =>
      startRuntime({
        stateDir,
        endpoint,
        tableName,
        start: new Date(at),
        speed: 0,
        background: false,
        // Monthly reports only: no daily ladders running alongside, so the test is about the notice timer.
        config: { ...baseConfig, reports: { ...baseConfig.reports, cadences: ['monthly'] } },
        print: () => {},
      }).then((r) => {
        started.push(r);
        return r;
      });
    const first = await start('2023-02-20T02:00:00Z'); // Monday 10:00 CST
    const deps: CaseDeps = {
      ...first.deps,
      repo: new DynamoCaseRepository(first.doc, tableName),
      directory: new DynamoDirectoryRepository(first.doc, tableName),
    };
    const opened = await openCaseUseCase(deps, {
      schoolId: 'maling-zhongxin',
      studentName: '覃示例',
      kind: 'not-returned',
      reason: '外出未返校',
      whereabouts: '广东',
      responsibleTeacher: { name: '示例老师' },
      guardian: { name: '覃家长', phone: '+8613800000401' },
      openedBy: { name: '示例校长一' },
    });
    for (const outcome of ['not-home', 'refused'] as const) {
      await logVisitUseCase(deps, opened.id, {
        by: { name: '示例老师' },
        at: first.clock.now().toISOString(),
        outcome,
      });
    }
    const notice = await issueNoticeUseCase(deps, opened.id, { name: '示例校长一' });
    await first.settle();
    await first.advance(3 * DAY_MS, { cronResolutionMs: 3_600_000 });
    const pendingBeforeStop = first.scheduler.pendingTimers().map((t) => t.name);
    await first.stop();
    started.splice(started.indexOf(first), 1);

    const second = await start('2023-03-01T02:00:00Z'); // down past the 2023-02-27 deadline
    await second.settle();

    expect(pendingBeforeStop).toEqual([timerName(notice.id)]);
    const escalations = second.sink.sent.filter((s) => s.messageId.startsWith(`notice-${notice.id}-escalation-`));
    // One escalation per official of the rule (the head, the township's contacts and government, the office).
    const directory = await new DynamoDirectoryRepository(second.doc, tableName).load();
    const school = directory.schools.find((s) => s.id === 'maling-zhongxin')!;
    const township = directory.townships.find((t) => t.id === school.townshipId)!;
    const officials = new Set([
      school.headId,
      ...township.contactIds,
      ...(township.governmentContactId ? [township.governmentContactId] : []),
      ...(directory.meta.officeIds ?? []),
    ]);
    expect(escalations.map((s) => s.messageId).sort()).toEqual(
      [...officials].map((p) => noticeMessageIds.escalation(notice.id, p)).sort(),
    );
    expect(new Set(escalations.map((s) => s.at))).toEqual(new Set(['2023-03-01T02:00:00.000Z']));
    expect(new Set(escalations.map((s) => s.messageId)).size).toBe(escalations.length);
    expect(second.scheduler.pendingTimers()).toEqual([]);
  });
});
