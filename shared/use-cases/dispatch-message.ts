import type { AppConfig } from '../config/app-config.ts';
import { SmsSendError, TransientDispatchError } from '../domain/errors.ts';
import type { DirectoryReader } from '../domain/ladder.ts';
import type { Message } from '../domain/message.ts';
import type { Clock, Log, SmsSender } from '../domain/ports.ts';
import { maskPhone } from '../domain/privacy.ts';
import {
  alertRecipient,
  alertTemplateFor,
  failureReasonLabel,
  subjectKindLabel,
} from '../domain/templates/outbox-templates.ts';
import { renderedFields, renderSms } from '../domain/templates/render.ts';
import { cstDate, cstInstant, cstTimeOfDay, parseDuration } from '../domain/time.ts';

/** What the outbox keeps per message besides the Message itself: its delivery record. */
export interface DeliveryRecord {
  /** When the dispatcher claimed it for sending (status SENDING). */
  sendingAt?: string;
  failedAt?: string;
  /** Last error text (provider code + message), phone numbers scrubbed. */
  lastError?: string;
  /** How often the release sweep re-delivered it to the stream. */
  releaseCount?: number;
  /** Set when the outcome of a send is unknown (crash between Publish and the SENT write). */
  uncertain?: boolean;
}
export type StoredMessage = Message & DeliveryRecord;

/** The outbox as the dispatcher sees it. Every transition is conditional on status and version. */
export interface OutboxRepository {
  get(id: string): Promise<StoredMessage | undefined>;
  /** QUEUED→SENDING if still at `version`; counts the attempt. Returns undefined when someone got there first. */
  claim(msg: StoredMessage, now: Date, sendingTimeoutMs: number): Promise<StoredMessage | undefined>;
  /** SENDING→SENT with the provider id. Returns false when the message is no longer the one claimed. */
  markSent(msg: StoredMessage, providerMessageId: string, now: Date): Promise<boolean>;
  /** SENDING→QUEUED with a later notBefore (transient failure). */
  requeue(msg: StoredMessage, notBefore: Date, error: string): Promise<boolean>;
  /** QUEUED: move notBefore later (quiet hours). */
  defer(msg: StoredMessage, notBefore: Date): Promise<boolean>;
  /** QUEUED|SENDING→FAILED with the reason, enqueueing `alerts` in the same transaction. */
  markFailed(
    msg: StoredMessage,
    input: { reason: string; now: Date; uncertain?: boolean; alerts: Message[] },
  ): Promise<boolean>;
  /** Messages in the due index at or before `now`: QUEUED ones due to send, SENDING ones past their timeout. */
  queryDue(now: Date, limit?: number): Promise<{ messages: StoredMessage[]; itemsRead: number }>;
  /** Re-delivers a QUEUED message to the stream by changing it (releaseCount + 1). */
  touch(msg: StoredMessage): Promise<boolean>;
}

export interface DispatchDeps {
  outbox: OutboxRepository;
  sms: SmsSender;
  directory: DirectoryReader;
  clock: Clock;
  log: Log;
  config: Pick<AppConfig, 'sms' | 'outbox'>;
}

export type DispatchOutcome = 'sent' | 'not-due' | 'deferred' | 'stale' | 'failed' | 'ignored';

/** True when a CST time of day falls in quiet hours (which may wrap midnight, e.g. 21:00–08:00). */
export function inQuietHours(now: Date, quiet: { start: string; end: string }): boolean {
  const t = cstTimeOfDay(now);
  if (quiet.start === quiet.end) return false;
  return quiet.start < quiet.end ? t >= quiet.start && t < quiet.end : t >= quiet.start || t < quiet.end;
}

/** The next end of quiet hours after `now` (the morning a guardian message waits for). */
export function quietHoursEnd(now: Date, quiet: { start: string; end: string }): Date {
  const today = cstInstant(cstDate(now), quiet.end);
  return today.getTime() > now.getTime() ? today : new Date(today.getTime() + 86_400_000);
}

