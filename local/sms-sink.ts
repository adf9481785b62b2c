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
}

/**
 * The local SMS provider: keeps every message (full text) in the outbox file and in memory, and shows
 * a masked line on the console. Failures can be injected to exercise the dispatcher's retries.
 */
export class SmsSink implements SmsSender {
  readonly sent: SinkedSms[] = [];
  private readonly injected: { phone?: string; kind: 'transient' | 'permanent'; remaining: number }[] = [];
  private counter = 0;

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
      : `local-${String(++this.counter).padStart(6, '0')}`;
    const sms: SinkedSms = { messageId: input.messageId, phone: input.phone, text: input.text, at, providerMessageId };
    this.sent.push(sms);
    if (this.options.outboxPath) appendJsonLine(this.options.outboxPath, sms);
    const when = cstLocalDateTime(new Date(at)).slice(5, 16).replace('T', ' ');
    if (this.options.print) {
      const names = await this.options.names.namesFor(input.messageId);
      this.options.print(`📱 ${when} ${maskPhone(input.phone)} ← ${maskWithNames(input.text, names)}`);
    }
    return { providerMessageId };
  }

  /** The next `times` sends (to `phone`, or to anyone) fail with an SmsSendError of that kind. */
  injectFailure(kind: 'transient' | 'permanent', times = 1, phone?: string): void {
    this.injected.push({ kind, remaining: times, ...(phone ? { phone } : {}) });
  }
}
