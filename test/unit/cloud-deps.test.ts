import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloudDeps } from '../../functions/cloud-deps.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { CHINESE_DAYS_JSON } from '../../shared/domain/national-calendar.ts';

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

  it("refuses to start in Lambda when the asset lacks chinese-days' data (read later, on a year without a file)", () => {
    const root = mkdtempSync(join(tmpdir(), 'baoxue-task-root-'));
    try {
      cpSync(new URL('../../config/holidays', import.meta.url), join(root, 'holidays'), { recursive: true });
      expect(() => cloudDeps(env({ LAMBDA_TASK_ROOT: root }))).toThrow(
        /national calendar data missing: .*node_modules\/chinese-days\/dist\/chinese-days\.json/,
      );
      const json = join(root, 'node_modules', CHINESE_DAYS_JSON);
      mkdirSync(dirname(json), { recursive: true });
      cpSync(new URL(`../../node_modules/${CHINESE_DAYS_JSON}`, import.meta.url), json);
      expect(cloudDeps(env({ LAMBDA_TASK_ROOT: root })).config.calendar.holidayYears).toHaveLength(4);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses timer use and SMS in a function whose handler passes no such client, loudly', async () => {
    const deps = cloudDeps(env());
    expect(deps.tableName).toBe('baoxue-test');
    await expect(deps.timers.exists('x')).rejects.toThrow(/no scheduler access/);
    await expect(
      deps.sms.send({ phone: '+8613800000001', template: 'x', params: {}, text: 'x', messageId: 'm' }),
    ).rejects.toThrow(/no sms access/);
  });

  it('builds the clients the handler passes, timers from the four env vars, and refuses timers without them', () => {
    const timerEnv = {
      SCHEDULE_GROUP: 'group',
      TIMER_TARGET_ARN: 'arn:aws:lambda:ap-southeast-1:123456789012:function:target',
      TIMER_ROLE_ARN: 'arn:aws:iam::123456789012:role/timer',
      TIMER_DLQ_ARN: 'arn:aws:sqs:ap-southeast-1:123456789012:timers',
    };
    const targets: unknown[] = [];
    const timers = {
      createAt: async () => 'created' as const,
      delete: async () => 'absent' as const,
      exists: async () => false,
      scheduledAt: async () => undefined,
      moveTo: async () => 'created' as const,
    };
    const sms = { send: async () => ({ providerMessageId: 'p' }) };
    const deps = cloudDeps(env(timerEnv), undefined, {
      sms: () => sms,
      timers: (target) => {
        targets.push(target);
        return timers;
      },
    });

    expect(deps.sms).toBe(sms);
    expect(deps.timers).toBe(timers);
    expect(targets).toEqual([
      {
        groupName: 'group',
        targetArn: timerEnv.TIMER_TARGET_ARN,
        roleArn: timerEnv.TIMER_ROLE_ARN,
        deadLetterArn: timerEnv.TIMER_DLQ_ARN,
      },
    ]);
    expect(() => cloudDeps(env(), undefined, { timers: () => timers })).toThrow(/TIMER_TARGET_ARN/);
  });
});
