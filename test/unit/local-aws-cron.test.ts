import { describe, expect, it } from 'vitest';
import { AwsCron, toCronerPattern } from '../../local/aws-cron.ts';

describe('EventBridge cron evaluation in Asia/Shanghai', () => {
  it('fires a weekday 08:00 CST schedule at 00:00 UTC on the next weekday', () => {
    const cron = new AwsCron('0 8 ? * MON-FRI *', 'Asia/Shanghai');

    // Friday 2023-02-17 09:00 CST → next is Monday 2023-02-20 08:00 CST
    expect(cron.nextAfter(new Date('2023-02-17T01:00:00Z'))?.toISOString()).toBe('2023-02-20T00:00:00.000Z');
  });

  it('reads AWS day-of-week numbers as 1 = Sunday', () => {
    expect(toCronerPattern('0 9 ? * 2-6 *')).toBe('0 0 9 * * 1-5 *');
    const sundays = new AwsCron('0 20 ? * 1 *', 'Asia/Shanghai');

    // 2023-02-19 is a Sunday; 20:00 CST = 12:00 UTC
    expect(sundays.nextAfter(new Date('2023-02-16T00:00:00Z'))?.toISOString()).toBe('2023-02-19T12:00:00.000Z');
  });

  it('evaluates a day boundary in CST, not UTC: 00:30 CST on the 1st is 16:30 UTC the day before', () => {
    const monthly = new AwsCron('30 0 1 * ? *', 'Asia/Shanghai');

    expect(monthly.nextAfter(new Date('2023-02-16T00:00:00Z'))?.toISOString()).toBe('2023-02-28T16:30:00.000Z');
  });

  it('finds the latest occurrence inside a window (the coalesced firing after a jump)', () => {
    const every15 = new AwsCron('0/15 * * * ? *', 'Asia/Shanghai');

    const last = every15.lastBetween(new Date('2023-02-20T00:00:00Z'), new Date('2023-02-20T01:07:00Z'));

    expect(last?.toISOString()).toBe('2023-02-20T01:00:00.000Z');
    expect(every15.lastBetween(new Date('2023-02-20T00:00:00Z'), new Date('2023-02-20T00:14:59Z'))).toBeNull();
  });

  it('honours the year field and the nth weekday', () => {
    const once = new AwsCron('0 9 16 2 ? 2023', 'Asia/Shanghai');
    const thirdFriday = new AwsCron('0 9 ? * 6#3 *', 'Asia/Shanghai');

    expect(once.nextAfter(new Date('2023-01-01T00:00:00Z'))?.toISOString()).toBe('2023-02-16T01:00:00.000Z');
    expect(once.nextAfter(new Date('2023-02-17T00:00:00Z'))).toBeNull();
    expect(thirdFriday.nextAfter(new Date('2023-02-01T00:00:00Z'))?.toISOString()).toBe('2023-02-17T01:00:00.000Z');
  });

  it('refuses malformed expressions', () => {
    expect(() => toCronerPattern('0 8 * * *')).toThrow(/6 fields/);
    expect(() => toCronerPattern('0 8 1 * MON *')).toThrow(/must be \?/);
  });
});
