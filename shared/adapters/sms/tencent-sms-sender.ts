import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import type {
  PullSmsSendStatusRequest,
  PullSmsSendStatusResponse,
  SendSmsRequest,
  SendSmsResponse,
} from 'tencentcloud-sdk-nodejs-sms/tencentcloud/services/sms/v20210111/sms_models.js';
import { type DeliveryReceipt, tencentReceipts } from '../../domain/delivery.ts';
import { SmsSendError } from '../../domain/errors.ts';
import type { Clock, SmsRequest, SmsSender } from '../../domain/ports.ts';
import { smsTemplateCatalog } from '../../domain/templates/catalog.ts';
import { providerTemplateText } from '../../domain/templates/provider-rules.ts';
import { providerError, sdkError } from './provider-errors.ts';

/** The one SDK call the sender makes (the real `sms.v20210111.Client`, or a test double). */
export interface TencentSmsClient {
  SendSms(req: SendSmsRequest): Promise<SendSmsResponse>;
  PullSmsSendStatus(req: PullSmsSendStatusRequest): Promise<PullSmsSendStatusResponse>;
}

export interface TencentSenderConfig {
  smsSdkAppId: string;
  signName: string;
  /** Our template key → approved 模板 ID. */
  templates: Record<string, string>;
}

/** Positional parameter order of each template key ({1}, {2} … as registered). */
function paramOrder(): Map<string, string[]> {
  return new Map(smsTemplateCatalog().map((t) => [t.key ?? t.id, providerTemplateText(t, 'tencent').params]));
}

/**
 * Tencent Cloud SMS (API 3.0 SendSms): the approved TemplateId for our key, TemplateParamSet in the template's
 * positional order, the approved SignName, and SessionContext = our message id (echoed in receipts). The
 * returned SerialNo is the provider message id. The client has no retry of its own; the outbox retries.
 */
export class TencentSmsSender implements SmsSender {
  private readonly order = paramOrder();

  constructor(
    private readonly client: TencentSmsClient,
    private readonly config: TencentSenderConfig,
    private readonly clock: Clock,
  ) {}

  /** The exact SendSms request for a message (exported for the docs and tests). */
  request(input: SmsRequest): SendSmsRequest {
    const templateId = this.config.templates[input.template];
    if (!templateId)
      throw new SmsSendError(`no Tencent template code for ${input.template}`, 'permanent', 'TemplateNotMapped');
    const names = this.order.get(input.template) ?? [];
    const missing = names.filter((n) => input.params[n] === undefined);
    if (missing.length > 0)
      throw new SmsSendError(`missing template params ${missing.join(', ')}`, 'permanent', 'TemplateParamsMissing');
    return {
      SmsSdkAppId: this.config.smsSdkAppId,
      SignName: this.config.signName,
      TemplateId: templateId,
      TemplateParamSet: names.map((n) => input.params[n]!),
      PhoneNumberSet: [input.phone],
      SessionContext: input.messageId,
    };
  }

  async send(input: SmsRequest): Promise<{ providerMessageId: string }> {
    const req = this.request(input);
    let out: SendSmsResponse;
    try {
      out = await this.client.SendSms(req);
    } catch (error) {
      throw sdkError('tencent', error, this.clock.now());
    }
    const status = out.SendStatusSet?.[0];
    // Accepted without a per-number status: it may have gone out, so it must not be retried as if not.
    if (!status) return { providerMessageId: `unknown:${input.messageId}` };
    if (status.Code !== 'Ok')
      throw providerError('tencent', status.Code ?? 'Unknown', status.Message ?? '', this.clock.now());
    return { providerMessageId: status.SerialNo ?? `unknown:${input.messageId}` };
  }

  /**
   * One page of delivery receipts (PullSmsSendStatus: receipts not pulled before, at most `limit`, the provider
   * forgets what it returned). A pull error is thrown as is: the scheduled pull runs again in a few minutes.
   */
  async pullReceipts(limit = 100): Promise<DeliveryReceipt[]> {
    const out = await this.client.PullSmsSendStatus({ SmsSdkAppId: this.config.smsSdkAppId, Limit: limit });
    return tencentReceipts((out.PullSmsSendStatusSet ?? []) as unknown[], this.clock.now());
  }
}

/** The real client: TC3-HMAC-SHA256, no SDK retries, a bounded timeout; `endpoint` points it at the local fake. */
export function tencentClient(input: {
  secretId: string;
  secretKey: string;
  region: string;
  endpoint?: string;
  protocol?: 'https://' | 'http://';
}): TencentSmsClient {
  return new tencentcloud.sms.v20210111.Client({
    credential: { secretId: input.secretId, secretKey: input.secretKey },
    region: input.region,
    profile: {
      signMethod: 'TC3-HMAC-SHA256',
      httpProfile: {
        reqMethod: 'POST',
        reqTimeout: 10,
        ...(input.endpoint ? { endpoint: input.endpoint } : {}),
        protocol: input.protocol ?? 'https://',
      },
    },
  });
}
