import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod/mini';
import { createDocumentClient } from '../shared/adapters/dynamo/client.ts';
import { emfMetrics } from '../shared/adapters/emf-metrics.ts';
import { powertoolsLog } from '../shared/adapters/logger.ts';
import type { TimerTarget } from '../shared/adapters/scheduler/eventbridge-timer-scheduler.ts';
import type { AppConfig } from '../shared/config/app-config.ts';
import { DEFAULT_HOLIDAYS_DIR, loadHolidayYears } from '../shared/config/holiday-files.ts';
import { parseConfig, withHolidayYears, withSmsTemplates } from '../shared/config/load-config.ts';
import { fromZodIssues } from '../shared/domain/errors.ts';
import { newId } from '../shared/domain/ids.ts';
import { CHINESE_DAYS_JSON } from '../shared/domain/national-calendar.ts';
import type { ReceiptSource, SmsSender, TimerScheduler } from '../shared/domain/ports.ts';
import { systemClock } from '../shared/domain/time.ts';
import type { Deps } from './deps.ts';

/**
 * The AWS clients beyond DynamoDB that a function's manifest access names, passed by its `handler.ts`
 * (`cloud-sms.ts` for 'sms', `cloud-timers.ts` for 'scheduler'), so a function's bundle carries only the SDK
 * clients it may use (test/unit/composition.test.ts ties the two together).
 */
export interface CloudClients {
  sms?: (config: AppConfig) => SmsSender;
  receipts?: (config: AppConfig) => ReceiptSource;
  hookToken?: (config: AppConfig) => () => Promise<string>;
  timers?: (target: TimerTarget) => TimerScheduler;
}

/** Env every function gets from the stack; no silent defaults for resource names. */
const envSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  APP_CONFIG: z.string().check(z.minLength(2)),
  POWERTOOLS_SERVICE_NAME: z.string().check(z.minLength(1)),
  POWERTOOLS_METRICS_NAMESPACE: z._default(z.string().check(z.minLength(1)), 'Baoxue'),
  SCHEDULE_GROUP: z.optional(z.string()),
  TIMER_TARGET_ARN: z.optional(z.string()),
  TIMER_ROLE_ARN: z.optional(z.string()),
  TIMER_DLQ_ARN: z.optional(z.string()),
});

/** Builds the cloud dependencies once per container; throws naming the missing env var. */
export function cloudDeps(env: NodeJS.ProcessEnv = process.env, logger?: Logger, clients: CloudClients = {}): Deps {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues, 'env');
  const e = parsed.data;
  // The national-calendar year files travel in the function asset (`holidays/`, copied at bundling), not in env.
  const holidays = env.LAMBDA_TASK_ROOT
    ? loadHolidayYears(join(env.LAMBDA_TASK_ROOT, 'holidays'), { required: true })
    : loadHolidayYears(DEFAULT_HOLIDAYS_DIR);
  // chinese-days' data is read from the asset too, but only on the first year without a file: its absence is
  // refused here, at init, rather than on that day.
  if (env.LAMBDA_TASK_ROOT && !existsSync(join(env.LAMBDA_TASK_ROOT, 'node_modules', CHINESE_DAYS_JSON)))
    throw new Error(`national calendar data missing: ${join(env.LAMBDA_TASK_ROOT, 'node_modules', CHINESE_DAYS_JSON)}`);
  const templatesFile = env.LAMBDA_TASK_ROOT ? join(env.LAMBDA_TASK_ROOT, 'sms-templates.json') : undefined;
  const smsTemplates = templatesFile && existsSync(templatesFile) ? readFileSync(templatesFile, 'utf8') : undefined;
  const config = parseConfig(withSmsTemplates(withHolidayYears(JSON.parse(e.APP_CONFIG), holidays), smsTemplates));
  const timersConfigured = e.SCHEDULE_GROUP && e.TIMER_TARGET_ARN && e.TIMER_ROLE_ARN && e.TIMER_DLQ_ARN;
  if (clients.timers && !timersConfigured) {
    throw new Error(
      'this function uses notice timers but SCHEDULE_GROUP, TIMER_TARGET_ARN, TIMER_ROLE_ARN or TIMER_DLQ_ARN is not set',
    );
  }
  return {
    doc: createDocumentClient(),
    tableName: e.TABLE_NAME,
    sms: clients.sms ? clients.sms(config) : unavailableSms,
    ...(clients.receipts ? { receipts: clients.receipts(config) } : {}),
    ...(clients.hookToken ? { hookToken: clients.hookToken(config) } : {}),
    timers:
      clients.timers && timersConfigured
        ? clients.timers({
            groupName: e.SCHEDULE_GROUP!,
            targetArn: e.TIMER_TARGET_ARN!,
            roleArn: e.TIMER_ROLE_ARN!,
            deadLetterArn: e.TIMER_DLQ_ARN!,
          })
        : unavailableTimers,
    clock: systemClock,
    newId,
    log: powertoolsLog(logger ?? new Logger({ serviceName: e.POWERTOOLS_SERVICE_NAME })),
    metrics: emfMetrics(e.POWERTOOLS_METRICS_NAMESPACE, e.POWERTOOLS_SERVICE_NAME),
    config,
  };
}

/** A function without sms access fails loudly if it ever tries to send. */
const unavailableSms: Deps['sms'] = {
  send: () => Promise.reject(new Error('this function has no sms access (its handler passes no SMS client)')),
};

/** A function without scheduler access fails loudly if it ever tries to use timers. */
const unavailableTimers: Deps['timers'] = {
  createAt: () => Promise.reject(new Error('this function has no scheduler access (SCHEDULE_GROUP etc. not set)')),
  delete: () => Promise.reject(new Error('this function has no scheduler access (SCHEDULE_GROUP etc. not set)')),
  exists: () => Promise.reject(new Error('this function has no scheduler access (SCHEDULE_GROUP etc. not set)')),
  scheduledAt: () => Promise.reject(new Error('this function has no scheduler access (SCHEDULE_GROUP etc. not set)')),
  moveTo: () => Promise.reject(new Error('this function has no scheduler access (SCHEDULE_GROUP etc. not set)')),
};
