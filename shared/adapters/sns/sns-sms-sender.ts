import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SmsSendError, type SmsSender } from '../../domain/ports.ts';

/** Errors SNS documents as retryable: throttling, internal errors, KMS throttling. */
const TRANSIENT = new Set([
  'ThrottledException',
  'ThrottlingException',
  'Throttling',
  'InternalErrorException',
  'InternalError',
  'KMSThrottlingException',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
]);

/** Sends SMS through SNS Publish with PhoneNumber, Transactional, with the configured sender id. */
export class SnsSmsSender implements SmsSender {
  constructor(
    private readonly sns: SNSClient,
    private readonly senderId: string,
  ) {}

  async send(input: { phone: string; text: string; messageId: string }): Promise<{ providerMessageId: string }> {
    try {
      const out = await this.sns.send(
        new PublishCommand({
          PhoneNumber: input.phone,
          Message: input.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.senderId },
          },
        }),
      );
      if (!out.MessageId) throw new SmsSendError('SNS returned no MessageId', 'transient');
      return { providerMessageId: out.MessageId };
    } catch (error) {
      if (error instanceof SmsSendError) throw error;
      const name = (error as Error).name ?? 'Error';
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
      const transient = TRANSIENT.has(name) || status >= 500 || status === 429;
      throw new SmsSendError(`${name}: ${(error as Error).message}`, transient ? 'transient' : 'permanent', name);
    }
  }
}
