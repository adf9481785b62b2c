import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { createDocumentClient } from '../shared/adapters/dynamo/client.ts';
import { emfMetrics } from '../shared/adapters/emf-metrics.ts';
import { powertoolsLog } from '../shared/adapters/logger.ts';
import { EventBridgeTimerScheduler } from '../shared/adapters/scheduler/eventbridge-timer-scheduler.ts';
import { LazyProviderSender, ssmSecretSource } from '../shared/adapters/sms/provider-sender.ts';
import { SnsSmsSender } from '../shared/adapters/sms/sns-sms-sender.ts';
import { DEFAULT_HOLIDAYS_DIR, loadHolidayYears } from '../shared/config/holiday-files.ts';
import { parseConfig, withHolidayYears, withSmsTemplates } from '../shared/config/load-config.ts';
import { fromZodIssues } from '../shared/domain/errors.ts';
import { newId } from '../shared/domain/ids.ts';
import { systemClock } from '../shared/domain/time.ts';
import type { Deps } from './deps.ts';

/** One attempt per Publish: the dispatcher owns retries (see below). */
export const SNS_MAX_ATTEMPTS = 1;

/** Env every function gets from the stack; no silent defaults for resource names. */
const envSchema = z.object({
  TABLE_NAME: z.string().min(3),
  APP_CONFIG: z.string().min(2),
  POWERTOOLS_SERVICE_NAME: z.string().min(1),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).default('Baoxue'),
  SCHEDULE_GROUP: z.string().optional(),
  TIMER_TARGET_ARN: z.string().optional(),
  TIMER_ROLE_ARN: z.string().optional(),
  TIMER_DLQ_ARN: z.string().optional(),
});

/** Builds the cloud dependencies once per container; throws naming the missing env var. */
export function cloudDeps(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Deps {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues, 'env');
  const e = parsed.data;
  // The national-calendar year files travel in the function asset (`holidays/`, copied at bundling), not in env.
  const holidays = env.LAMBDA_TASK_ROOT
    ? loadHolidayYears(join(env.LAMBDA_TASK_ROOT, 'holidays'), { required: true })
    : loadHolidayYears(DEFAULT_HOLIDAYS_DIR);
  const templatesFile = env.LAMBDA_TASK_ROOT ? join(env.LAMBDA_TASK_ROOT, 'sms-templates.json') : undefined;
  const smsTemplates = templatesFile && existsSync(templatesFile) ? readFileSync(templatesFile, 'utf8') : undefined;
  const config = parseConfig(withSmsTemplates(withHolidayYears(JSON.parse(e.APP_CONFIG), holidays), smsTemplates));
  const timersConfigured = e.SCHEDULE_GROUP && e.TIMER_TARGET_ARN && e.TIMER_ROLE_ARN && e.TIMER_DLQ_ARN;
  return {
    doc: createDocumentClient(),
    tableName: e.TABLE_NAME,
    // No SDK-level retries for Publish: a retry after a socket timeout could deliver the SMS twice. The
    // dispatcher retries instead, with the message's claim guarding against a double send.
    sms:
      config.sms.provider.kind === 'sns'
        ? new SnsSmsSender(new SNSClient({ maxAttempts: SNS_MAX_ATTEMPTS }), config.sms.senderId)
        : // Tencent / Alibaba: credentials from the SSM SecureString the stack lets this function read, on first send.
          new LazyProviderSender(config.sms.provider, ssmSecretSource(new SSMClient({ maxAttempts: 3 })), systemClock),
    timers: timersConfigured
      ? new EventBridgeTimerScheduler(new SchedulerClient({}), {
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

/** A function without scheduler access fails loudly if it ever tries to use timers. */
const unavailableTimers: Deps['timers'] = {
  createAt: () => Promise.reject(new Error('this function has no scheduler access (SCHEDULE_GROUP etc. not set)')),
  delete: () => Promise.reject(new Error('this function has no scheduler access (SCHEDULE_GROUP etc. not set)')),
  exists: () => Promise.reject(new Error('this function has no scheduler access (SCHEDULE_GROUP etc. not set)')),
};
