import * as z from 'zod';

/** Log retention values CloudWatch Logs accepts (days). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const count = (min: number) => z.coerce.number().int().min(min);

/**
 * Deployment settings from cdk context (`-c key=value` or cdk.json "context"). Values from the command line
 * arrive as strings, so numbers are coerced. Defaults depend on the stage; prod keeps logs longer and allows a
 * bigger SMS budget. Every bad key fails synth with its name.
 */
const contextSchema = z.object({
  stage: z.enum(['dev', 'prod']),
  /** Region to deploy to; SNS must support SMS there (see docs/deploy.md). */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code such as ap-southeast-1'),
  /** Optional target account; unset keeps the stacks account-agnostic (the CLI's credentials decide). */
  account: z
    .string()
    .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
    .optional(),
  logRetentionDays: z.coerce
    .number()
    .refine((d) => RETENTION_DAYS.includes(d), `must be one of ${RETENTION_DAYS.join(', ')}`),
  /** Alarm when SNS SMS month-to-date spend reaches this many USD (keep it below the account's spend limit). */
  smsSpendAlarmUsd: z.coerce.number().positive(),
  /** Alarm when a dead-letter queue holds at least this many messages. */
  dlqAlarmDepth: count(1),
  /** Alarm when a function reports at least this many errors in 5 minutes. */
  errorAlarmThreshold: count(1),
  /** Alarm when a function is throttled at least this many times in 5 minutes. */
  throttleAlarmThreshold: count(1),
  /** Alarm when at least this many SMS fail in 15 minutes. */
  smsFailedAlarmThreshold: count(1),
  /** Optional e-mail address subscribed to the operators topic (confirm the subscription mail once). */
  operatorEmail: z.email().optional(),
  /**
   * Prefix of the console's Cognito sign-in domain `<prefix>.auth.<region>.amazoncognito.com`. Globally unique;
   * unset = `baoxue-<stage>-<account id>`. Lowercase letters, digits and hyphens; Cognito refuses `aws`,
   * `amazon` and `cognito` in it.
   */
  authDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'expected lowercase letters, digits and hyphens (1-63)')
    .refine((p) => !/aws|amazon|cognito/.test(p), 'must not contain aws, amazon or cognito')
    .optional(),
});

export type InfraConfig = z.infer<typeof contextSchema>;
export type Stage = InfraConfig['stage'];

const STAGE_DEFAULTS: Record<Stage, Omit<InfraConfig, 'stage' | 'account' | 'operatorEmail' | 'authDomainPrefix'>> = {
  dev: {
    region: 'ap-southeast-1',
    logRetentionDays: 14,
    smsSpendAlarmUsd: 5,
    dlqAlarmDepth: 1,
    errorAlarmThreshold: 1,
    throttleAlarmThreshold: 1,
    smsFailedAlarmThreshold: 5,
  },
  prod: {
    region: 'ap-southeast-1',
    logRetentionDays: 365,
    // Above the county's expected SMS spend (docs/deploy.md, ≈ US$126), below the limit to request.
    smsSpendAlarmUsd: 150,
    dlqAlarmDepth: 1,
    errorAlarmThreshold: 1,
    throttleAlarmThreshold: 1,
    smsFailedAlarmThreshold: 5,
  },
};

export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as (keyof InfraConfig)[];

/** Thrown when cdk context is invalid; the message names each bad key. */
export class InfraConfigError extends Error {
  override name = 'InfraConfigError';
}

/**
 * Reads and validates the deployment settings. `lookup` is `app.node.tryGetContext` (or a plain object's getter
 * in tests); missing values take the stage's defaults.
 */
export function readInfraConfig(lookup: (key: string) => unknown): InfraConfig {
  const stageResult = contextSchema.shape.stage.safeParse(lookup('stage') ?? 'dev');
  if (!stageResult.success) {
    throw new InfraConfigError(
      `invalid cdk context 'stage': expected dev or prod, got ${JSON.stringify(lookup('stage'))}`,
    );
  }
  const raw: Record<string, unknown> = { ...STAGE_DEFAULTS[stageResult.data], stage: stageResult.data };
  for (const key of CONTEXT_KEYS) {
    const value = lookup(key);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `'${i.path.join('.')}': ${i.message}`);
    throw new InfraConfigError(`invalid cdk context ${lines.join('; ')}`);
  }
  return result.data;
}
