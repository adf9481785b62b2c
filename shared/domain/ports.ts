import type { Message } from './message.ts';

export type { Clock } from './time.ts';

/** Sends one SMS. Implementations: SNS (cloud), the local sink, test fakes. */
export interface SmsSender {
  send(input: { phone: string; text: string; messageId: string }): Promise<{ providerMessageId: string }>;
}

/** Why a send failed: transient errors are retried, permanent ones mark the message FAILED. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly kind: 'transient' | 'permanent',
    readonly providerCode?: string,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/** One-time timers (EventBridge Scheduler in the cloud, the emulator locally). */
export interface TimerScheduler {
  /** Creates the timer; an existing timer with the same name is success (idempotent). */
  createAt(input: { name: string; at: Date; payload: Record<string, unknown> }): Promise<'created' | 'exists'>;
  /** Deletes the timer; a timer already gone is success. */
  delete(name: string): Promise<'deleted' | 'absent'>;
  exists(name: string): Promise<boolean>;
}

/** Makes new random ids (ULID-like, time-sortable). Deterministic ids are built from their cause instead. */
export type NewId = () => string;

/** Structured logger port; implementations must redact (see privacy.ts). */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type { Message };
