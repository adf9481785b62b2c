import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCaseRepository } from '../shared/adapters/dynamo/case-repository.ts';
import { DynamoFollowUpRepository } from '../shared/adapters/dynamo/followup-repository.ts';
import { DynamoOutboxRepository } from '../shared/adapters/dynamo/outbox-repository.ts';
import { SmsSendError } from '../shared/domain/errors.ts';
import type { Clock, SmsRequest, SmsSender } from '../shared/domain/ports.ts';
import { maskPhone, scrubFreeText } from '../shared/domain/privacy.ts';
import { cstLocalDateTime } from '../shared/domain/time.ts';
import { appendJsonLine } from './state-file.ts';

/** One SMS as the local sink received it. */
export interface SinkedSms {
  messageId: string;
  phone: string;
  text: string;
  /** Virtual time of the send. */
  at: string;
  providerMessageId: string;
}

/** The names a message may carry (children, guardians), for masking the console line. */
export interface NameSource {
  namesFor(messageId: string): Promise<readonly (string | undefined)[]>;
}

/**
 * Names read from the stored data at each send, never from a list kept in memory (which a restart on an existing
 * --state-dir would start empty, printing full names): the message's outbox item, then every case of its school
 * (pupil, guardian) and, for a plan's message, the plan's pupil. Local console only: one Get and one Query per SMS.
 */
export class StoredNames implements NameSource {
  private readonly outbox: DynamoOutboxRepository;
  private readonly cases: DynamoCaseRepository;
  private readonly plans: DynamoFollowUpRepository;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.outbox = new DynamoOutboxRepository(doc, tableName);
    this.cases = new DynamoCaseRepository(doc, tableName);
    this.plans = new DynamoFollowUpRepository(doc, tableName);
  }

  async namesFor(messageId: string): Promise<string[]> {
    const message = await this.outbox.get(messageId);
    if (!message) return [];
    const names: string[] = [];
    if (message.schoolId)
      for (const c of await this.cases.listBySchool(message.schoolId))
        names.push(c.studentName, ...(c.guardian.name ? [c.guardian.name] : []));
    if (message.subject.kind === 'plan') {
      const found = await this.plans.getPlan(message.subject.id);
      if (found) names.push(found.plan.studentName);
    }
    return names;
  }
}

/** Text with every given name masked (longest first: 张小明 before 张小) and 学籍号, ID and mobile numbers scrubbed. */
export function maskWithNames(text: string, names: readonly (string | undefined)[]): string {
  const known = [...new Set(names.map((n) => n?.trim()).filter((n): n is string => !!n))];
  return scrubFreeText(
    text,
    known.sort((a, b) => b.length - a.length),
  );
}

export interface SmsSinkOptions {
  clock: Clock;
  /** `.local/sms-outbox.jsonl`: the full messages, as a provider would receive them. */
  outboxPath?: string;
  /** Where the console finds the names to mask (the stored data). */
  names: NameSource;
  /** Console line per SMS (masked); default prints nothing. */
  print?: (line: string) => void;
  /**
   * Send through this sender first (`--sms tencent|aliyun`: the real adapter against the local fake); the sink
   * then records what the provider accepted, with the provider's id. Without it the sink is the provider.
   */
  forwardTo?: SmsSender;
  /**
   * Standing in for SNS: keep an SNS delivery-status log entry per accepted send (`takeStatusEntries`), which the
   * runtime feeds to the sms-status-logs function as the cloud's log subscription does.
   */
  statusLogs?: boolean;
}

/** One SNS SMS delivery-status log entry, as SNS writes it to `sns/<region>/<account>/DirectPublishToPhoneNumber`. */
export interface SnsStatusEntry {
  group: 'success' | 'failure';
  message: string;
  /** Epoch ms of the log event. */
  timestamp: number;
  /** Real time it was kept (ms): the background pump leaves the newest until the dispatcher has marked them SENT. */
  keptAt: number;
}

/**
 * The local SMS provider: keeps every message (full text) in the outbox file and in memory, and shows
 * a masked line on the console. Failures can be injected to exercise the dispatcher's retries.
 */
