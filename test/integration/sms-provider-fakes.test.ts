import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFake } from '../../local/sms-provider-fake.ts';
import { LOCAL_PROVIDER_KEYS, localTemplateCodes } from '../../local/sms-provider-local.ts';
import { AliyunSmsSender, aliyunClient } from '../../shared/adapters/sms/aliyun-sms-sender.ts';
import { TencentSmsSender, tencentClient } from '../../shared/adapters/sms/tencent-sms-sender.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import type { SmsRequest } from '../../shared/domain/ports.ts';
import { noticeTemplates, renderNoticeSms, returnBy } from '../../shared/domain/templates/notice-templates.ts';
import { cstInstant } from '../../shared/domain/time.ts';

const clock = { now: () => new Date('2023-02-20T06:00:00Z') };
const sms = loadConfigFile().sms;
/** A guardian notice as issue-notice renders it (fixture names, fake numbers). */
const rendered = renderNoticeSms(
  noticeTemplates.guardianNotice,
  {
    studentName: '覃示例',
    guardianName: '覃家长',
    school: '马岭镇中心学校',
    returnBy: returnBy(cstInstant('2023-02-27', '10:00')),
    schoolPhone: '07737212345',
  },
  sms,
);
const notice = (over: Partial<SmsRequest> = {}): SmsRequest => ({
  messageId: 'notice#N-1#guardian',
  phone: '+8613800000401',
  template: rendered.key,
  params: rendered.params,
  text: rendered.text,
  ...over,
});

describe('Tencent adapter against the local fake (real SDK, TC3 signature checked)', () => {
  let fake: ProviderFake;
  let sender: TencentSmsSender;
  const codes = localTemplateCodes('tencent');
  const keys = LOCAL_PROVIDER_KEYS.tencent;
  const config = { smsSdkAppId: '1400000000', signName: '荔浦县教育局', templates: codes.mapping };
  beforeAll(async () => {
    fake = await ProviderFake.start({
      kind: 'tencent',
      keyId: keys.secretId,
      keySecret: keys.secretKey,
      templates: codes.approved,
      blacklisted: new Set(['+8613800000499']),
      undeliverable: new Set(['+8613800000498']),
    });
    const client = tencentClient({ ...keys, region: 'ap-guangzhou', endpoint: fake.endpoint, protocol: 'http://' });
    sender = new TencentSmsSender(client, config, clock);
  });
  afterAll(() => fake.close());

  it('sends the guardian notice as SendSms with the approved TemplateId, positional params and SessionContext', async () => {
    const out = await sender.send(notice());
    expect(out.providerMessageId).toMatch(/^fake-tc-\d{6}$/);
    expect(fake.sends.at(-1)!.params).toEqual({
      PhoneNumberSet: ['+8613800000401'],
      SmsSdkAppId: '1400000000',
      SignName: '荔浦县教育局',
      TemplateId: codes.mapping['notice.guardian'],
      TemplateParamSet: ['覃家长', '覃示例', '马岭镇中心学校', '2月27日10:00', '07737212345'],
      SessionContext: 'notice#N-1#guardian',
    });
    expect(fake.rejectedSignatures).toBe(0);
  });

  it('maps the fake answers: frequency limit transient, daily cap next day, blacklist permanent', async () => {
    fake.failNext('LimitExceeded.DeliveryFrequencyLimit', 'LimitExceeded.PhoneNumberDailyLimit');
    await expect(sender.send(notice())).rejects.toMatchObject({ kind: 'transient', retryNotBefore: undefined });
    await expect(sender.send(notice())).rejects.toMatchObject({
      kind: 'transient',
      retryNotBefore: new Date('2023-02-20T16:05:00Z'),
    });
    await expect(sender.send(notice({ phone: '+8613800000499' }))).rejects.toMatchObject({
      kind: 'permanent',
      providerCode: 'FailedOperation.PhoneNumberInBlacklist',
    });
  });

  it('pulls receipts with PullSmsSendStatus through the real SDK: each once, our id from SessionContext', async () => {
    fake.takeReceipts();
    await sender.send(notice({ messageId: 'notice#N-2#guardian' }));
    await sender.send(notice({ messageId: 'notice#N-3#guardian', phone: '+8613800000498' }));
    const first = await sender.pullReceipts(100);
    expect(first.map((r) => [r.messageId, r.status, r.provider])).toEqual([
      ['notice#N-2#guardian', 'DELIVERED', 'tencent'],
      ['notice#N-3#guardian', 'UNDELIVERED', 'tencent'],
    ]);
    expect(first.every((r) => r.providerMessageId?.startsWith('fake-tc-'))).toBe(true);
    // The provider returns a receipt once: the next pull is empty.
    expect(await sender.pullReceipts(100)).toEqual([]);
    expect(fake.rejectedSignatures).toBe(0);
  });

  it('one HTTP request per send: a 500 is not retried by the SDK (the outbox retries)', async () => {
    const before = fake.requests;
    fake.failNext('HTTP500');
    await expect(sender.send(notice())).rejects.toMatchObject({ kind: 'transient' });
    expect(fake.requests - before).toBe(1);
  });

  it('a wrong secret fails the signature check', async () => {
    const bad = new TencentSmsSender(
      tencentClient({
        secretId: keys.secretId,
        secretKey: 'wrong',
        region: 'ap-guangzhou',
        endpoint: fake.endpoint,
        protocol: 'http://',
      }),
      config,
      clock,
    );
    await expect(bad.send(notice())).rejects.toMatchObject({ providerCode: 'AuthFailure.SignatureFailure' });
    expect(fake.rejectedSignatures).toBe(1);
  });

  it('produces PullSmsSendStatus receipts with the SessionContext, SUCCESS or FAIL', async () => {
    fake.takeReceipts();
    await sender.send(notice({ messageId: 'm-ok' }));
    await sender.send(notice({ messageId: 'm-undelivered', phone: '+8613800000498' }));
    const receipts = fake.takeReceipts();
    expect(receipts.map((r) => [r.SessionContext, r.ReportStatus])).toEqual([
      ['m-ok', 'SUCCESS'],
      ['m-undelivered', 'FAIL'],
    ]);
  });
});

