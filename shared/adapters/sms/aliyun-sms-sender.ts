import * as dysms from '@alicloud/dysmsapi20170525';
import * as openapi from '@alicloud/openapi-core';
import { SmsSendError } from '../../domain/errors.ts';
import type { Clock, SmsRequest, SmsSender } from '../../domain/ports.ts';
import { providerError, sdkError } from './provider-errors.ts';

/** What the sender reads of a SendSms answer (the SDK's SendSmsResponse has it under `body`). */
export interface AliyunSendSmsAnswer {
  body?: { code?: string; message?: string; bizId?: string; requestId?: string };
}

/** The one SDK call the sender makes (the real `Dysmsapi` client, or a test double). */
export interface AliyunSmsClient {
  sendSms(request: dysms.SendSmsRequest): Promise<AliyunSendSmsAnswer>;
}

export interface AliyunSenderConfig {
  signName: string;
  /** Our template key → approved 模板 CODE (SMS_…). */
  templates: Record<string, string>;
}

/**
 * Alibaba Cloud SMS (Dysmsapi 2017-05-25 SendSms): TemplateCode for our key, TemplateParam as JSON of our named
 * parameters, the approved SignName, OutId = our message id (echoed in SmsReport receipts). BizId is the
 * provider message id. The SDK retries nothing unless told to (retryOptions unset); the outbox retries.
 */
export class AliyunSmsSender implements SmsSender {
  constructor(
    private readonly client: AliyunSmsClient,
    private readonly config: AliyunSenderConfig,
    private readonly clock: Clock,
  ) {}

  /** The exact SendSms request for a message (exported for the docs and tests). */
  request(input: SmsRequest): dysms.SendSmsRequest {
    const templateCode = this.config.templates[input.template];
    if (!templateCode)
      throw new SmsSendError(`no Alibaba template code for ${input.template}`, 'permanent', 'TemplateNotMapped');
    if (Object.keys(input.params).length === 0 && /\$\{/.test(input.text))
      throw new SmsSendError('message has no template params', 'permanent', 'TemplateParamsMissing');
    return new dysms.SendSmsRequest({
      phoneNumbers: input.phone.replace(/^\+86/, ''),
      signName: this.config.signName,
      templateCode,
      templateParam: JSON.stringify(input.params),
      outId: input.messageId,
    });
  }

  async send(input: SmsRequest): Promise<{ providerMessageId: string }> {
    const request = this.request(input);
    let out: AliyunSendSmsAnswer;
    try {
      out = await this.client.sendSms(request);
    } catch (error) {
      throw sdkError('aliyun', error, this.clock.now());
    }
    const code = out.body?.code;
    if (code && code !== 'OK') throw providerError('aliyun', code, out.body?.message ?? '', this.clock.now());
    return { providerMessageId: out.body?.bizId ?? `unknown:${input.messageId}` };
  }
}

type AliyunClientClass = new (config: openapi.$OpenApiUtil.Config) => AliyunSmsClient;

/**
 * The SDK's client class. The package is CommonJS with `exports.default = Client`: Node's ESM loader gives
 * module.exports as the default import (the class is its `.default`), a bundler may give the class itself.
 */
function dysmsClientClass(): AliyunClientClass {
  const exported = dysms.default as unknown as AliyunClientClass & { default?: AliyunClientClass };
  return exported.default ?? exported;
}

/** The real client: ACS3-HMAC-SHA256 (the SDK's default), no retries, bounded timeouts. */
export function aliyunClient(input: {
  accessKeyId: string;
  accessKeySecret: string;
  endpoint?: string;
  protocol?: 'https' | 'http';
}): AliyunSmsClient {
  const Client = dysmsClientClass();
  return new Client(
    new openapi.$OpenApiUtil.Config({
      accessKeyId: input.accessKeyId,
      accessKeySecret: input.accessKeySecret,
      endpoint: input.endpoint ?? 'dysmsapi.aliyuncs.com',
      protocol: input.protocol ?? 'https',
      connectTimeout: 5000,
      readTimeout: 10000,
    }),
  );
}