export class SmsSink implements SmsSender {
  readonly sent: SinkedSms[] = [];
  private readonly injected: { phone?: string; kind: 'transient' | 'permanent'; remaining: number }[] = [];
  private readonly undelivered: { phone?: string; remaining: number }[] = [];
  private statusEntries: SnsStatusEntry[] = [];

  constructor(private readonly options: SmsSinkOptions) {}

  async send(input: SmsRequest): Promise<{ providerMessageId: string }> {
    const fault = this.injected.find((f) => f.remaining > 0 && (!f.phone || f.phone === input.phone));
    if (fault) {
      fault.remaining--;
      throw new SmsSendError(`injected ${fault.kind} failure`, fault.kind, 'LocalInjected');
    }
    const at = this.options.clock.now().toISOString();
    const providerMessageId = this.options.forwardTo
      ? (await this.options.forwardTo.send(input)).providerMessageId
      : // SNS MessageIds are UUIDs; unique across restarts on the same state dir, as the MessageId lookup needs.
        randomUUID();
    const sms: SinkedSms = { messageId: input.messageId, phone: input.phone, text: input.text, at, providerMessageId };
    this.sent.push(sms);
    if (this.options.outboxPath) appendJsonLine(this.options.outboxPath, sms);
    if (this.options.statusLogs && !this.options.forwardTo) this.statusEntries.push(this.statusEntry(sms, input.phone));
    const when = cstLocalDateTime(new Date(at)).slice(5, 16).replace('T', ' ');
    if (this.options.print) {
      const names = await this.options.names.namesFor(input.messageId);
      this.options.print(`📱 ${when} ${maskPhone(input.phone)} ← ${maskWithNames(input.text, names)}`);
    }
    return { providerMessageId };
  }

  /** The next `times` accepted sends (to `phone`, or to anyone) come back FAILURE in the status log (UNDELIVERED). */
  injectUndelivered(times = 1, phone?: string): void {
    this.undelivered.push({ remaining: times, ...(phone ? { phone } : {}) });
  }

  /**
   * The delivery-status entries kept at least `minAgeMs` ago (real time), each handed out once as a log event is.
   */
  takeStatusEntries(minAgeMs = 0): SnsStatusEntry[] {
    const cutoff = Date.now() - minAgeMs;
    const out = this.statusEntries.filter((e) => e.keptAt <= cutoff);
    this.statusEntries = this.statusEntries.filter((e) => e.keptAt > cutoff);
    return out;
  }

  /** SNS's shape (docs/sms.md, "Delivery status"): destination included, as SNS writes it; the function drops it. */
  private statusEntry(sms: SinkedSms, phone: string): SnsStatusEntry {
    const fail = this.undelivered.find((f) => f.remaining > 0 && (!f.phone || f.phone === phone));
    if (fail) fail.remaining--;
    const at = new Date(sms.at);
    const message = {
      notification: { messageId: sms.providerMessageId, timestamp: at.toISOString().replace('T', ' ').slice(0, 23) },
      delivery: {
        ...(fail ? {} : { phoneCarrier: 'Local Sink' }),
        mnc: fail ? 0 : 1,
        destination: phone,
        priceInUSD: 0.00645,
        smsType: 'Transactional',
        mcc: fail ? 0 : 460,
        providerResponse: fail
          ? 'Unknown error attempting to reach phone'
          : 'Message has been accepted by phone carrier',
        dwellTimeMs: 599,
        dwellTimeMsUntilDeviceAck: 1344,
      },
      status: fail ? 'FAILURE' : 'SUCCESS',
    };
    return {
      group: fail ? 'failure' : 'success',
      message: JSON.stringify(message),
      timestamp: at.getTime() + 1344,
      keptAt: Date.now(),
    };
  }

  /** The next `times` sends (to `phone`, or to anyone) fail with an SmsSendError of that kind. */
  injectFailure(kind: 'transient' | 'permanent', times = 1, phone?: string): void {
    this.injected.push({ kind, remaining: times, ...(phone ? { phone } : {}) });
  }
}
