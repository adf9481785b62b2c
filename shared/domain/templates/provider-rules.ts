import * as z from 'zod/mini';
import { PERSON_NAME_MAX, PLACE_NAME_MAX } from '../directory.ts';
import { townshipOrderKinds } from '../escalation.ts';
import type { RenderedSms, SmsTemplate } from './render.ts';
import { templateSkeleton } from './render.ts';
import { ROUND_TOPIC_MAX } from './round-templates.ts';

/**
 * Which SMS provider a stage sends through, and how our templates map to the provider's approved ones.
 * `sns` sends our rendered text (signature included); `tencent` and `aliyun` fill a template the provider has
 * approved, add the approved signature themselves, and take only the named parameters (docs/sms.md).
 * Secrets (SecretId/SecretKey, AccessKey) are never here: `secretParameter` names an SSM SecureString.
 */
const templateCodes = (pattern: RegExp, example: string) =>
  z.record(
    z.string().check(z.minLength(1)),
    z.string().check(z.regex(pattern, `expected an approved template code such as ${example}`)),
  );

const secretParameter = z
  .string()
  .check(z.regex(/^\/[A-Za-z0-9_.\-/]+$/, 'expected an SSM parameter name such as /baoxue/prod/sms/tencent'));

export const smsProviderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sns') }),
  z.object({
    kind: z.literal('tencent'),
    /** 短信 SdkAppId of the application (控制台 → 应用管理). */
    smsSdkAppId: z.string().check(z.regex(/^\d{10}$/, 'expected the 10-digit SdkAppId')),
    /** The approved signature text (签名内容, not its id), e.g. 荔浦县教育局. */
    signName: z.string().check(z.minLength(2), z.maxLength(20)),
    region: z._default(z.string(), 'ap-guangzhou'),
    /** Our template key → the approved 模板 ID. */
    templates: templateCodes(/^\d{1,10}$/, '1234567'),
    /** Longest value the approved templates accept in one variable (check the 变量属性 you register). */
    variableMaxLength: z._default(z.int().check(z.gte(1), z.lte(500)), 35),
    secretParameter,
    /** API host; default sms.tencentcloudapi.com. Locally the fake's host:port. */
    endpoint: z.optional(z.string().check(z.minLength(1))),
  }),
  z.object({
    kind: z.literal('aliyun'),
    /** The approved 签名名称, e.g. 荔浦县教育局. */
    signName: z.string().check(z.minLength(2), z.maxLength(20)),
    /** Our template key → the approved 模板 CODE. */
    templates: templateCodes(/^SMS_\d+$/, 'SMS_123456789'),
    /** Alibaba's notification variables take 1–35 characters unless a longer limit was approved. */
    variableMaxLength: z._default(z.int().check(z.gte(1), z.lte(500)), 35),
    secretParameter,
    /** API host; default dysmsapi.aliyuncs.com. Locally the fake's host:port. */
    endpoint: z.optional(z.string().check(z.minLength(1))),
  }),
]);
export type SmsProviderConfig = z.infer<typeof smsProviderSchema>;
export type SmsProviderKind = SmsProviderConfig['kind'];

/** What a parameter holds, for the provider's 变量属性: text, a number, a date/time, or a phone number. */
type ParamKind = 'text' | 'number' | 'time' | 'phone';

/**
 * Every parameter our templates use, with its kind and the longest value it can hold given what the API and
 * the directory import accept (names: PERSON_NAME_MAX, places: PLACE_NAME_MAX) or what our code formats
 * (dates, counts, labels). A template using a parameter not listed here fails the check: its bound must be known.
 */
export const PARAM_SPECS: Record<string, { kind: ParamKind; max: number }> = {
  studentName: { kind: 'text', max: PERSON_NAME_MAX },
  guardianName: { kind: 'text', max: PERSON_NAME_MAX },
  pupil: { kind: 'text', max: PERSON_NAME_MAX },
  recipient: { kind: 'text', max: PERSON_NAME_MAX },
  school: { kind: 'text', max: PLACE_NAME_MAX },
  township: { kind: 'text', max: PLACE_NAME_MAX },
  /** One township's name or 所包N个乡镇. */
  scope: { kind: 'text', max: PLACE_NAME_MAX },
  /** A 大家访 campaign's configured or derived name. */
  campaign: { kind: 'text', max: PLACE_NAME_MAX },
  /** 2月20日 / 2023年第8周 / 2023年2月. */
  period: { kind: 'text', max: 10 },
  /** 日报 / 周报 / 月报. */
  report: { kind: 'text', max: 2 },
  /** 报表催报, 控辍个案 … (subjectKindLabel). */
  subject: { kind: 'text', max: 4 },
  /** 对方已退订, 号码无效 … (failureReasonLabel). */
  reason: { kind: 'text', max: 6 },
  /** 2023年2月. */
  month: { kind: 'time', max: 8 },
  deadline: { kind: 'time', max: 11 },
  returnBy: { kind: 'time', max: 11 },
  due: { kind: 'time', max: 6 },
  end: { kind: 'time', max: 6 },
  from: { kind: 'time', max: 6 },
  to: { kind: 'time', max: 6 },
  year: { kind: 'number', max: 4 },
  daysLeft: { kind: 'number', max: 3 },
  level: { kind: 'number', max: 2 },
  no: { kind: 'number', max: 3 },
  of: { kind: 'number', max: 3 },
  left: { kind: 'number', max: 5 },
  done: { kind: 'number', max: 5 },
  total: { kind: 'number', max: 5 },
  lateReports: { kind: 'number', max: 6 },
  openCases: { kind: 'number', max: 6 },
  noticesLapsed: { kind: 'number', max: 6 },
  returns: { kind: 'number', max: 6 },
  missedVisits: { kind: 'number', max: 6 },
  /** Causes a merged round message stands for (round-templates.ts; at most 90). */
  count: { kind: 'number', max: 2 },
  /** A merged round message's first header, cut to ROUND_TOPIC_MAX. */
  topic: { kind: 'text', max: ROUND_TOPIC_MAX },
  /** A township order's kind (escalation.ts townshipOrderKinds). */
  orderKind: { kind: 'text', max: Math.max(...townshipOrderKinds.map((k) => k.length)) },
  orderDeadline: { kind: 'time', max: 6 },
  issuedOn: { kind: 'time', max: 6 },
  /** 100% / 87.5%. */
  onTimeRate: { kind: 'text', max: 6 },
  /** Last 6 characters of the case id. */
  caseRef: { kind: 'text', max: 6 },
  /** The school's office phone as dialled (07737212345 or 13800000001). */
  schoolPhone: { kind: 'phone', max: 12 },
  /** A masked mobile 138****0001. */
  phone: { kind: 'phone', max: 11 },
};

