import type { Clock, Log, TimerScheduler } from '../shared/domain/ports.ts';
import { AwsCron } from './aws-cron.ts';
import { appendJsonLine, JsonState } from './state-file.ts';

/** A recurring schedule from the manifest, fired in its time zone. */
export interface CronSchedule {
  id: string;
  expression: string;
  timezone: string;
  invoke(event: ScheduledEvent): Promise<unknown>;
}

/** What a cron-triggered handler receives locally (the stack's schedules send the same shape as Input). */
export interface ScheduledEvent {
  source: 'baoxue.scheduler';
  schedule: string;
  /** The occurrence being fired, ISO UTC (after a restart or a jump: the latest missed one). */
  scheduledTime: string;
  /** The manifest trigger's `task`, when it names one (added by the runtime, as the stack's Input does). */
  task?: string;
}

interface StoredTimer {
  at: string;
  payload: Record<string, unknown>;
  createdAt: string;
  attempts: number;
  nextAttemptAt?: string;
  lastError?: string;
}

interface SchedulerState {
  timers: Record<string, StoredTimer>;
  crons: Record<string, { lastFiredAt: string }>;
}

export interface SchedulerEmulatorOptions {
  clock: Clock;
  log: Log;
  /** Where timers and cron positions persist (`.local/schedules.json`); undefined keeps them in memory. */
  statePath?: string;
  /** Timers and schedules that exhausted their retries land here (the DLQ). */
  deadLetterPath?: string;
  /** The function one-time timers invoke (the manifest's `timer-target`). */
  timerTarget?: (payload: Record<string, unknown>) => Promise<unknown>;
  crons?: CronSchedule[];
  /** EventBridge Scheduler's retry policy: attempts and maximum event age. */
  retry?: { maxAttempts: number; maxEventAgeMs: number };
}

export interface FiredEvent {
  kind: 'timer' | 'cron';
  name: string;
  dueAt: string;
  firedAt: string;
  outcome: 'ok' | 'retry' | 'dead-letter';
  skipped?: number;
}

/**
 * Emulates EventBridge Scheduler on the runtime's clock: one-time `at()` timers (deleted after they fire,
 * like ActionAfterCompletion DELETE, retried with backoff then dead-lettered) behind the TimerScheduler
 * port, and the manifest's cron schedules. State is persisted, so a restart loses no timer; on start,
 * timers and cron occurrences missed while it was down fire (a cron's missed occurrences fire once).
 */
export class SchedulerEmulator implements TimerScheduler {
  private readonly state: JsonState<SchedulerState>;
  private readonly crons: { schedule: CronSchedule; cron: AwsCron }[];
  private chain: Promise<unknown> = Promise.resolve();
  private ticker: NodeJS.Timeout | undefined;
  readonly fired: FiredEvent[] = [];
  private readonly retry: { maxAttempts: number; maxEventAgeMs: number };

  constructor(private readonly options: SchedulerEmulatorOptions) {
    this.state = new JsonState<SchedulerState>(options.statePath, () => ({ timers: {}, crons: {} }), 'schedules');
    this.retry = options.retry ?? { maxAttempts: 185, maxEventAgeMs: 86_400_000 };
    this.crons = (options.crons ?? []).map((schedule) => ({
      schedule,
      cron: new AwsCron(schedule.expression, schedule.timezone),
    }));
    const now = options.clock.now().toISOString();
    this.state.update((s) => {
      s.timers ??= {};
      s.crons ??= {};
      // A schedule seen for the first time starts from now: it does not replay history.
      for (const { schedule } of this.crons) s.crons[schedule.id] ??= { lastFiredAt: now };
    });
  }

  async createAt(input: { name: string; at: Date; payload: Record<string, unknown> }): Promise<'created' | 'exists'> {
    validateName(input.name);
    if (this.state.get().timers[input.name]) return 'exists';
    this.state.update((s) => {
      s.timers[input.name] = {
        at: input.at.toISOString(),
        payload: input.payload,
        createdAt: this.options.clock.now().toISOString(),
        attempts: 0,
      };
    });
    return 'created';
  }

  async delete(name: string): Promise<'deleted' | 'absent'> {
    if (!this.state.get().timers[name]) return 'absent';
    this.state.update((s) => {
      delete s.timers[name];
    });
    return 'deleted';
  }

  async exists(name: string): Promise<boolean> {
    return Boolean(this.state.get().timers[name]);
  }

  async scheduledAt(name: string): Promise<Date | undefined> {
    const t = this.state.get().timers[name];
    return t ? new Date(t.at) : undefined;
  }

  /** UpdateSchedule: same name and payload, new instant; retries start over. Gone: created again. */
  async moveTo(input: {
    name: string;
    at: Date;
    payload: Record<string, unknown>;
  }): Promise<'moved' | 'unchanged' | 'created'> {
    validateName(input.name);
    const existing = this.state.get().timers[input.name];
    if (!existing) return (await this.createAt(input)) === 'created' ? 'created' : 'unchanged';
    if (Date.parse(existing.at) === input.at.getTime()) return 'unchanged';
    this.state.update((s) => {
      s.timers[input.name] = { ...existing, at: input.at.toISOString(), payload: input.payload, attempts: 0 };
      delete s.timers[input.name]!.nextAttemptAt;
      delete s.timers[input.name]!.lastError;
    });
    return 'moved';
  }

