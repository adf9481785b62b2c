import { describe, expect, it } from 'vitest';
import { localProviderConfig, localTemplateCodes } from '../../local/sms-provider-local.ts';
import { ALIYUN_CODES, nextCstDay, providerError, TENCENT_CODES } from '../../shared/adapters/sms/provider-errors.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { PERSON_NAME_MAX, PLACE_NAME_MAX, schoolSchema } from '../../shared/domain/directory.ts';
import { smsTemplateCatalog } from '../../shared/domain/templates/catalog.ts';
import { noticeTemplates, renderNoticeSms, returnBy } from '../../shared/domain/templates/notice-templates.ts';
import {
  paramProblems,
  providerTemplateText,
  type SmsProviderConfig,
  templateProblems,
} from '../../shared/domain/templates/provider-rules.ts';
import { defineTemplate, type SmsTemplate } from '../../shared/domain/templates/render.ts';
import { cstInstant } from '../../shared/domain/time.ts';

const base = loadConfigFile();
const catalog = smsTemplateCatalog();
const aliyun = (over: Partial<Extract<SmsProviderConfig, { kind: 'aliyun' }>> = {}): SmsProviderConfig => ({
  kind: 'aliyun',
  signName: '荔浦县教育局',
  templates: localTemplateCodes('aliyun').mapping,
  variableMaxLength: 35,
  secretParameter: '/baoxue/test/sms/aliyun',
  ...over,
});
const tencent: SmsProviderConfig = {
  kind: 'tencent',
  smsSdkAppId: '1400000000',
  signName: '荔浦县教育局',
  region: 'ap-guangzhou',
  templates: localTemplateCodes('tencent').mapping,
  variableMaxLength: 35,
  secretParameter: '/baoxue/test/sms/tencent',
};
const name = (n: number) => `${'测'.repeat(n - 1)}名`;

describe('template catalogue and provider rules', () => {
  it('every wording has its own key, and the full catalogue passes both providers with a complete mapping', () => {
    const keys = catalog.map((t) => t.key ?? t.id);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('notice.guardian.shortest');
    expect(templateProblems(catalog, aliyun())).toEqual([]);
    expect(templateProblems(catalog, tencent)).toEqual([]);
  });

  it('registers the guardian notice as Tencent {1}… and Alibaba named-variable text, without the signature', () => {
    const t = noticeTemplates.guardianNotice as unknown as SmsTemplate<Record<string, string | number>>;
    expect(providerTemplateText(t, 'tencent')).toEqual({
      text: '劝返复学通知书：{1}您好，您的孩子{2}未按时到{3}上学。依据《义务教育法》，请于{4}前送孩子返校复学，逾期学校将依法报告乡镇政府和市教育局。咨询电话{5}',
      params: ['guardianName', 'studentName', 'school', 'returnBy', 'schoolPhone'],
    });
    expect(providerTemplateText(t, 'aliyun').text).toContain(`\${guardianName}您好，您的孩子\${studentName}`);
  });

  it('refuses at parse a missing code, an unknown key, and a variable limit our bounds do not fit (Chinese reasons)', () => {
    const { 'notice.guardian': _dropped, ...partial } = localTemplateCodes('aliyun').mapping;
    expect(templateProblems(catalog, aliyun({ templates: partial }))).toEqual([
      { field: 'sms.provider.templates.notice.guardian', reason: '缺少该模板在服务商处审核通过的模板编号' },
    ]);
    expect(
      templateProblems(
        catalog,
        aliyun({ templates: { ...partial, 'notice.guardian': 'SMS_1', 'notice.typo': 'SMS_2' } }),
      ),
    ).toEqual([{ field: 'sms.provider.templates.notice.typo', reason: '没有这个模板（模板键写错了？）' }]);
    // A Tencent account without organisation certification: 12 characters per variable.
    const small = templateProblems(catalog, { ...tencent, variableMaxLength: 12 });
    expect(small).toContainEqual({
      field: 'sms.provider.templates.notice.guardian',
      reason: `参数 guardianName 最长 ${PERSON_NAME_MAX} 字，超过服务商变量上限 12 字：请申请更长的变量或缩短输入上限`,
    });
    expect(() =>
      localProviderConfig({ ...base, sms: { ...base.sms, provider: { kind: 'sns' } } }, 'tencent', '127.0.0.1:1'),
    ).not.toThrow();
  });

  it('refuses a template with 【】 in its text, a link, or a parameter used twice', () => {
    const bad = defineTemplate<{ school: string }>({
      id: 'x.bad',
      audience: 'official',
      body: (p) => `【通知】${p.school}请访问www.example.com，${p.school}`,
    }) as unknown as SmsTemplate<Record<string, string | number>>;
    const reasons = templateProblems([bad], aliyun({ templates: { 'x.bad': 'SMS_1' } })).map((p) => p.reason);
    expect(reasons).toEqual([
      '模板正文不能含【】：签名由服务商添加',
      '模板正文不能含链接',
      '参数 school 重复出现：每个变量只能出现一次',
    ]);
  });

  it('the bounds the directory accepts are the ones the check uses', () => {
    const school = {
      id: 's1',
      name: '校'.repeat(PLACE_NAME_MAX),
      townshipId: 't1',
      headId: 'p1',
      phone: '+867737212345',
    };
    expect(schoolSchema.safeParse(school).success).toBe(true);
    expect(schoolSchema.safeParse({ ...school, name: '校'.repeat(PLACE_NAME_MAX + 1) }).success).toBe(false);
  });

  it('with the longest valid values every notice still renders for a provider, every value within its variable', () => {
    const sms = { ...base.sms, provider: aliyun() };
    const p = {
      studentName: name(PERSON_NAME_MAX),
      guardianName: name(PERSON_NAME_MAX),
      school: '校'.repeat(PLACE_NAME_MAX),
      township: '镇'.repeat(PLACE_NAME_MAX),
      returnBy: returnBy(cstInstant('2023-12-31', '23:59')),
      schoolPhone: '07737212345',
      caseRef: 'ABC123',
    };
    for (const template of Object.values(noticeTemplates)) {
      const r = renderNoticeSms(template as SmsTemplate<Record<string, string | number>>, p, sms);
      expect(r.parts).toBeLessThanOrEqual(sms.maxParts);
      expect(paramProblems(r, sms.provider)).toEqual([]);
    }
    const guardian = renderNoticeSms(noticeTemplates.guardianNotice, p, sms);
    expect(guardian.key).toBe('notice.guardian.shortest');
    expect(guardian.params).toEqual({
      returnBy: '12月31日23:59',
      studentName: p.studentName,
      schoolPhone: '07737212345',
    });
  });

  it('a value with a mobile number, a link or 【】 inside a text parameter is flagged for a provider', () => {
    const r = {
      template: 't',
      key: 't',
      params: { school: '找13800000001', caseRef: 'A1', schoolPhone: '13800000001' },
      text: 'x',
      parts: 1,
      overLimit: false,
    };
    expect(paramProblems(r, aliyun())).toEqual(['school: 含【】、链接或手机号码']);
    expect(paramProblems(r, { kind: 'sns' })).toEqual([]);
  });
});

