import { AGGREGATED_ENTITIES } from '../shared/domain/aggregates.ts';

/**
 * What each Lambda function is and how it is triggered: read by the CDK stack (infra/) and by the local
 * runtime (local/), so the cloud and the local face cannot drift. Handlers live in
 * `functions/<name>/handler.ts` and export `handler`.
 */

/** A Lambda FilterCriteria pattern on a DynamoDB stream record (the real AWS syntax, e.g.
 * `{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['MSG'] } } } }`). The local poller
 * implements equality, `prefix`, `exists` and `anything-but` matching. */
export type StreamFilterPattern = Record<string, unknown>;

export type Trigger =
  | {
      kind: 'schedule';
      /** EventBridge Scheduler cron body, six fields: `cron(0 8 * * ? *)` → '0 8 * * ? *'. */
      cron: string;
      timezone: 'Asia/Shanghai';
      description: string;
      /**
       * Passed to the function as `task` in the scheduled event (cloud Input and local emulator alike), so one
       * function can do a different job on a second schedule. Absent: the function's main job.
       */
      task?: string;
    }
  | {
      kind: 'stream';
      filters: StreamFilterPattern[];
      batchSize: number;
      maxRetries: number;
      maxRecordAgeSeconds: number;
    }
  /** Invoked by one-time EventBridge Scheduler `at()` schedules (the notice timers). */
  | { kind: 'timer-target' }
  | { kind: 'http' }
  /** A route of the HTTP API without the JWT authorizer, for a provider's push (the handler checks its caller). */
  | { kind: 'webhook'; method: 'POST'; path: string }
  /**
   * A CloudWatch Logs subscription filter (all events) on each of these log groups, which the stack creates;
   * `{region}` and `{account}` stand for the stage's. Invoked asynchronously with the `awslogs` payload.
   */
  | { kind: 'log-subscription'; logGroups: readonly string[]; description: string };

/** SNS's SMS delivery-status log groups (fixed names chosen by SNS): delivered, and failed. */
export const SNS_SMS_STATUS_LOG_GROUPS = [
  'sns/{region}/{account}/DirectPublishToPhoneNumber',
  'sns/{region}/{account}/DirectPublishToPhoneNumber/Failure',
] as const;

/** A log-subscription trigger's group name for a stage: the placeholders filled in. */
export const logGroupName = (pattern: string, region: string, account: string) =>
  pattern.replaceAll('{region}', region).replaceAll('{account}', account);

/**
 * What a function may touch; the stack turns each into a least-privilege grant plus its env var. `audit-append`
 * (with `table-write`): may put new audit entries; no function may ever change or delete one.
 */
export type Access =
  | 'table-read'
  | 'table-write'
  | 'audit-append'
  | 'table-stream'
  | 'sms'
  /** Pull the provider's delivery receipts: the provider secret on a Tencent stage, nothing else (no Publish). */
  | 'sms-receipts'
  /** Check a provider's push: read the provider secret (its callbackToken), nothing else. */
  | 'sms-webhook'
  /** Read the ID-number hash key of rolls and 户籍 lists (the SSM parameter `rosters.idKeyParameter`), nothing else. */
  | 'roll-id-key'
  | 'scheduler';

export interface FunctionSpec {
  name: string;
  description: string;
  triggers: Trigger[];
  access: Access[];
  timeoutSeconds: number;
  memoryMb: number;
  /** Deployed (and run locally) only on a stage whose SMS provider is one of these; absent = every stage. */
  smsProviders?: readonly ('sns' | 'tencent' | 'aliyun')[];
}

/** The functions a stage runs: those meant for its SMS provider (the local sink counts as SNS). */
export const deployedSpecs = (specs: readonly FunctionSpec[], provider: 'sns' | 'tencent' | 'aliyun') =>
  specs.filter((s) => !s.smsProviders || s.smsProviders.includes(provider));