describe('Alibaba adapter against the local fake (real SDK, ACS3 signature checked)', () => {
  let fake: ProviderFake;
  let sender: AliyunSmsSender;
  const codes = localTemplateCodes('aliyun');
  const keys = LOCAL_PROVIDER_KEYS.aliyun;
  const config = { signName: '荔浦县教育局', templates: codes.mapping };
  beforeAll(async () => {
    fake = await ProviderFake.start({
      kind: 'aliyun',
      keyId: keys.accessKeyId,
      keySecret: keys.accessKeySecret,
      templates: codes.approved,
      blacklisted: new Set(['+8613800000499']),
    });
    sender = new AliyunSmsSender(aliyunClient({ ...keys, endpoint: fake.endpoint, protocol: 'http' }), config, clock);
  });
  afterAll(() => fake.close());

  it('sends the guardian notice as SendSms with TemplateCode, TemplateParam JSON and OutId', async () => {
    const out = await sender.send(notice());
    expect(out.providerMessageId).toMatch(/^fake-ali-\d{6}$/);
    expect(fake.sends.at(-1)!.params).toEqual({
      PhoneNumbers: '13800000401',
      SignName: '荔浦县教育局',
      TemplateCode: codes.mapping['notice.guardian'],
      TemplateParam: JSON.stringify({
        guardianName: '覃家长',
        studentName: '覃示例',
        school: '马岭镇中心学校',
        returnBy: '2月27日10:00',
        schoolPhone: '07737212345',
      }),
      OutId: 'notice#N-1#guardian',
    });
    expect(fake.rejectedSignatures).toBe(0);
  });

  it('maps the fake answers: business limit transient, day limit next day, blacklist and bad template permanent', async () => {
    fake.failNext('isv.BUSINESS_LIMIT_CONTROL', 'isv.DAY_LIMIT_CONTROL');
    await expect(sender.send(notice())).rejects.toMatchObject({ kind: 'transient', retryNotBefore: undefined });
    await expect(sender.send(notice())).rejects.toMatchObject({
      kind: 'transient',
      retryNotBefore: new Date('2023-02-20T16:05:00Z'),
    });
    await expect(sender.send(notice({ phone: '+8613800000499' }))).rejects.toMatchObject({
      kind: 'permanent',
      providerCode: 'isv.BLACK_KEY_CONTROL_LIMIT',
    });
    const unapproved = new AliyunSmsSender(
      aliyunClient({ ...keys, endpoint: fake.endpoint, protocol: 'http' }),
      { ...config, templates: { ...codes.mapping, 'notice.guardian': 'SMS_1' } },
      clock,
    );
    await expect(unapproved.send(notice())).rejects.toMatchObject({
      kind: 'permanent',
      providerCode: 'isv.SMS_TEMPLATE_ILLEGAL',
    });
  });

  it('one HTTP request per send: a 500 is not retried by the SDK', async () => {
    const before = fake.requests;
    fake.failNext('HTTP500');
    await expect(sender.send(notice())).rejects.toMatchObject({ kind: 'transient' });
    expect(fake.requests - before).toBe(1);
  });

  it('a wrong secret fails the signature check', async () => {
    const bad = new AliyunSmsSender(
      aliyunClient({
        accessKeyId: keys.accessKeyId,
        accessKeySecret: 'wrong',
        endpoint: fake.endpoint,
        protocol: 'http',
      }),
      config,
      clock,
    );
    await expect(bad.send(notice())).rejects.toMatchObject({ providerCode: 'SignatureDoesNotMatch' });
    expect(fake.rejectedSignatures).toBe(1);
  });
});
