import { defineTemplate } from './render.ts';

export interface DeliveryAlertParams extends Record<string, string | number> {
  /** Recipient label as stored on the message (guardians already masked). */
  recipient: string;
  /** Masked phone 138****0001. */
  phone: string;
  /** What the message was about, e.g. `slot` / `notice`. */
  subject: string;
  reason: string;
}

const subjectLabel: Record<string, string> = {
  slot: '报表催报',
  case: '控辍个案',
  notice: '劝返通知',
  plan: '送教计划',
  system: '系统通知',
};

/** Human label of a message subject kind. */
export const subjectKindLabel = (kind: string) => subjectLabel[kind] ?? kind;

/** A message could not be delivered (invalid number, opted out, retries exhausted): the office is told. */
export const deliveryFailedTemplate = defineTemplate<DeliveryAlertParams>({
  id: 'outbox.failed',
  audience: 'official',
  body: (p) =>
    `短信发送失败：${p.recipient}（${p.phone}），事由：${p.subject}，原因：${p.reason}。请核实号码后另行通知。`,
});

/** The dispatcher crashed between sending and recording it: the office checks instead of a blind resend. */
export const deliveryUncertainTemplate = defineTemplate<DeliveryAlertParams>({
  id: 'outbox.uncertain',
  audience: 'official',
  body: (p) =>
    `短信发送结果不明：${p.recipient}（${p.phone}），事由：${p.subject}，可能已发出。请电话核实，勿重复发送。`,
});

/**
 * The same two alerts about a guardian's message: `recipient` is then the masked guardian name alone, so every
 * parameter stays within a provider's variable limit (the label's "(监护人)" suffix is fixed text here).
 */
export const guardianDeliveryFailedTemplate = defineTemplate<DeliveryAlertParams>({
  id: 'outbox.failed',
  key: 'outbox.failed.guardian',
  audience: 'official',
  body: (p) =>
    `短信发送失败：${p.recipient}(监护人)（${p.phone}），事由：${p.subject}，原因：${p.reason}。请核实号码后另行通知。`,
});

export const guardianDeliveryUncertainTemplate = defineTemplate<DeliveryAlertParams>({
  id: 'outbox.uncertain',
  key: 'outbox.uncertain.guardian',
  audience: 'official',
  body: (p) =>
    `短信发送结果不明：${p.recipient}(监护人)（${p.phone}），事由：${p.subject}，可能已发出。请电话核实，勿重复发送。`,
});

export const outboxTemplates = [
  deliveryFailedTemplate,
  deliveryUncertainTemplate,
  guardianDeliveryFailedTemplate,
  guardianDeliveryUncertainTemplate,
] as const;

/** The alert template for a message: the guardian wording when the message was to a guardian. */
export function alertTemplateFor(
  audience: 'guardian' | 'official',
  which: 'failed' | 'uncertain',
): typeof deliveryFailedTemplate {
  if (audience === 'guardian')
    return which === 'failed' ? guardianDeliveryFailedTemplate : guardianDeliveryUncertainTemplate;
  return which === 'failed' ? deliveryFailedTemplate : deliveryUncertainTemplate;
}

/** The recipient parameter of an alert: the guardian label without its fixed suffix. */
export const alertRecipient = (label: string) => label.replace(/\(监护人\)$/, '');

const reasonLabel: Record<string, string> = {
  OptedOut: '对方已退订',
  OptedOutException: '对方已退订',
  InvalidParameter: '号码无效',
  InvalidParameterException: '号码无效',
  InvalidParameterValue: '号码无效',
  EndpointDisabled: '号码停用',
  transient: '多次重试失败',
  uncertain: '发送中断',
};

/** Provider codes (Tencent, Alibaba) by what they mean to the office. */
const reasonPatterns: [RegExp, string][] = [
  [/PhoneNumberInBlacklist|BLACK/i, '号码在免打扰名单'],
  [/IncorrectPhoneNumber|PhoneNumberParseFail|MOBILE_NUMBER_ILLEGAL/i, '号码无效'],
  [/Template|TEMPLATE/, '模板未审核通过'],
  [/Signature|SIGN/, '签名未审核通过'],
  [/LimitExceeded|LIMIT_CONTROL/, '超出发送限额'],
];

/** Short Chinese reason (at most 6 characters, an SMS parameter) for a provider error code; unknown: 发送失败. */
export const failureReasonLabel = (code: string) =>
  reasonLabel[code] ?? reasonPatterns.find(([re]) => re.test(code))?.[1] ?? '发送失败';
