import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromZodIssues } from '../domain/errors.ts';
import { type AppConfig, appConfigSchema } from './app-config.ts';

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../../config/lipu.json', import.meta.url));

/** Parses a config object; throws a ValidationError naming each bad field. */
export function parseConfig(raw: unknown): AppConfig {
  const result = appConfigSchema.safeParse(raw);
  if (!result.success) throw fromZodIssues(result.error.issues, 'config');
  return result.data;
}

/** Reads and validates a JSON config file (the repo's `config/lipu.json` by default). */
export function loadConfigFile(path = DEFAULT_CONFIG_PATH): AppConfig {
  return parseConfig(JSON.parse(readFileSync(path, 'utf8')));
}
