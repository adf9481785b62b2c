import type { Clock } from '../shared/domain/time.ts';

/**
 * The runtime's clock: virtual time runs at `speed` × real time from an anchor (0 = paused) and can jump.
 * Every handler, the scheduler emulator and the SMS sink read it, so a week-long timer fires in seconds.
 */
export class VirtualClock implements Clock {
  private anchorVirtual: number;
  private anchorReal: number;
  private rate: number;
  private readonly listeners = new Set<(now: Date) => void>();

  constructor(
    options: { start?: Date; speed?: number } = {},
    private readonly realNow: () => number = Date.now,
  ) {
    this.anchorReal = this.realNow();
    this.anchorVirtual = options.start?.getTime() ?? this.anchorReal;
    this.rate = options.speed ?? 1;
    if (!(this.rate >= 0) || !Number.isFinite(this.rate)) throw new RangeError(`speed must be >= 0, got ${this.rate}`);
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.anchorVirtual + Math.floor((this.realNow() - this.anchorReal) * this.rate);
  }

  get speed(): number {
    return this.rate;
  }

  /** Changes how fast virtual time runs from now on (0 pauses it); the current instant is kept. */
  setSpeed(speed: number): void {
    if (!(speed >= 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be >= 0, got ${speed}`);
    this.reanchor(this.nowMs());
    const changed = speed !== this.rate;
    this.rate = speed;
    // Whoever mirrors the clock elsewhere (runtime.json for the CLI) needs the new rate, or it extrapolates wrongly.
    if (changed) for (const listener of this.listeners) listener(this.now());
  }

  /** Jumps to an instant. Going backwards is refused: timers and checkpoints assume time only moves on. */
  set(instant: Date | number): void {
    const target = typeof instant === 'number' ? instant : instant.getTime();
    const current = this.nowMs();
    if (target < current)
      throw new RangeError(`the virtual clock does not go back (${new Date(target).toISOString()})`);
    this.reanchor(target);
    if (target !== current) for (const listener of this.listeners) listener(new Date(target));
  }

  /** Jumps forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('advance needs a positive duration');
    this.set(this.nowMs() + ms);
  }

  /** Called after every jump and speed change (not for the steady run at `speed`). Returns an unsubscribe function. */
  onJump(listener: (now: Date) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private reanchor(virtualMs: number): void {
    this.anchorVirtual = virtualMs;
    this.anchorReal = this.realNow();
  }
}
