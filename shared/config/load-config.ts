import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromZodIssues, ValidationError } from '../domain/errors.ts';
import type { HolidayYear } from '../domain/national-calendar.ts';
import { smsTemplateCatalog } from '../domain/templates/catalog.ts';
import { templateProblems } from '../domain/templates/provider-rules.ts';
import { type AppConfig, appConfigSchema } from './app-config.ts';
import { loadHolidayYears } from './holiday-files.ts';

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../../config/lipu.json', import.meta.url));

/** Parses a config object; throws a ValidationError naming each bad field. */
export function parseConfig(raw: unknown): AppConfig {
  const result = appConfigSchema.safeParse(raw);
  if (!result.success) throw fromZodIssues(result.error.issues, 'config');
  // Every template against the chosen provider's rules (at synth, at start and in each function's init).
  const problems = templateProblems(smsTemplateCatalog(), result.data.sms.provider);
  if (problems.length > 0) throw new ValidationError(problems);
  return result.data;
}

/** The raw config with the national-calendar year files attached (they live in files of their own). */
export function withHolidayYears(raw: unknown, holidayYears: readonly HolidayYear[]): unknown {
  const config = raw as { calendar?: Record<string, unknown> };
  if (config?.calendar?.holidayYears !== undefined)
    throw new Error('calendar.holidayYears is loaded from config/holidays/<year>.json, not written in the config');
  return { ...config, calendar: { ...config?.calendar, holidayYears } };
}

/**
 * Reads and validates a JSON config file (the repo's `config/lipu.json` by default) with the year files of the
 * `holidays/` folder beside it.
 */
export function loadConfigFile(path = DEFAULT_CONFIG_PATH): AppConfig {
  const raw = JSON.parse(readFileSync(path, 'utf8'));
  return parseConfig(withHolidayYears(raw, loadHolidayYears(join(dirname(path), 'holidays'))));
}

/**
 * The config as the functions' APP_CONFIG: without the year files, which would not fit in Lambda's 4 KB of
 * environment and travel in the function asset instead (`holidays/`, read by cloud-deps at init).
 */
export function configForEnv(config: AppConfig): string {
  const { holidayYears: _files, ...calendar } = config.calendar;
  return JSON.stringify({ ...config, calendar });
}

/**
 * A template provider's code mapping (one entry per template key, ~1.4 KB) does not fit beside the config in
 * Lambda's 4 KB of environment: it rides in the function asset as `sms-templates.json` instead (like the
 * holiday files), and `withSmsTemplates` puts it back before parseConfig checks it.
 */
export function splitSmsTemplates(appConfigJson: string): { env: string; templates?: string } {
  const config = JSON.parse(appConfigJson) as { sms?: { provider?: { kind?: string; templates?: unknown } } };
  const provider = config.sms?.provider;
  if (!provider || provider.kind === 'sns' || provider.templates === undefined) return { env: appConfigJson };
  const { templates, ...rest } = provider;
  return {
    env: JSON.stringify({ ...config, sms: { ...config.sms, provider: rest } }),
    templates: JSON.stringify(templates),
  };
}

/** The raw config with the provider's template mapping from the asset file attached (a no-op for SNS). */
export function withSmsTemplates(raw: unknown, templatesJson: string | undefined): unknown {
  const config = raw as { sms?: { provider?: { kind?: string; templates?: unknown } } };
  const provider = config?.sms?.provider;
  if (!provider || provider.kind === 'sns' || templatesJson === undefined) return raw;
  return { ...config, sms: { ...config.sms, provider: { ...provider, templates: JSON.parse(templatesJson) } } };
}
