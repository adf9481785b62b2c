import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../local/virtual-clock.ts';

/** A fake real-time source the test moves by hand. */
const realTime = (startMs = 1_000_000) => {
  let now = startMs;
  return { now: () => now, pass: (ms: number) => (now += ms) };
};

describe('VirtualClock', () => {
  it('runs at speed × real time from its start', () => {
    const real = realTime();
    const clock = new VirtualClock({ start: new Date('2023-02-16T00:00:00Z'), speed: 3600 }, real.now);

    real.pass(1000); // one real second = one virtual hour

    expect(clock.now().toISOString()).toBe('2023-02-16T01:00:00.000Z');
  });

  it('stands still at speed 0 and jumps with advance, telling its listeners', () => {
    const real = realTime();
    const clock = new VirtualClock({ start: new Date('2023-02-16T00:00:00Z'), speed: 0 }, real.now);
    const jumps: string[] = [];
    clock.onJump((now) => jumps.push(now.toISOString()));

    real.pass(60_000);
    clock.advance(7 * 24 * 3600 * 1000);

    expect(clock.now().toISOString()).toBe('2023-02-23T00:00:00.000Z');
    expect(jumps).toEqual(['2023-02-23T00:00:00.000Z']);
  });

  it('keeps the current instant when the speed changes', () => {
    const real = realTime();
    const clock = new VirtualClock({ start: new Date('2023-02-16T00:00:00Z'), speed: 60 }, real.now);
    real.pass(1000);

    clock.setSpeed(0);
    real.pass(5000);

    expect(clock.now().toISOString()).toBe('2023-02-16T00:01:00.000Z');
  });

  it('tells its listeners about a speed change (the CLI extrapolates from the published speed), not about a same-speed call', () => {
    const real = realTime();
    const clock = new VirtualClock({ start: new Date('2023-02-16T00:00:00Z'), speed: 0 }, real.now);
    const seen: string[] = [];
    clock.onJump((now) => seen.push(`${now.toISOString()} x${clock.speed}`));

    clock.setSpeed(0);
    clock.setSpeed(60);
    real.pass(1000);
    clock.setSpeed(1);

    expect(seen).toEqual(['2023-02-16T00:00:00.000Z x60', '2023-02-16T00:01:00.000Z x1']);
  });

  it('refuses to go back in time or to run at a negative speed', () => {
    const real = realTime();
    const clock = new VirtualClock({ start: new Date('2023-02-16T00:00:00Z'), speed: 0 }, real.now);

    expect(() => clock.set(new Date('2023-02-15T00:00:00Z'))).toThrow(/does not go back/);
    expect(() => clock.setSpeed(-1)).toThrow(/speed/);
  });
});
