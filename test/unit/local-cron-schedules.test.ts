import { describe, expect, it } from 'vitest';
import { functionSpecs } from '../../functions/manifest.ts';
import { cronSchedules } from '../../local/runtime.ts';

describe('local cron schedules from the manifest', () => {
  it("fires reconcile's hourly schedule with task late-slots and its daily one without a task", async () => {
    const calls: [string, unknown][] = [];
    const schedules = cronSchedules(functionSpecs, async (name, event) => void calls.push([name, event]));
    const reconcile = schedules.filter((s) => s.id.startsWith('reconcile#'));
    const event = { source: 'baoxue.scheduler' as const, schedule: 'x', scheduledTime: '2026-03-10T02:00:00.000Z' };

    for (const s of reconcile) await s.invoke(event);

    expect(reconcile.map((s) => [s.expression, s.timezone])).toEqual([
      ['30 7 * * ? *', 'Asia/Shanghai'],
      ['0 8-18 * * ? *', 'Asia/Shanghai'],
      ['0/15 8-18 * * ? *', 'Asia/Shanghai'],
    ]);
    expect(calls).toEqual([
      ['reconcile', event],
      ['reconcile', { ...event, task: 'late-slots' }],
      ['reconcile', { ...event, task: 'escalations' }],
    ]);
  });
});
