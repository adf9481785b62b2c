import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod/mini';
import type { DeliveryReceipt } from '../../domain/delivery.ts';
import { SmsSendError } from '../../domain/errors.ts';
import type { Clock, SmsRequest, SmsSender } from '../../domain/ports.ts';
import type { SmsProviderConfig } from '../../domain/templates/provider-rules.ts';
import { AliyunSmsSender, aliyunClient } from './aliyun-sms-sender.ts';
import { TencentSmsSender, tencentClient } from './tencent-sms-sender.ts';

/** The SecureString's JSON: Tencent's SecretId/SecretKey or Alibaba's AccessKey pair. */
const tencentSecret = z.object({
  secretId: z.string().check(z.minLength(1)),
  secretKey: z.string().check(z.minLength(1)),
});
const aliyunSecret = z.object({
  accessKeyId: z.string().check(z.minLength(1)),
  accessKeySecret: z.string().check(z.minLength(1)),
});

/** Reads a secret's JSON text (SSM SecureString in the cloud; the local fake's key locally). */
export type SecretSource = (name: string) => Promise<string>;

/** SSM Parameter Store SecureString, decrypted with the parameter's KMS key (the function may read only it). */
export function ssmSecretSource(ssm: SSMClient): SecretSource {
  return async (name) => {
    const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (!value) throw new Error(`SSM parameter ${name} has no value`);
    return value;
  };
}

/** The cloud's secret source: SSM with a few attempts (reading a secret twice is harmless, unlike sending). */
export const cloudSecretSource = (): SecretSource => ssmSecretSource(new SSMClient({ maxAttempts: 3 }));

/** Where the local fakes listen: http, host:port. */
export interface ProviderEndpoint {
  endpoint: string;
  protocol: 'http' | 'https';
}

/**
 * A template provider's sender whose credentials are read once, on the first send (not at init, so a function
 * that never sends never reads them). The secret never reaches a log: a failure to read it is a transient
 * error naming the parameter only, so messages wait (bounded by maxAttempts) until the secret is fixed.
 */
export class LazyProviderSender implements SmsSender {
  private inner?: Promise<SmsSender>;

  constructor(
    private readonly provider: Exclude<SmsProviderConfig, { kind: 'sns' }>,
    private readonly secrets: SecretSource,
    private readonly clock: Clock,
    private readonly endpoint?: ProviderEndpoint,
  ) {}

  private build(): Promise<SmsSender> {
    this.inner ??= (async () => {
      const raw = JSON.parse(await this.secrets(this.provider.secretParameter)) as unknown;
      const p = this.provider;
      const endpoint = this.endpoint?.endpoint ?? p.endpoint;
      if (p.kind === 'tencent') {
        const s = tencentSecret.parse(raw);
        return new TencentSmsSender(
          tencentClient({
            secretId: s.secretId,
            secretKey: s.secretKey,
            region: p.region,
            endpoint,
            protocol: this.endpoint?.protocol === 'http' ? 'http://' : 'https://',
          }),
          p,
          this.clock,
        );
      }
      const s = aliyunSecret.parse(raw);
      return new AliyunSmsSender(
        aliyunClient({
          accessKeyId: s.accessKeyId,
          accessKeySecret: s.accessKeySecret,
          endpoint,
          protocol: this.endpoint?.protocol ?? 'https',
        }),
        p,
        this.clock,
      );
    })();
    this.inner.catch(() => {
      this.inner = undefined;
    });
    return this.inner;
  }

  /**
   * A page of delivery receipts the provider holds for us: Tencent's PullSmsSendStatus. Alibaba pushes its
   * receipts (SmsReport) instead, so there is nothing to pull: an empty page.
   */
  async pullReceipts(limit: number): Promise<DeliveryReceipt[]> {
    if (this.provider.kind !== 'tencent') return [];
    const sender = await this.build();
    return (sender as TencentSmsSender).pullReceipts(limit);
  }

  async send(input: SmsRequest): Promise<{ providerMessageId: string }> {
    let sender: SmsSender;
    try {
      sender = await this.build();
    } catch {
      throw new SmsSendError(
        `credentials ${this.provider.secretParameter} could not be read or parsed`,
        'transient',
        'SecretUnavailable',
      );
    }
    return sender.send(input);
  }
}
