import { LazyProviderSender } from '../shared/adapters/sms/provider-sender.ts';
import type { AppConfig } from '../shared/config/app-config.ts';
import { parseConfig } from '../shared/config/load-config.ts';
import type { Clock } from '../shared/domain/ports.ts';
import { smsTemplateCatalog } from '../shared/domain/templates/catalog.ts';
import { providerTemplateText, type SmsProviderConfig } from '../shared/domain/templates/provider-rules.ts';
import { ProviderFake } from './sms-provider-fake.ts';

/** `--sms`: the local sink (default), or a real adapter against the local fake of Tencent's or Alibaba's API. */
export const localSmsModes = ['sink', 'tencent', 'aliyun'] as const;
export type LocalSmsMode = (typeof localSmsModes)[number];

/** The local credentials the fake checks signatures with (not secrets: they only open the local fake). */
export const LOCAL_PROVIDER_KEYS = {
  tencent: { secretId: 'AKIDlocalfake00000000000000000000000', secretKey: 'local-fake-secret-key' },
  aliyun: { accessKeyId: 'LTAIlocalfake00000000000', accessKeySecret: 'local-fake-access-secret' },
} as const;

/** The receipt webhook's shared secret locally (`?token=` of POST /hooks/sms/aliyun); it opens only the local run. */
export const LOCAL_HOOK_TOKEN = 'local-fake-callback-token-0000000000';

/**
 * Approved template codes as the fake hands them out: one per template key, in catalogue order (Tencent
 * numeric ids, Alibaba SMS_ codes), with the parameter list each was "approved" with.
 */
export function localTemplateCodes(kind: 'tencent' | 'aliyun'): {
  mapping: Record<string, string>;
  approved: Record<string, string[]>;
} {
  const mapping: Record<string, string> = {};
  const approved: Record<string, string[]> = {};
  smsTemplateCatalog().forEach((t, i) => {
    const code = kind === 'tencent' ? String(1_900_001 + i) : `SMS_${490_000_001 + i}`;
    mapping[t.key ?? t.id] = code;
    approved[code] = providerTemplateText(t, kind).params;
  });
  return { mapping, approved };
}

/** The stage config a local provider run uses: the bureau's config with the provider pointed at the fake. */
export function localProviderConfig(config: AppConfig, kind: 'tencent' | 'aliyun', endpoint: string): AppConfig {
  const { mapping } = localTemplateCodes(kind);
  const provider: SmsProviderConfig =
    kind === 'tencent'
      ? {
          kind,
          smsSdkAppId: '1400000000',
          signName: config.sms.signature,
          region: 'ap-guangzhou',
          templates: mapping,
          variableMaxLength: 35,
          secretParameter: '/baoxue/local/sms/tencent',
          endpoint,
        }
      : {
          kind,
          signName: config.sms.signature,
          templates: mapping,
          variableMaxLength: 35,
          secretParameter: '/baoxue/local/sms/aliyun',
          endpoint,
        };
  // Parsed again so the provider check runs exactly as at synth and in the cloud.
  const { holidayYears, ...calendar } = config.calendar;
  return parseConfig({ ...config, calendar: { ...calendar, holidayYears }, sms: { ...config.sms, provider } });
}

/** A running local provider: the fake, the config pointing at it, and the real adapter (secret = local key). */
export async function startLocalProvider(
  kind: 'tencent' | 'aliyun',
  config: AppConfig,
  clock: Clock,
): Promise<{ fake: ProviderFake; config: AppConfig; sender: LazyProviderSender }> {
  const keys = LOCAL_PROVIDER_KEYS[kind];
  const fake = await ProviderFake.start({
    kind,
    keyId: 'secretId' in keys ? keys.secretId : keys.accessKeyId,
    keySecret: 'secretKey' in keys ? keys.secretKey : keys.accessKeySecret,
    templates: localTemplateCodes(kind).approved,
    now: () => clock.now(),
  });
  const local = localProviderConfig(config, kind, fake.endpoint);
  const provider = local.sms.provider as Exclude<SmsProviderConfig, { kind: 'sns' }>;
  const sender = new LazyProviderSender(provider, async () => JSON.stringify(keys), clock, {
    endpoint: fake.endpoint,
    protocol: 'http',
  });
  return { fake, config: local, sender };
}
