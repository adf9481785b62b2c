import type { DynamoDBRecord } from 'aws-lambda';
import { type Clock, type SmsRequest, SmsSendError, type SmsSender } from '../shared/domain/ports.ts';
import { maskName, maskPhone, scrubText } from '../shared/domain/privacy.ts';
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

/**
 * Names of children and guardians seen in the table's stream (attributes like `studentName`,
 * `guardianName`, or `name` under a `student`/`guardian` object), so the console can mask them in
 * SMS text it shows. Message text itself carries no structure to find a name by.
 */
export class NameRegistry {
  private readonly names = new Set<string>();

  observe(record: DynamoDBRecord): void {
    collect(record.dynamodb?.NewImage, undefined, this.names);
  }

  add(name: string): void {
    if (name.trim().length >= 2) this.names.add(name.trim());
  }

  /** Text with every known name masked (张小明 → 张*明) and phone/ID numbers scrubbed. */
  mask(text: string): string {
    let out = text;
    for (const name of [...this.names].sort((a, b) => b.length - a.length)) out = out.split(name).join(maskName(name));
    return scrubText(out);
  }
}

const NAME_KEY = /^(student|child|pupil|guardian)Name$/i;
const HOLDER_KEY = /^(student|child|pupil|guardian)s?$/i;

function collect(map: unknown, holder: string | undefined, into: Set<string>): void {
  if (!map || typeof map !== 'object') return;
  for (const [key, attr] of Object.entries(map as Record<string, Record<string, unknown>>)) {
    if (!attr || typeof attr !== 'object') continue;
    if (typeof attr.S === 'string' && (NAME_KEY.test(key) || (key === 'name' && holder && HOLDER_KEY.test(holder)))) {
      if (attr.S.trim().length >= 2) into.add(attr.S.trim());
    }
    if (attr.M) collect(attr.M, key, into);
    if (Array.isArray(attr.L)) for (const item of attr.L) collect({ [key]: item }, holder, into);
  }
}

export interface SmsSinkOptions {
  clock: Clock;
  /** `.local/sms-outbox.jsonl`: the full messages, as a provider would receive them. */
  outboxPath?: string;
  names: NameRegistry;
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
    this.options.print?.(`📱 ${when} ${maskPhone(input.phone)} ← ${this.options.names.mask(input.text)}`);
    return { providerMessageId };
  }

  /** The next `times` sends (to `phone`, or to anyone) fail with an SmsSendError of that kind. */
  injectFailure(kind: 'transient' | 'permanent', times = 1, phone?: string): void {
    this.injected.push({ kind, remaining: times, ...(phone ? { phone } : {}) });
  }
}
