import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SmsSendError } from '../../domain/errors.ts';
import type { SmsRequest, SmsSender } from '../../domain/ports.ts';
import { scrubText } from '../../domain/privacy.ts';

/** Errors SNS documents as retryable: throttling, internal errors, KMS throttling, timeouts. */
const TRANSIENT = new Set([
  'ThrottledException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'InternalErrorException',
  'InternalError',
  'InternalFailure',
  'KMSThrottlingException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/**
 * Node socket errors: retried. ECONNREFUSED/ENOTFOUND/EAI_AGAIN mean the request never left; ECONNRESET/ETIMEDOUT/
 * EPIPE may come after SNS accepted it, so a retry can duplicate the SMS (the accepted risk, docs/sms.md).
 */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/** Errors that no retry will fix for this message: bad number, opted out, endpoint disabled, not allowed. */
const PERMANENT = new Set([
  'InvalidParameterException',
  'InvalidParameter',
  'InvalidParameterValueException',
  'InvalidParameterValue',
  'OptedOutException',
  'EndpointDisabledException',
  'AuthorizationErrorException',
  'VerificationException',
  'ValidationException',
  'NotFoundException',
]);

/** Classifies an SNS SDK error as transient or permanent, with a normalised provider code (OptedOut is singled out). */
export function classifySnsError(error: unknown): SmsSendError {
  const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const message = scrubText(String(e?.message ?? error));
  const status = e?.$metadata?.httpStatusCode;
  const optedOut = name === 'OptedOutException' || /opted[ -]?out/i.test(message);
  const code = optedOut ? 'OptedOut' : name;
  let kind: 'transient' | 'permanent';
  if (optedOut || PERMANENT.has(name)) kind = 'permanent';
  else if (TRANSIENT.has(name) || (e?.code && NETWORK_CODES.has(e.code))) kind = 'transient';
  else if (status !== undefined) kind = status >= 500 || status === 429 ? 'transient' : 'permanent';
  // No HTTP status at all: no answer came back (socket/DNS trouble) — nothing was accepted, retry.
  else kind = 'transient';
  return new SmsSendError(`${name}: ${message}`, kind, code);
}

/**
 * Sends SMS through SNS Publish with PhoneNumber, Transactional, with the configured sender id. SNS keeps no
 * idempotency key for Publish, so nothing makes a send exactly-once: the dispatcher sends at most once per claim
 * (conditional claim before, SENT after) and retries only what this classifier calls transient (docs/sms.md).
 */
export class SnsSmsSender implements SmsSender {
  constructor(
    private readonly sns: SNSClient,
    private readonly senderId: string,
  ) {}

  async send(input: SmsRequest): Promise<{ providerMessageId: string }> {
    let out: { MessageId?: string };
    try {
      out = await this.sns.send(
        new PublishCommand({
          PhoneNumber: input.phone,
          Message: input.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.senderId },
          },
        }),
      );
    } catch (error) {
      throw classifySnsError(error);
    }
    // Accepted without an id: it may have gone out, so it must not be retried as if it had not.
    if (!out.MessageId) return { providerMessageId: `unknown:${input.messageId}` };
    return { providerMessageId: out.MessageId };
  }
}
