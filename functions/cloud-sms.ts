import { SNSClient } from '@aws-sdk/client-sns';
import { SnsSmsSender } from '../shared/adapters/sns/sns-sms-sender.ts';
import type { AppConfig } from '../shared/config/app-config.ts';

/** One attempt per Publish: the dispatcher owns retries (see below). */
export const SNS_MAX_ATTEMPTS = 1;

/**
 * The SMS client of a function with 'sms' access (its handler.ts passes it to cloudHandler). No SDK-level retries
 * for Publish: a retry after a socket timeout could deliver the SMS twice. The dispatcher retries instead, with the
 * message's claim guarding against a double send.
 */
export const snsSms = (config: AppConfig) =>
  new SnsSmsSender(new SNSClient({ maxAttempts: SNS_MAX_ATTEMPTS }), config.sms.senderId);
