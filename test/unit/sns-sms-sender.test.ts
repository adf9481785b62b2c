import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { classifySnsError, SnsSmsSender } from '../../shared/adapters/sms/sns-sms-sender.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { SmsSendError } from '../../shared/domain/errors.ts';
import { noticeTemplates, renderNoticeSms } from '../../shared/domain/templates/notice-templates.ts';

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

    const out = await sender.send({
      phone: '+8613800000001',
      text: '【荔浦教育】测试',
      messageId: 'm-1',
      template: 'report.reminder',
      params: {},
    });

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

  it('sends a guardian notice as its rendered text (SNS has no templates: params are not sent)', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-456' });
    const sms = loadConfigFile().sms;
    const r = renderNoticeSms(
      noticeTemplates.guardianNotice,
      {
        studentName: '覃示例',
        guardianName: '覃家长',
        school: '马岭镇中心学校',
        returnBy: '2月27日10:00',
        schoolPhone: '07737212345',
      },
      sms,
    );
    const sender = new SnsSmsSender(new SNSClient({ region: 'cn-north-1' }), 'LIPUEDU');

    await sender.send({
      messageId: 'notice#N-1#guardian',
      phone: '+8613800000401',
      template: r.key,
      params: r.params,
      text: r.text,
    });

    expect(snsMock.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      PhoneNumber: '+8613800000401',
      Message:
        '【荔浦教育】劝返复学通知书：覃家长您好，您的孩子覃示例未按时到马岭镇中心学校上学。依据《义务教育法》，请于2月27日10:00前送孩子返校复学，逾期学校将依法报告乡镇政府和市教育局。咨询电话07737212345',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'LIPUEDU' },
      },
    });
  });

  it('turns throttling into a transient SmsSendError', async () => {
    snsMock.on(PublishCommand).rejects(snsError('ThrottledException', 429, 'Rate exceeded'));
    const sender = new SnsSmsSender(new SNSClient({ region: 'cn-north-1', maxAttempts: 1 }), 'LIPUEDU');

    const attempt = sender.send({
      phone: '+8613800000001',
      text: '测试',
      messageId: 'm-1',
      template: 'report.reminder',
      params: {},
    });

    await expect(attempt).rejects.toMatchObject({ kind: 'transient', providerCode: 'ThrottledException' });
  });

  it('does not retry an accepted publish that came back without an id', async () => {
    snsMock.on(PublishCommand).resolves({});
    const sender = new SnsSmsSender(new SNSClient({ region: 'cn-north-1' }), 'LIPUEDU');

    const out = await sender.send({
      phone: '+8613800000001',
      text: '测试',
      messageId: 'm-9',
      template: 'report.reminder',
      params: {},
    });

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