/** Both providers: a phone-number variable takes at most 15 characters (Alibaba's 电话号码 property). */
const PHONE_VARIABLE_MAX = 15;

const BRACKETS = /[【】]/;
const LINK = /https?:\/\/|www\.|\b[a-z0-9-]+\.(?:com|cn|net|org|gov)\b/i;
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

/**
 * The body as registered with the provider: Tencent numbers its variables ({1}, {2} … in order of appearance),
 * Alibaba names them (${studentName}). No signature: the provider adds the approved one.
 */
export function providerTemplateText(
  template: SmsTemplate<Record<string, string | number>>,
  kind: 'tencent' | 'aliyun',
): { text: string; params: string[] } {
  return templateSkeleton(template, kind === 'tencent' ? (_name, i) => `{${i}}` : (name) => `\${${name}}`);
}

/**
 * Static check of every template against the chosen provider's rules, at synth and at start: each template has
 * an approved code, no 【】 (the provider adds the signature), no link or mobile number in its fixed text, each
 * parameter used once, with a known bound that fits the provider's variable limit. Empty = fine.
 */
export function templateProblems(
  templates: readonly SmsTemplate<Record<string, string | number>>[],
  provider: SmsProviderConfig,
): { field: string; reason: string }[] {
  if (provider.kind === 'sns') return [];
  const problems: { field: string; reason: string }[] = [];
  const keys = new Set<string>();
  for (const template of templates) {
    const key = template.key ?? template.id;
    keys.add(key);
    const field = `sms.provider.templates.${key}`;
    const { text, params } = providerTemplateText(template, provider.kind);
    if (!provider.templates[key]) problems.push({ field, reason: '缺少该模板在服务商处审核通过的模板编号' });
    if (BRACKETS.test(text)) problems.push({ field, reason: '模板正文不能含【】：签名由服务商添加' });
    if (LINK.test(text)) problems.push({ field, reason: '模板正文不能含链接' });
    if (MOBILE.test(text)) problems.push({ field, reason: '模板正文不能含手机号码' });
    const seen = new Set<string>();
    for (const name of params) {
      if (seen.has(name)) problems.push({ field, reason: `参数 ${name} 重复出现：每个变量只能出现一次` });
      seen.add(name);
      const spec = PARAM_SPECS[name];
      if (!spec) {
        problems.push({ field, reason: `参数 ${name} 没有已知的最大长度（PARAM_SPECS）` });
        continue;
      }
      const limit = spec.kind === 'phone' ? PHONE_VARIABLE_MAX : provider.variableMaxLength;
      if (spec.max > limit)
        problems.push({
          field,
          reason: `参数 ${name} 最长 ${spec.max} 字，超过服务商变量上限 ${limit} 字：请申请更长的变量或缩短输入上限`,
        });
    }
  }
  for (const key of Object.keys(provider.templates))
    if (!keys.has(key))
      problems.push({ field: `sms.provider.templates.${key}`, reason: '没有这个模板（模板键写错了？）' });
  return problems;
}

/**
 * Checks the values of one rendering against the provider's rules: each within the variable limit, and no
 * 【】, link or mobile number inside a text parameter (providers refuse those). Empty = sendable.
 */
export function paramProblems(rendered: RenderedSms, provider: SmsProviderConfig | undefined): string[] {
  if (!provider || provider.kind === 'sns') return [];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(rendered.params)) {
    const kind = PARAM_SPECS[name]?.kind ?? 'text';
    const limit = kind === 'phone' ? PHONE_VARIABLE_MAX : provider.variableMaxLength;
    if (value.length > limit) problems.push(`${name}: 超过 ${limit} 字`);
    if (kind !== 'phone' && (BRACKETS.test(value) || LINK.test(value) || MOBILE.test(value)))
      problems.push(`${name}: 含【】、链接或手机号码`);
  }
  return problems;
}
