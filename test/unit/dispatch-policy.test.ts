import { describe, expect, it } from 'vitest';
import { backoffMs, inQuietHours, quietHoursEnd } from '../../shared/use-cases/dispatch-message.ts';

const quiet = { start: '21:00', end: '08:00' };

describe('quiet hours (CST, wrapping midnight)', () => {
  it.each([
    ['2023-02-20T12:59:00.000Z', false], // 20:59 CST
    ['2023-02-20T13:00:00.000Z', true], // 21:00 CST
    ['2023-02-20T23:59:00.000Z', true], // 07:59 CST next day
    ['2023-02-21T00:00:00.000Z', false], // 08:00 CST
    ['2023-02-21T04:00:00.000Z', false], // 12:00 CST
  ])('%s in quiet hours: %s', (iso, expected) => {
    const at = new Date(iso);
    const isQuiet = inQuietHours(at, quiet);

    expect(isQuiet).toBe(expected);
  });

  it('waits until 08:00 the next morning from the evening, and the same morning after midnight', () => {
    expect(quietHoursEnd(new Date('2023-02-20T14:00:00.000Z'), quiet).toISOString()).toBe('2023-02-21T00:00:00.000Z');
    expect(quietHoursEnd(new Date('2023-02-20T18:00:00.000Z'), quiet).toISOString()).toBe('2023-02-21T00:00:00.000Z');
  });
});

describe('backoff', () => {
  it('doubles from the base and stops at the cap', () => {
    const config = { backoffBase: '30s', backoffMax: '30m', maxAttempts: 12, sendingTimeout: '10m' };

    expect([1, 2, 3, 10].map((a) => backoffMs(a, config))).toEqual([30_000, 60_000, 120_000, 1_800_000]);
  });
});
