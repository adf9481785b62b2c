import type { DeliveryReceipt } from './delivery.ts';
import type { Message } from './message.ts';

export type { Clock } from './time.ts';

/**
 * One SMS to send: our template key and its named parameters (what Tencent and Alibaba fill into the approved
 * template), and the rendered text (what SNS and the local sink send, and what the log and console show).
 */
export interface SmsRequest {
  messageId: string;
  phone: string;
  /** Exact wording key (`notice.guardian.short`), mapped to a provider's template code by config. */
  template: string;
  params: Record<string, string>;
  text: string;
}

/** Delivery receipts a provider holds for us, one page at a time (Tencent PullSmsSendStatus); each is returned once. */
export interface ReceiptSource {
  pull(limit: number): Promise<DeliveryReceipt[]>;
}

/** Sends one SMS. Implementations: SNS, Tencent Cloud SMS, Alibaba Cloud SMS, the local sink, test fakes. */
/** Senders throw SmsSendError (shared/domain/errors.ts, with every named error); re-exported for the ports' users. */
export { SmsSendError } from './errors.ts';

export interface SmsSender {
  send(input: SmsRequest): Promise<{ providerMessageId: string }>;
}

/** One-time timers (EventBridge Scheduler in the cloud, the emulator locally). */
export interface TimerScheduler {
  /** Creates the timer; an existing timer with the same name is success (idempotent). */
  createAt(input: { name: string; at: Date; payload: Record<string, unknown> }): Promise<'created' | 'exists'>;
  /** Deletes the timer; a timer already gone is success. */
  delete(name: string): Promise<'deleted' | 'absent'>;
  exists(name: string): Promise<boolean>;
  /** When the timer of this name fires (undefined: no such timer), to check it against the stored deadline. */
  scheduledAt(name: string): Promise<Date | undefined>;
  /**
   * Moves the timer to a new instant, keeping its name and payload (a notice's deadline after its receipt).
   * Idempotent: already at that instant is `unchanged`; a timer that is gone is created again (`created`).
   */
  moveTo(input: {
    name: string;
    at: Date;
    payload: Record<string, unknown>;
  }): Promise<'moved' | 'unchanged' | 'created'>;
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

/** The organisation as stored (people, 包片 areas, townships, schools) plus who is chief and office. */
export interface DirectorySnapshot {
  people: import('./directory.ts').Person[];
  areas: import('./directory.ts').Area[];
  townships: import('./directory.ts').Township[];
  schools: import('./directory.ts').School[];
  meta: { chiefId?: string; officeIds?: string[]; importedAt?: string; source?: string };
}

export type DirectoryEntity =
  | { kind: 'person'; value: import('./directory.ts').Person }
  | { kind: 'area'; value: import('./directory.ts').Area }
  | { kind: 'township'; value: import('./directory.ts').Township }
  | { kind: 'school'; value: import('./directory.ts').School };

/** Reads and writes the directory. Nobody is ever deleted: removed people are saved with active=false. */
export interface DirectoryRepository {
  load(): Promise<DirectorySnapshot>;
  save(entities: DirectoryEntity[], meta?: DirectorySnapshot['meta']): Promise<void>;
}

/** Operational metrics (CloudWatch EMF in the cloud; in memory locally). Names: shared/observability/metrics.ts. */
export interface Metrics {
  /** A counter: CloudWatch adds the points up (chart and alarm on Sum). */
  count(name: string, value?: number): void;
  /**
   * A level measured now (chart Maximum or Average). `dimensions` adds a low-cardinality breakdown beside the
   * `service`-only figure (e.g. `{ state: 'persuading' }`); never a per-school or per-person value.
   */
  gauge(name: string, value: number, dimensions?: Record<string, string>): void;
}
