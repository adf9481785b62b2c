import type { TimerScheduler } from '../../shared/domain/ports.ts';

/** In-memory TimerScheduler for tests: keeps the live timers and records every call. */
export class FakeTimerScheduler implements TimerScheduler {
  readonly timers = new Map<string, { at: Date; payload: Record<string, unknown> }>();
  readonly calls: { op: 'createAt' | 'delete' | 'exists' | 'scheduledAt' | 'moveTo'; name: string; result: unknown }[] =
    [];

  async createAt(input: { name: string; at: Date; payload: Record<string, unknown> }): Promise<'created' | 'exists'> {
    const result = this.timers.has(input.name) ? 'exists' : 'created';
    if (result === 'created') this.timers.set(input.name, { at: input.at, payload: input.payload });
    this.calls.push({ op: 'createAt', name: input.name, result });
    return result;
  }

  async delete(name: string): Promise<'deleted' | 'absent'> {
    const result = this.timers.delete(name) ? 'deleted' : 'absent';
    this.calls.push({ op: 'delete', name, result });
    return result;
  }

  async exists(name: string): Promise<boolean> {
    const result = this.timers.has(name);
    this.calls.push({ op: 'exists', name, result });
    return result;
  }

  async scheduledAt(name: string): Promise<Date | undefined> {
    const result = this.timers.get(name)?.at;
    this.calls.push({ op: 'scheduledAt', name, result });
    return result;
  }

  async moveTo(input: {
    name: string;
    at: Date;
    payload: Record<string, unknown>;
  }): Promise<'moved' | 'unchanged' | 'created'> {
    const existing = this.timers.get(input.name);
    const result = !existing ? 'created' : existing.at.getTime() === input.at.getTime() ? 'unchanged' : 'moved';
    this.timers.set(input.name, { at: input.at, payload: input.payload });
    this.calls.push({ op: 'moveTo', name: input.name, result });
    return result;
  }

  /** Simulates a schedule lost outside our control (CreateSchedule failed, deleted by hand). */
  lose(name: string): void {
    this.timers.delete(name);
  }
}