export const functionSpecs: FunctionSpec[] = [
  // --- report chasing and the outbox (R1) ---
  {
    name: 'open-reports',
    description: 'Opens the report slots (日报/周报/月报) owed today for every active school; idempotent',
    triggers: [{ kind: 'schedule', cron: '0 6 * * ? *', timezone: 'Asia/Shanghai', description: 'daily 06:00 CST' }],
    access: ['table-read', 'table-write'],
    timeoutSeconds: 300,
    memoryMb: 512,
  },
  {
    name: 'chase-reports',
    description: 'Advances the escalation ladder of late report slots by one level (sparse due index DUE#SLOT)',
    triggers: [
      { kind: 'schedule', cron: '0/15 * * * ? *', timezone: 'Asia/Shanghai', description: 'every 15 minutes' },
    ],
    access: ['table-read', 'table-write'],
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  {
    name: 'release-messages',
    description: 'Re-delivers due QUEUED outbox messages to the stream; flags SENDING ones past their timeout',
    triggers: [{ kind: 'schedule', cron: '0/5 * * * ? *', timezone: 'Asia/Shanghai', description: 'every 5 minutes' }],
    access: ['table-read', 'table-write'],
    timeoutSeconds: 60,
    memoryMb: 256,
  },
  {
    name: 'outbox-dispatcher',
    description:
      'Sends QUEUED outbox messages by SMS at most once per claim (claim, send, mark SENT); quiet hours for guardians',
    triggers: [
      {
        kind: 'stream',
        filters: [
          {
            eventName: ['INSERT', 'MODIFY'],
            dynamodb: { NewImage: { entity: { S: ['MSG'] }, status: { S: ['QUEUED'] } } },
          },
        ],
        batchSize: 10,
        maxRetries: 5,
        maxRecordAgeSeconds: 3600,
      },
    ],
    access: ['table-read', 'table-write', 'table-stream', 'sms'],
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  {
    name: 'sms-receipts',
    description:
      'Pulls the SMS provider delivery receipts (Tencent PullSmsSendStatus) onto the messages, each written once',
    triggers: [{ kind: 'schedule', cron: '0/5 * * * ? *', timezone: 'Asia/Shanghai', description: 'every 5 minutes' }],
    access: ['table-read', 'table-write', 'sms-receipts'],
    timeoutSeconds: 60,
    memoryMb: 256,
    // Only Tencent is pulled; Alibaba pushes (sms-receipt-hook); SNS writes delivery-status logs (sms-status-logs).
    smsProviders: ['tencent'],
  },
  {
    name: 'sms-receipt-hook',
    description: 'Alibaba SmsReport push: checks the shared token, writes each delivery receipt once',
    triggers: [{ kind: 'webhook', method: 'POST', path: '/hooks/sms/aliyun' }],
    access: ['table-read', 'table-write', 'sms-webhook'],
    timeoutSeconds: 15,
    memoryMb: 256,
    smsProviders: ['aliyun'],
  },
  {
    name: 'sms-status-logs',
    description:
      'SNS SMS delivery-status logs (CloudWatch Logs subscription): each SUCCESS/FAILURE written once onto its message by the SNS MessageId',
    triggers: [
      {
        kind: 'log-subscription',
        logGroups: SNS_SMS_STATUS_LOG_GROUPS,
        description: 'SNS writes one entry per SMS (all successes sampled, every failure)',
      },
    ],
    // Reads the MessageId lookup, writes the message's delivery record; nothing else (no SNS, no secret).
    access: ['table-read', 'table-write'],
    timeoutSeconds: 30,
    memoryMb: 256,
    smsProviders: ['sns'],
  },
  // --- cases and the notice timer (R2–R5) ---
  {
    name: 'case-reactor',
    description:
      'Stream reactions: the one-week timer of a notice (create, move on receipt, delete when resolved) and the statistics aggregates of every slot, case, notice, visit and campaign change',
    triggers: [
      {
        kind: 'stream',
        filters: [
          { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['NOTICE'] }, status: { S: ['pending'] } } } },
          {
            eventName: ['MODIFY'],
            dynamodb: {
              OldImage: { status: { S: ['pending'] } },
              NewImage: { entity: { S: ['NOTICE'] }, status: { S: ['pending', 'complied', 'withdrawn', 'lapsed'] } },
            },
          },
          // The aggregates (statistics, digests, late-slot gauge): every change of the items they count.
          { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: [...AGGREGATED_ENTITIES] } } } },
          { eventName: ['REMOVE'], dynamodb: { OldImage: { entity: { S: [...AGGREGATED_ENTITIES] } } } },
        ],
        batchSize: 10,
        maxRetries: 10,
        maxRecordAgeSeconds: 86_400,
      },
    ],
    // table-write: a notice whose deadline already passed is processed in place (escalation enqueued).
    access: ['table-read', 'table-write', 'table-stream', 'scheduler'],
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  {
    name: 'notice-deadline',
    description: 'Timer target: a notice week is over; lapse the case and enqueue the escalation SMS',
    triggers: [{ kind: 'timer-target' }],
    access: ['table-read', 'table-write'],
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  {
    name: 'reconcile',
    description:
      'Daily: missed notice deadlines, notice timers, receipt reminders, open-case gauge; hourly: late report slots; every 15 min: lapsed-notice re-escalation',
    triggers: [
      {
        kind: 'schedule',
        cron: '30 7 * * ? *',
        timezone: 'Asia/Shanghai',
        description: '07:30 CST daily, before the office opens',
      },
      {
        kind: 'schedule',
        cron: '0 8-18 * * ? *',
        timezone: 'Asia/Shanghai',
        description: 'hourly 08:00-18:00 CST: the OpenLateSlots gauge (one owner-index Query per school)',
        task: 'late-slots',
      },
      {
        kind: 'schedule',
        cron: '0/15 8-18 * * ? *',
        timezone: 'Asia/Shanghai',
        description:
          'every 15 minutes 08:00-18:59 CST: re-escalate unacknowledged lapsed notices, check township orders',
        task: 'escalations',
      },
    ],
    access: ['table-read', 'table-write', 'scheduler'],
    timeoutSeconds: 300,
    memoryMb: 256,
  },
  // --- follow-up, 大家访 campaigns, digests (R6–R8) ---
  {
    name: 'followup-sweep',
    description: 'Reminders and escalations of follow-up/送教上门 visits and 大家访 campaigns (R6, R7)',
    triggers: [
      {
        kind: 'schedule',
        cron: '5 7-21 * * ? *',
        timezone: 'Asia/Shanghai',
        description:
          'hourly from 07:05 to 21:05 CST: reminders at 08:00/09:00 and escalations at 09:00 go out within the hour',
      },
    ],
    access: ['table-read', 'table-write'],
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  {
    name: 'digests',
    description: 'Weekly counts digest to 包片领导/包乡镇人员 and monthly township reports (R8)',
    triggers: [
      {
        kind: 'schedule',
        cron: '0 8 * * ? *',
        timezone: 'Asia/Shanghai',
        description: 'daily 08:00 CST: the first run after a week/month ends sends it, later runs skip (idempotent)',
      },
    ],
    access: ['table-read', 'table-write'],
    timeoutSeconds: 300,
    memoryMb: 512,
  },
  {
    name: 'api',
    description:
      'HTTP API (API Gateway HTTP API, JWT authorizer on Cognito): reports, cases, notices, boards (docs/api.md)',
    triggers: [{ kind: 'http' }],
    access: ['table-read', 'table-write', 'audit-append', 'roll-id-key'],
    timeoutSeconds: 15,
    memoryMb: 512,
  },
];

/** Entry file of a function, relative to the repository root. */
export const entryOf = (name: string) => `functions/${name}/handler.ts`;
