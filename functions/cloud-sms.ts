import { SNSClient } from '@aws-sdk/client-sns';
import { SnsSmsSender } from '../shared/adapters/sms/sns-sms-sender.ts';
import type { AppConfig } from '../shared/config/app-config.ts';
import type { ReceiptSource, SmsRequest, SmsSender } from '../shared/domain/ports.ts';
import { systemClock } from '../shared/domain/time.ts';
import { lazyModule } from './lazy-module.ts';

/** One attempt per Publish: the dispatcher owns retries (see below). */
export const SNS_MAX_ATTEMPTS = 1;

type ProviderModule = typeof import('../shared/adapters/sms/provider-sender.ts');

/**
 * Where the provider adapters and their SDKs are: in the function asset, the lazy chunk `lazy/sms-providers.mjs`
 * next to index.mjs (infra/bundling.ts SMS_PROVIDERS); run from source (tsx, tests), the module itself. The
 * specifiers are computed so esbuild does not pull the SDKs into the main chunk.
 */
const loadProviders = lazyModule<ProviderModule>(
  import.meta.url,
  './lazy/sms-providers.mjs',
  '../shared/adapters/sms/provider-sender.ts',
);

/**
 * The SMS client of a function with 'sms' access (its handler.ts passes it to cloudHandler), chosen by the
 * stage's `sms.provider`. No SDK-level retries: a retry after a socket timeout could deliver the SMS twice. The
 * dispatcher retries instead, with the message's claim guarding against a double send.
 * - `sns`: Publish with our rendered text.
 * - `tencent` / `aliyun`: the provider's SDK, loaded on the first send, with credentials from the SSM
 *   SecureString the stack lets this function read (read on the first send too).
 */
export const cloudSms = (config: AppConfig): SmsSender => {
  const provider = config.sms.provider;
  if (provider.kind === 'sns')
    return new SnsSmsSender(new SNSClient({ maxAttempts: SNS_MAX_ATTEMPTS }), config.sms.senderId);
  let inner: Promise<SmsSender> | undefined;
  const load = () => {
    inner ??= loadProviders().then(
      ({ LazyProviderSender, cloudSecretSource }) => new LazyProviderSender(provider, cloudSecretSource(), systemClock),
    );
    inner.catch(() => {
      inner = undefined;
    });
    return inner;
  };
  return { send: async (request: SmsRequest) => (await load()).send(request) };
};

/**
 * The receipt source of a function with 'sms-receipts' access: Tencent's PullSmsSendStatus through the lazy
 * provider chunk (credentials from the same SSM SecureString). SNS and Alibaba have nothing to pull here (an empty
 * page): SNS's receipts come as delivery-status logs (sms-status-logs), Alibaba's as a push (sms-receipt-hook).
 */
export const cloudReceipts = (config: AppConfig): ReceiptSource => {
  const provider = config.sms.provider;
  if (provider.kind !== 'tencent') return { pull: async () => [] };
  let inner: Promise<import('../shared/adapters/sms/provider-sender.ts').LazyProviderSender> | undefined;
  return {
    pull: async (limit) => {
      inner ??= loadProviders().then(
        ({ LazyProviderSender, cloudSecretSource }) =>
          new LazyProviderSender(provider, cloudSecretSource(), systemClock),
      );
      return (await inner).pullReceipts(limit);
    },
  };
};

/**
 * The receipt webhook's shared secret: `callbackToken` in the provider's SSM SecureString (beside the AccessKey),
 * read on the first call and kept for the container's life; a read that fails is retried on the next call.
 */
export const cloudHookToken = (config: AppConfig): (() => Promise<string>) => {
  const provider = config.sms.provider;
  let token: Promise<string> | undefined;
  return () => {
    if (provider.kind === 'sns') return Promise.reject(new Error('no SMS provider secret on an SNS stage'));
    token ??= loadProviders()
      .then(({ cloudSecretSource }) => cloudSecretSource()(provider.secretParameter))
      .then((raw) => {
        const value = (JSON.parse(raw) as { callbackToken?: unknown }).callbackToken;
        if (typeof value !== 'string' || value.length < 24)
          throw new Error(`${provider.secretParameter} has no callbackToken of at least 24 characters`);
        return value;
      });
    token.catch(() => {
      token = undefined;
    });
    return token;
  };
};
