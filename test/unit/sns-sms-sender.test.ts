import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { classifySnsError, SnsSmsSender } from '../../shared/adapters/sns/sns-sms-sender.ts';
import { SmsSendError } from '../../shared/domain/ports.ts';

const snsMock = mockClient(SNSClient);
afterEach(() => snsMock.reset());

const snsError = (name: string, status: number, message = 'boom') =>
  new SNSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });

describe('SnsSmsSender', () => {
  it('publishes to the phone number as Transactional with the sender id, and returns the provider id', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-123' });
    const sender = new SnsSmsSender(new SNSClient({ region: 'cn-north-1' }), 'LIPUEDU');

    const out = await sender.send({ phone: '+8613800000001', text: '【荔浦教育】测试', messageId: 'm-1' });

    expect(out).toEqual({ providerMessageId: 'sns-123' });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(snsMock.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      PhoneNumber: '+8613800000001',
      Message: '【荔浦教育】测试',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'LIPUEDU' },
      },
    });
  });

  it('turns throttling into a transient SmsSendError', async () => {
    snsMock.on(PublishCommand).rejects(snsError('ThrottledException', 429, 'Rate exceeded'));
    const sender = new SnsSmsSender(new SNSClient({ region: 'cn-north-1', maxAttempts: 1 }), 'LIPUEDU');

    const attempt = sender.send({ phone: '+8613800000001', text: '测试', messageId: 'm-1' });

    await expect(attempt).rejects.toMatchObject({ kind: 'transient', providerCode: 'ThrottledException' });
  });

  it('does not retry an accepted publish that came back without an id', async () => {
    snsMock.on(PublishCommand).resolves({});
    const sender = new SnsSmsSender(new SNSClient({ region: 'cn-north-1' }), 'LIPUEDU');

    const out = await sender.send({ phone: '+8613800000001', text: '测试', messageId: 'm-9' });

    expect(out.providerMessageId).toBe('unknown:m-9');
  });
});

describe('classifySnsError', () => {
  it.each([
    ['ThrottledException', 429, 'transient'],
    ['KMSThrottlingException', 400, 'transient'],
    ['InternalErrorException', 500, 'transient'],
    ['SomethingNew', 503, 'transient'],
    ['InvalidParameterException', 400, 'permanent'],
    ['AuthorizationErrorException', 403, 'permanent'],
    ['EndpointDisabledException', 400, 'permanent'],
    ['SomethingElse', 400, 'permanent'],
  ])('%s (HTTP %i) is %s', (name, status, kind) => {
    const classified = classifySnsError(snsError(name, status));

    expect(classified).toBeInstanceOf(SmsSendError);
    expect(classified.kind).toBe(kind);
  });

  it('recognises an opted-out number and normalises its code', () => {
    const classified = classifySnsError(snsError('InvalidParameterException', 400, 'Phone number is opted out'));

    expect(classified).toMatchObject({ kind: 'permanent', providerCode: 'OptedOut' });
  });

  it('treats a socket error without any response as transient and scrubs phone numbers from the text', () => {
    const error = Object.assign(new Error('connect ECONNRESET while sending to +8613800000001'), {
      code: 'ECONNRESET',
    });

    const classified = classifySnsError(error);

    expect(classified.kind).toBe('transient');
    expect(classified.message).not.toContain('13800000001');
  });
});