/** Exponential backoff after `attempts` tries, capped. */
export function backoffMs(attempts: number, config: AppConfig['outbox']): number {
  const base = parseDuration(config.backoffBase);
  const max = parseDuration(config.backoffMax);
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends one outbox message, at most once per claim (a transient error requeues it: an ambiguous one, such as a
 * 5xx or a timeout after the request went out, can then send it twice; docs/sms.md "What is promised").
 * 1. Skip what is not QUEUED, not yet due, or (guardians) due in quiet hours — the latter moved to the morning.
 * 2. Claim QUEUED→SENDING conditionally (a second delivery of the same stream record loses the claim).
 * 3. Send; SENDING→SENT with the provider id by conditional write.
 * 4. Transient error: back to QUEUED with a backoff and throw (the record fails, the sweep re-releases it).
 *    Permanent error or attempts exhausted: FAILED with the reason, and the office is told ('failed' only if this
 *    call's conditional write did it; 'stale' when another writer got there first).
 */
export async function dispatchMessage(deps: DispatchDeps, image: StoredMessage): Promise<DispatchOutcome> {
  const { outbox, sms, clock, log, config } = deps;
  const now = clock.now();
  if (image.status !== 'QUEUED') return 'ignored';
  if (new Date(image.notBefore).getTime() > now.getTime()) return 'not-due';
  if (image.audience === 'guardian' && inQuietHours(now, config.sms.quietHours)) {
    const morning = quietHoursEnd(now, config.sms.quietHours);
    const moved = await outbox.defer(image, morning);
    log.info('guardian message waits for the end of quiet hours', {
      messageId: image.id,
      until: morning.toISOString(),
    });
    return moved ? 'deferred' : 'stale';
  }

  const claimed = await outbox.claim(image, now, parseDuration(config.outbox.sendingTimeout));
  if (!claimed) {
    log.info('message already claimed or changed; nothing to do', { messageId: image.id });
    return 'stale';
  }

  let providerMessageId: string;
  try {
    ({ providerMessageId } = await sms.send({
      messageId: claimed.id,
      phone: claimed.recipient.phone,
      template: claimed.templateKey ?? claimed.template,
      params: claimed.params ?? {},
      text: claimed.text,
    }));
  } catch (error) {
    const sendError =
      error instanceof SmsSendError ? error : new SmsSendError(`unexpected: ${(error as Error).message}`, 'transient');
    const errorText = `${sendError.providerCode ?? sendError.kind}: ${sendError.message}`;
    if (sendError.kind === 'transient' && claimed.attempts < config.outbox.maxAttempts) {
      // A provider's daily cap names the next day; otherwise the backoff.
      const backoff = new Date(now.getTime() + backoffMs(claimed.attempts, config.outbox));
      const retryAt =
        sendError.retryNotBefore && sendError.retryNotBefore > backoff ? sendError.retryNotBefore : backoff;
      await outbox.requeue(claimed, retryAt, errorText);
      log.warn('transient SMS failure; requeued', {
        messageId: claimed.id,
        attempts: claimed.attempts,
        error: errorText,
      });
      throw new TransientDispatchError(claimed.id, retryAt.toISOString(), errorText);
    }
    const reason =
      sendError.kind === 'transient' ? `retries exhausted after ${claimed.attempts} attempts: ${errorText}` : errorText;
    const code = sendError.kind === 'transient' ? 'transient' : (sendError.providerCode ?? 'permanent');
    // 'failed' only when THIS write made it FAILED: the release sweep may have declared it uncertain meanwhile,
    // and each message must be counted failed once (the SmsFailed metric).
    const marked = await failAndAlert(deps, claimed, { reason, code, now });
    return marked ? 'failed' : 'stale';
  }

  const marked = await outbox.markSent(claimed, providerMessageId, clock.now());
  if (!marked) {
    // Only possible if the SENDING timeout elapsed and the release sweep declared it uncertain meanwhile.
    log.error('message was sent but could not be marked SENT (changed meanwhile)', {
      messageId: claimed.id,
      providerMessageId,
    });
  }
  return 'sent';
}

/** FAILED with the reason, plus an official message to each office person (deterministic ids). */
export async function failAndAlert(
  deps: Pick<DispatchDeps, 'outbox' | 'directory' | 'log' | 'config'>,
  msg: StoredMessage,
  input: { reason: string; code: string; now: Date; uncertain?: boolean; alert?: 'failed' | 'uncertain' },
): Promise<boolean> {
  const alerts = isAlert(msg) ? [] : await officeAlerts(deps, msg, input);
  const done = await deps.outbox.markFailed(msg, {
    reason: input.reason,
    now: input.now,
    uncertain: input.uncertain,
    alerts,
  });
  const fields = { messageId: msg.id, reason: input.reason, alerts: alerts.length };
  if (isAlert(msg)) deps.log.error('an alert to the office itself failed; see the outbox record', fields);
  else
    deps.log.warn(input.uncertain ? 'message outcome uncertain; office told' : 'message failed; office told', fields);
  return done;
}

const isAlert = (msg: Message) => msg.template.startsWith('outbox.');

async function officeAlerts(
  deps: Pick<DispatchDeps, 'directory' | 'log' | 'config'>,
  msg: Message,
  input: { code: string; now: Date; uncertain?: boolean; alert?: 'failed' | 'uncertain' },
): Promise<Message[]> {
  const directory = await deps.directory.loadFor([]);
  const office = directory.people.filter((p) => (directory.meta.officeIds ?? []).includes(p.id) && p.active !== false);
  if (office.length === 0)
    deps.log.error('no active office person to tell about a failed message', { messageId: msg.id });
  const template = alertTemplateFor(msg.audience, input.alert ?? 'failed');
  const rendered = renderSms(
    template,
    {
      recipient: alertRecipient(msg.recipient.label),
      phone: maskPhone(msg.recipient.phone),
      subject: subjectKindLabel(msg.subject.kind),
      reason: failureReasonLabel(input.code),
    },
    { signature: deps.config.sms.signature, maxParts: deps.config.sms.maxParts },
  );
  const at = input.now.toISOString();
  return office.map((p) => ({
    id: `alert#${msg.id}#${p.id}`,
    audience: 'official',
    recipient: { personId: p.id, role: 'office', phone: p.phone, label: p.name },
    ...renderedFields(rendered),
    notBefore: at,
    status: 'QUEUED',
    createdAt: at,
    attempts: 0,
    subject: { kind: 'system', id: msg.id },
    schoolId: msg.schoolId,
    townshipId: msg.townshipId,
    version: 0,
  }));
}