  /** Pending one-time timers, earliest first. */
  pendingTimers(): { name: string; at: string; payload: Record<string, unknown>; attempts: number }[] {
    return Object.entries(this.state.get().timers)
      .map(([name, t]) => ({ name, at: t.at, payload: t.payload, attempts: t.attempts }))
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  /**
   * The next instant something is due (a timer, a retry or a cron occurrence), or null. With
   * `cronNotBefore`, cron occurrences before that instant count as due at it (they coalesce).
   */
  nextDueAt(options: { cronNotBefore?: number } = {}): Date | null {
    let next: number | null = null;
    for (const t of Object.values(this.state.get().timers)) {
      const due = Date.parse(t.nextAttemptAt ?? t.at);
      if (next === null || due < next) next = due;
    }
    for (const { schedule, cron } of this.crons) {
      const last = this.state.get().crons[schedule.id]?.lastFiredAt;
      const occurrence = cron.nextAfter(new Date(last ?? this.options.clock.now()));
      if (!occurrence) continue;
      const due = Math.max(occurrence.getTime(), options.cronNotBefore ?? 0);
      if (next === null || due < next) next = due;
    }
    return next === null ? null : new Date(next);
  }

  /** Fires everything due at the clock's now, in due order; returns how many firings happened. */
  runDue(): Promise<number> {
    const run = this.chain.then(() => this.fireDue());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Checks for due work every `intervalMs` of real time (the runtime's steady tick). */
  start(intervalMs = 100): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      this.runDue().catch((error) => this.options.log.error('scheduler tick failed', { error: String(error) }));
    }, intervalMs);
    this.ticker.unref();
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    await this.chain;
  }

  private async fireDue(): Promise<number> {
    const now = this.options.clock.now();
    type Due = { at: number; fire: () => Promise<void> };
    const due: Due[] = [];
    for (const [name, t] of Object.entries(this.state.get().timers)) {
      const at = Date.parse(t.nextAttemptAt ?? t.at);
      if (at <= now.getTime()) due.push({ at, fire: () => this.fireTimer(name) });
    }
    for (const { schedule, cron } of this.crons) {
      const last = new Date(this.state.get().crons[schedule.id]!.lastFiredAt);
      const occurrence = cron.lastBetween(last, now);
      if (occurrence)
        due.push({ at: occurrence.getTime(), fire: () => this.fireCron(schedule, cron, last, occurrence) });
    }
    due.sort((a, b) => a.at - b.at);
    for (const d of due) await d.fire();
    return due.length;
  }

  private async fireTimer(name: string): Promise<void> {
    const timer = this.state.get().timers[name];
    if (!timer) return; // deleted by an earlier firing in this round
    const now = this.options.clock.now();
    const event: FiredEvent = { kind: 'timer', name, dueAt: timer.at, firedAt: now.toISOString(), outcome: 'ok' };
    try {
      if (!this.options.timerTarget) throw new Error('no function in the manifest has a timer-target trigger');
      await this.options.timerTarget(timer.payload);
      await this.delete(name); // ActionAfterCompletion: DELETE
    } catch (error) {
      const attempts = timer.attempts + 1;
      const age = now.getTime() - Date.parse(timer.at);
      if (attempts > this.retry.maxAttempts || age > this.retry.maxEventAgeMs) {
        appendDeadLetter(this.options.deadLetterPath, { kind: 'timer', name, timer, error: String(error), at: now });
        await this.delete(name);
        event.outcome = 'dead-letter';
        this.options.log.error('timer dead-lettered after its retries', { name, attempts, error: String(error) });
      } else {
        // Exponential backoff like the Scheduler's retry policy, capped at 5 minutes of virtual time.
        const backoff = Math.min(1000 * 2 ** (attempts - 1), 300_000);
        this.state.update((s) => {
          const t = s.timers[name];
          if (!t) return;
          t.attempts = attempts;
          t.nextAttemptAt = new Date(now.getTime() + backoff).toISOString();
          t.lastError = String(error).slice(0, 500);
        });
        event.outcome = 'retry';
        this.options.log.warn('timer target failed; will retry', { name, attempts, error: String(error) });
      }
    }
    this.fired.push(event);
  }

  private async fireCron(schedule: CronSchedule, cron: AwsCron, last: Date, occurrence: Date): Promise<void> {
    // Coalesce: after a restart or a jump, the missed occurrences fire once, as the latest one.
    let skipped = 0;
    for (
      let c = cron.nextAfter(last);
      c && c.getTime() < occurrence.getTime() && skipped < 10_000;
      c = cron.nextAfter(c)
    ) {
      skipped++;
    }
    this.state.update((s) => {
      s.crons[schedule.id] = { lastFiredAt: occurrence.toISOString() };
    });
    const event: FiredEvent = {
      kind: 'cron',
      name: schedule.id,
      dueAt: occurrence.toISOString(),
      firedAt: this.options.clock.now().toISOString(),
      outcome: 'ok',
      ...(skipped ? { skipped } : {}),
    };
    try {
      await schedule.invoke({ source: 'baoxue.scheduler', schedule: schedule.id, scheduledTime: event.dueAt });
    } catch (error) {
      // A failed sweep is not retried: the next occurrence sweeps again (the sweeps are idempotent).
      event.outcome = 'dead-letter';
      appendDeadLetter(this.options.deadLetterPath, {
        kind: 'cron',
        name: schedule.id,
        scheduledTime: event.dueAt,
        error: String(error),
        at: this.options.clock.now(),
      });
      this.options.log.error('scheduled function failed', { schedule: schedule.id, error: String(error) });
    }
    this.fired.push(event);
  }
}

/** EventBridge Scheduler names: 1–64 characters of letters, digits, `.`, `-` and `_`. */
function validateName(name: string): void {
  if (!/^[0-9a-zA-Z-_.]{1,64}$/.test(name)) {
    throw new Error(`ValidationException: schedule name "${name}" must be 1-64 of [0-9a-zA-Z-_.]`);
  }
}

function appendDeadLetter(path: string | undefined, entry: Record<string, unknown>): void {
  if (path) appendJsonLine(path, entry);
}
