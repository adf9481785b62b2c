import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cloudDeps } from '../../functions/cloud-deps.ts';
import { ValidationError } from '../../shared/domain/errors.ts';

const config = readFileSync(new URL('../../config/lipu.json', import.meta.url), 'utf8');
const env = (overrides: Record<string, string | undefined> = {}) => ({
  TABLE_NAME: 'baoxue-test',
  APP_CONFIG: config,
  POWERTOOLS_SERVICE_NAME: 'test',
  ...overrides,
});

describe('cloudDeps', () => {
  it('fails fast naming the missing env var', () => {
    expect(() => cloudDeps(env({ TABLE_NAME: undefined }))).toThrow(ValidationError);
    expect(() => cloudDeps(env({ TABLE_NAME: undefined }))).toThrow(/env\.TABLE_NAME/);
  });

  it('names the bad config field', () => {
    const bad = JSON.parse(config);
    bad.sms.quietHours.start = '25:00';
    expect(() => cloudDeps(env({ APP_CONFIG: JSON.stringify(bad) }))).toThrow(/config\.sms\.quietHours\.start/);
  });

  it('reads the national-calendar year files from the asset in Lambda, and refuses to start without them', () => {
    expect(cloudDeps(env()).config.calendar.holidayYears.map((f) => f.year)).toEqual([2023, 2024, 2025, 2026]);
    expect(() => cloudDeps(env({ LAMBDA_TASK_ROOT: '/nonexistent-task-root' }))).toThrow(
      /national calendar directory missing: \/nonexistent-task-root\/holidays/,
    );
  });

  it('refuses timer use in a function without scheduler access, loudly', async () => {
    const deps = cloudDeps(env());
    expect(deps.tableName).toBe('baoxue-test');
    await expect(deps.timers.exists('x')).rejects.toThrow(/no scheduler access/);
  });
});
