import type { Command } from 'commander';
import { smsTemplateCatalog } from '../../shared/domain/templates/catalog.ts';
import { providerTemplateText } from '../../shared/domain/templates/provider-rules.ts';
import { CliError } from './import-directory.ts';

/**
 * `sms templates --provider tencent|aliyun`: every wording to register with the provider, one block per key
 * (the key the config maps to the approved code), the text without signature, and its variables in order.
 */
export function smsTemplatesText(provider: string): string[] {
  if (provider !== 'tencent' && provider !== 'aliyun')
    throw new CliError(`--provider 只能是 tencent 或 aliyun，收到：${provider}`);
  return smsTemplateCatalog().flatMap((t) => {
    const { text, params } = providerTemplateText(t, provider);
    return [
      `${t.key ?? t.id}（${t.audience === 'guardian' ? '家长' : '干部'}）`,
      `  ${text}`,
      `  变量：${params.join('、') || '无'}`,
      '',
    ];
  });
}

/** Registers `sms templates`. */
export function registerSmsTemplates(program: Command): void {
  program
    .command('sms')
    .description('短信服务商：列出需报备的模板')
    .command('templates')
    .description('列出每个模板键在服务商处报备的正文（不含签名，签名由服务商添加）和变量顺序')
    .requiredOption('--provider <服务商>', 'tencent 或 aliyun')
    .action((options: { provider: string }) => {
      for (const line of smsTemplatesText(options.provider)) console.log(line);
    });
}
