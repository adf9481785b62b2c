import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ScheduledEvent, SchedulerEmulator } from '../../local/scheduler-emulator.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { fixedClock } from '../../shared/domain/time.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-sched-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SchedulerEmulator one-time timers', () => {
  it('moves a timer (UpdateSchedule): it fires at the new instant only; gone → created; same instant → unchanged', async () => {
    const clock = fixedClock('2023-02-20T02:00:00Z');
    const fired: unknown[] = [];
    const scheduler = new SchedulerEmulator({ clock, log: memoryLog(), timerTarget: async (p) => void fired.push(p) });
    const payload = { noticeId: 'n1' };
    await scheduler.createAt({ name: 'notice-n1', at: new Date('2023-02-27T02:00:00Z'), payload });

    expect(await scheduler.moveTo({ name: 'notice-n1', at: new Date('2023-03-01T07:30:00Z'), payload })).toBe('moved');
    expect(await scheduler.moveTo({ name: 'notice-n1', at: new Date('2023-03-01T07:30:00Z'), payload })).toBe(
      'unchanged',
    );
    expect((await scheduler.scheduledAt('notice-n1'))?.toISOString()).toBe('2023-03-01T07:30:00.000Z');
    clock.set('2023-02-27T02:00:00Z');
    await scheduler.runDue();
    expect(fired).toEqual([]);
    clock.set('2023-03-01T07:30:00Z');
    await scheduler.runDue();
    expect(fired).toEqual([payload]);
    expect(await scheduler.scheduledAt('notice-n1')).toBeUndefined();
    expect(await scheduler.moveTo({ name: 'notice-n1', at: new Date('2023-03-02T07:30:00Z'), payload })).toBe(
      'created',
    );
  });

  it('fires a timer once at its instant and deletes it afterwards (ActionAfterCompletion DELETE)', async () => {
    const clock = fixedClock('2023-02-20T02:00:00Z');
    const fired: unknown[] = [];
    const scheduler = new SchedulerEmulator({ clock, log: memoryLog(), timerTarget: async (p) => void fired.push(p) });

    expect(
      await scheduler.createAt({
        name: 'notice-n1',
        at: new Date('2023-02-27T02:00:00Z'),
        payload: { noticeId: 'n1' },
      }),
    ).toBe('created');
    expect(
      await scheduler.createAt({
        name: 'notice-n1',
        at: new Date('2023-02-27T02:00:00Z'),
        payload: { noticeId: 'n1' },
      }),
    ).toBe('exists');
    clock.set('2023-02-27T01:59:59Z');
    await scheduler.runDue();
    const beforeDue = fired.length;
    clock.set('2023-02-27T02:00:00Z');
    await scheduler.runDue();
    await scheduler.runDue();

    expect(beforeDue).toBe(0);
    expect(fired).toEqual([{ noticeId: 'n1' }]);
    expect(await scheduler.exists('notice-n1')).toBe(false);
  });

  it('keeps timers across a restart and fires the ones missed while it was down', async () => {
    const dir = tempDir();
    const clock = fixedClock('2023-02-20T02:00:00Z');
    const first = new SchedulerEmulator({ clock, log: memoryLog(), statePath: join(dir, 'schedules.json') });
    await first.createAt({ name: 'notice-n2', at: new Date('2023-02-27T02:00:00Z'), payload: { noticeId: 'n2' } });
    await first.stop();

    clock.set('2023-03-01T00:00:00Z'); // down past the deadline
    const fired: unknown[] = [];
    const second = new SchedulerEmulator({
      clock,
      log: memoryLog(),
      statePath: join(dir, 'schedules.json'),
      timerTarget: async (p) => void fired.push(p),
    });
    await second.runDue();

    expect(fired).toEqual([{ noticeId: 'n2' }]);
    expect(second.pendingTimers()).toEqual([]);
  });

  it('retries a failing target with backoff, then dead-letters it', async () => {
    const dir = tempDir();
    const clock = fixedClock('2023-02-27T02:00:00Z');
    let calls = 0;
    const scheduler = new SchedulerEmulator({
      clock,
      log: memoryLog(),
      deadLetterPath: join(dir, 'dlq.jsonl'),
      retry: { maxAttempts: 2, maxEventAgeMs: 86_400_000 },
      timerTarget: async () => {
        calls++;
        throw new Error('boom');
      },
    });
    await scheduler.createAt({ name: 't1', at: new Date('2023-02-27T02:00:00Z'), payload: {} });

    await scheduler.runDue(); // attempt 1 fails; retry after 1 s
    await scheduler.runDue(); // not yet due again
    clock.advance(1000);
    await scheduler.runDue(); // attempt 2 fails; retry after 2 s
    clock.advance(2000);
    await scheduler.runDue(); // attempt 3 exceeds maxAttempts

    expect(calls).toBe(3);
    expect(scheduler.pendingTimers()).toEqual([]);
    const dead = readFileSync(join(dir, 'dlq.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(dead).toMatchObject([{ kind: 'timer', name: 't1', error: 'Error: boom' }]);
  });
});

describe('SchedulerEmulator cron schedules', () => {
  it('fires each occurrence in CST and coalesces occurrences missed across a restart into one firing', async () => {
    const dir = tempDir();
    const clock = fixedClock('2023-02-20T00:30:00Z'); // Monday 08:30 CST
    const events: ScheduledEvent[] = [];
    const make = () =>
      new SchedulerEmulator({
        clock,
        log: memoryLog(),
        statePath: join(dir, 'schedules.json'),
        crons: [
          {
            id: 'chase#0',
            expression: '0 9 ? * MON-FRI *',
            timezone: 'Asia/Shanghai',
            invoke: async (e) => void events.push(e),
          },
        ],
      });
    const first = make();
    clock.set('2023-02-20T01:00:00Z'); // 09:00 CST Monday
    await first.runDue();
    await first.stop();

    clock.set('2023-02-23T03:00:00Z'); // down Tue, Wed, Thu 09:00
    const second = make();
    await second.runDue();

    expect(events.map((e) => e.scheduledTime)).toEqual(['2023-02-20T01:00:00.000Z', '2023-02-23T01:00:00.000Z']);
    expect(second.fired.at(-1)).toMatchObject({ kind: 'cron', name: 'chase#0', skipped: 2 });
    expect(second.nextDueAt()?.toISOString()).toBe('2023-02-24T01:00:00.000Z');
  });

  it('rejects schedule names EventBridge Scheduler would reject', async () => {
    const scheduler = new SchedulerEmulator({ clock: fixedClock('2023-02-20T00:00:00Z'), log: memoryLog() });

    await expect(scheduler.createAt({ name: 'notice/n1', at: new Date(), payload: {} })).rejects.toThrow(
      /ValidationException/,
    );
  });
});