describe('provider error mapping', () => {
  const now = new Date('2023-02-20T06:00:00Z'); // 14:00 CST
  it.each([
    ['tencent', 'LimitExceeded.DeliveryFrequencyLimit', 'transient', false],
    ['tencent', 'LimitExceeded.PhoneNumberDailyLimit', 'transient', true],
    ['tencent', 'LimitExceeded.AppDailyLimit', 'transient', true],
    ['tencent', 'InternalError.Timeout', 'transient', false],
    ['tencent', 'FailedOperation.PhoneNumberInBlacklist', 'permanent', false],
    ['tencent', 'InvalidParameterValue.IncorrectPhoneNumber', 'permanent', false],
    ['tencent', 'FailedOperation.TemplateIncorrectOrUnapproved', 'permanent', false],
    ['tencent', 'AuthFailure.SignatureFailure', 'transient', false],
    ['aliyun', 'isv.BUSINESS_LIMIT_CONTROL', 'transient', false],
    ['aliyun', 'isv.DAY_LIMIT_CONTROL', 'transient', true],
    ['aliyun', 'isv.MOBILE_NUMBER_ILLEGAL', 'permanent', false],
    ['aliyun', 'isv.BLACK_KEY_CONTROL_LIMIT', 'permanent', false],
    ['aliyun', 'isv.SMS_TEMPLATE_ILLEGAL', 'permanent', false],
    ['aliyun', 'isp.SYSTEM_ERROR', 'transient', false],
    ['aliyun', 'isv.SOMETHING_NEW', 'permanent', false],
  ] as const)('%s %s → %s (daily cap: %s)', (provider, code, kind, daily) => {
    const e = providerError(provider, code, 'msg 13800000001', now);
    expect(e.kind).toBe(kind);
    expect(e.providerCode).toBe(code);
    expect(e.message).not.toContain('13800000001');
    if (daily)
      expect(e.retryNotBefore?.toISOString()).toBe('2023-02-20T16:05:00.000Z'); // 00:05 CST next day
    else expect(e.retryNotBefore).toBeUndefined();
  });

  it('the tables list every code the brief names and the next CST day is after midnight Beijing time', () => {
    expect(TENCENT_CODES['LimitExceeded.DeliveryFrequencyLimit']).toBe('transient');
    expect(ALIYUN_CODES['isv.BUSINESS_LIMIT_CONTROL']).toBe('transient');
    expect(ALIYUN_CODES['isv.DAY_LIMIT_CONTROL']).toBe('daily');
    expect(nextCstDay(new Date('2023-02-20T17:00:00Z')).toISOString()).toBe('2023-02-21T16:05:00.000Z');
  });
});
