import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createCaseReactorHandler } from '../../functions/case-reactor/index.ts';
import type { Deps } from '../../functions/deps.ts';
import { createNoticeDeadlineHandler } from '../../functions/notice-deadline/index.ts';
import { createDocumentClient } from '../../shared/adapters/dynamo/client.ts';
import { memoryMetrics } from '../../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import type { TimerScheduler } from '../../shared/domain/ports.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { FakeTimerScheduler } from '../support/fake-timer-scheduler.ts';
import { streamEvent } from '../support/stream-events.ts';

/** Deps whose table must never be touched: these records only need the timer port. */
function unitDeps(timers: TimerScheduler): Deps {
  const doc = createDocumentClient({ region: 'cn-local-1', endpoint: 'http://127.0.0.1:9' });
  doc.send = () => Promise.reject(new Error('no table access expected in this test'));
  return {
    doc: doc as DynamoDBDocumentClient,
    tableName: 'unit',
    sms: { send: () => Promise.reject(new Error('no SMS')) },
    timers,
    clock: fixedClock('2023-02-20T02:00:00.000Z'),
    newId: () => 'unit-id',
    log: memoryLog(),
    metrics: memoryMetrics(),
    config: loadConfigFile(),
  };
}

const notice = (id: string, status: string) => ({
  pk: `CASE#case-${id}`,
  sk: `NOTICE#${id}`,
  entity: 'NOTICE',
  id,
  caseId: `case-${id}`,
  status,
  deadline: '2023-02-27T02:00:00.000Z',
  version: 1,
});

describe('case-reactor', () => {
  it('creates the timer of a new pending notice with the case and notice ids', async () => {
    const timers = new FakeTimerScheduler();

    const out = await createCaseReactorHandler(unitDeps(timers))(
      streamEvent({ eventName: 'INSERT', next: notice('n1', 'pending') }),
    );

    expect(out.batchItemFailures).toEqual([]);
    expect(timers.timers.get('notice-n1')).toEqual({
      at: new Date('2023-02-27T02:00:00.000Z'),
      payload: { caseId: 'case-n1', noticeId: 'n1' },
    });
  });

  it('ignores changes that start or stop nothing', async () => {
    const timers = new FakeTimerScheduler();

    await createCaseReactorHandler(unitDeps(timers))(
      streamEvent(
        { eventName: 'MODIFY', prev: notice('n2', 'pending'), next: notice('n2', 'pending') },
        { eventName: 'MODIFY', prev: notice('n3', 'lapsed'), next: notice('n3', 'lapsed') },
        { eventName: 'INSERT', next: { pk: 'CASE#c', sk: 'CASE', entity: 'CASE', state: 'opened' } },
      ),
    );

    expect(timers.calls).toEqual([]);
  });

  it('reports only the failing record when one timer cannot be created', async () => {
    const timers = new FakeTimerScheduler();
    const flaky: TimerScheduler = {
      createAt: (input) =>
        input.name === 'notice-bad' ? Promise.reject(new Error('ThrottlingException')) : timers.createAt(input),
      delete: (name) => timers.delete(name),
      exists: (name) => timers.exists(name),
      scheduledAt: (name) => timers.scheduledAt(name),
      moveTo: (input) => timers.moveTo(input),
    };
    const event = streamEvent(
      { eventName: 'INSERT', next: notice('good', 'pending') },
      { eventName: 'INSERT', next: notice('bad', 'pending') },
    );

    const out = await createCaseReactorHandler(unitDeps(flaky))(event);

    expect(out.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]!.dynamodb!.SequenceNumber }]);
    expect([...timers.timers.keys()]).toEqual(['notice-good']);
  });

  it('deletes the timer when a notice leaves pending, and accepts one already gone', async () => {
    const timers = new FakeTimerScheduler();
    await timers.createAt({ name: 'notice-n4', at: new Date(0), payload: {} });

    await createCaseReactorHandler(unitDeps(timers))(
      streamEvent(
        { eventName: 'MODIFY', prev: notice('n4', 'pending'), next: notice('n4', 'complied') },
        { eventName: 'MODIFY', prev: notice('n5', 'pending'), next: notice('n5', 'withdrawn') },
      ),
    );

    expect(timers.calls.slice(1)).toEqual([
      { op: 'delete', name: 'notice-n4', result: 'deleted' },
      { op: 'delete', name: 'notice-n5', result: 'absent' },
    ]);
  });
});

describe('case-reactor: records of one notice stay in order', () => {
  /** A scheduler whose CreateSchedule answers after a delay, as the real API can: a parallel delete overtakes it. */
  function slowCreate(timers: FakeTimerScheduler, ms: number): TimerScheduler {
    return {
      createAt: async (input) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return timers.createAt(input);
      },
      delete: (name) => timers.delete(name),
      exists: (name) => timers.exists(name),
      scheduledAt: (name) => timers.scheduledAt(name),
      moveTo: (input) => timers.moveTo(input),
    };
  }

  it('a notice issued then complied in the same batch leaves no timer (create, then delete)', async () => {
    const timers = new FakeTimerScheduler();
    const event = streamEvent(
      { eventName: 'INSERT', next: notice('n6', 'pending') },
      { eventName: 'MODIFY', prev: notice('n6', 'pending'), next: { ...notice('n6', 'complied'), version: 2 } },
    );

    const out = await createCaseReactorHandler(unitDeps(slowCreate(timers, 25)))(event);

    expect(out.batchItemFailures).toEqual([]);
    expect(timers.calls.map((c) => `${c.op} ${c.name} ${c.result}`)).toEqual([
      'createAt notice-n6 created',
      'delete notice-n6 deleted',
    ]);
    expect(timers.timers.has('notice-n6')).toBe(false);
  });

  it('two batches given to one handler at once are handled one after the other, in order', async () => {
    const timers = new FakeTimerScheduler();
    const handler = createCaseReactorHandler(unitDeps(slowCreate(timers, 25)));

    const [first, second] = await Promise.all([
      handler(streamEvent({ eventName: 'INSERT', next: notice('n7', 'pending') })),
      handler(streamEvent({ eventName: 'MODIFY', prev: notice('n7', 'pending'), next: notice('n7', 'withdrawn') })),
    ]);

    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(timers.calls.map((c) => c.op)).toEqual(['createAt', 'delete']);
    expect(timers.timers.size).toBe(0);
  });
});

describe('notice-deadline handler', () => {
  it('refuses a payload without the notice id, naming the field', async () => {
    const handler = createNoticeDeadlineHandler(unitDeps(new FakeTimerScheduler()));

    await expect(handler({ caseId: 'c1' })).rejects.toThrow(/event\.noticeId/);
  });
});
