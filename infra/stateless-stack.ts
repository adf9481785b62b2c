import { ArnFormat, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnSchedule, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { deployedSpecs, type FunctionSpec } from '../functions/manifest.ts';
import type { SmsProviderConfig } from '../shared/domain/templates/provider-rules.ts';
import type { InfraConfig } from './config.ts';
import { AppFunction } from './constructs/app-function.ts';
import { ConsoleAuth } from './constructs/console-auth.ts';
import { BaoxueHttpApi } from './constructs/http-api.ts';
import { Operations, pascal } from './constructs/operations.ts';
import { SmsStatusLogs } from './constructs/sms-status-logs.ts';
import { WebConsole } from './constructs/web-console.ts';
import { scheduleId, validateFunctionSpecs } from './function-specs.ts';
import type { StatefulStack } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  config: InfraConfig;
  stateful: StatefulStack;
  /** The functions to deploy: the app passes `functionSpecs` from functions/manifest.ts, tests their own. */
  specs: readonly FunctionSpec[];
  /** The bureau's config, validated with the app's schema (parseConfig), serialised into APP_CONFIG. */
  appConfigJson: string;
  /** Absolute handler path of a function. */
  entryFor: (name: string) => string;
  projectRoot: string;
  /** The us-east-1 web ACL (edge-stack.ts) attached to the console's distribution; required with an http function. */
  webAclArn?: string;
}

/** Retry policy of the recurring sweeps: each is idempotent and the next run catches up anyway. */
export const SWEEP_RETRY = { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 };

/**
 * The functions and everything that triggers them: stream event source mappings, recurring schedules, the
 * role Scheduler assumes for the notice timers, and the operations alarms. Holds no data, so it can be torn
 * down and redeployed at will.
 *
 * The spec with an `{ kind: 'http' }` trigger is exposed through the HTTP API (JWT authorizer on the stateful
 * stack's user pool) and the web console on CloudFront (`wireHttpApi`).
 */
export class StatelessStack extends Stack {
  readonly functions = new Map<string, AppFunction>();
  readonly timerRole?: Role;
  readonly operations: Operations;
  readonly httpApi?: BaoxueHttpApi;
  readonly webConsole?: WebConsole;
  readonly consoleAuth?: ConsoleAuth;
  /** The SNS delivery-status logs and their subscription, when a deployed function has a log-subscription trigger. */
  readonly smsStatusLogs?: SmsStatusLogs;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    validateFunctionSpecs(props.specs);
    const { stateful, config } = props;
    // The provider was validated with the whole config (and every template checked against it) at synth.
    const parsedConfig = JSON.parse(props.appConfigJson) as {
      sms: { provider: SmsProviderConfig };
      rosters?: { idKeyParameter?: string };
    };
    const smsProvider = parsedConfig.sms.provider;
    const idKeyParameter = parsedConfig.rosters?.idKeyParameter;
    // A function meant for other SMS providers only (the Tencent receipt pull) is not deployed on this stage.
    const specs = deployedSpecs(props.specs, smsProvider.kind);
    const table = stateful.table;

    const timerTargetSpec = specs.find((s) => s.triggers.some((t) => t.kind === 'timer-target'));
    // A timer target that also creates timers would need its own ARN in its env: a CloudFormation cycle.
    // Such a function gets a physical name derived from this stack (still unique per stage) instead.
    const selfTargeting = timerTargetSpec?.access.includes('scheduler') === true;
    const timerFunctionName = selfTargeting ? `${this.stackName}-${timerTargetSpec!.name}`.slice(0, 64) : undefined;

    for (const spec of specs) {
      const invokedAsync = spec.triggers.some(
        (t) => t.kind === 'schedule' || t.kind === 'timer-target' || t.kind === 'log-subscription',
      );
      const f = new AppFunction(this, pascal(spec.name), {
        spec,
        entry: props.entryFor(spec.name),
        projectRoot: props.projectRoot,
        stage: config.stage,
        table,
        appConfigJson: props.appConfigJson,
        logRetention: config.logRetentionDays as RetentionDays,
        logKey: stateful.key,
        asyncFailureQueue: invokedAsync ? stateful.dlq.asyncFailures : undefined,
        functionName: spec === timerTargetSpec ? timerFunctionName : undefined,
      });
      this.functions.set(spec.name, f);
      for (const access of new Set(spec.access)) {
        if (access === 'table-read') f.bindTableRead(table, stateful.key);
        else if (access === 'table-write')
          f.bindTableWrite(table, stateful.key, { auditAppend: spec.access.includes('audit-append') });
        else if (access === 'table-stream') f.bindTableStream(table);
        else if (access === 'sms') f.bindSms(smsProvider);
        else if (access === 'sms-receipts') f.bindSmsReceipts(smsProvider);
        else if (access === 'sms-webhook') f.bindSmsWebhook(smsProvider);
        else if (access === 'roll-id-key' && idKeyParameter) f.bindSecureParameter(idKeyParameter);
      }
    }

    if (timerTargetSpec) {
      const target = this.functions.get(timerTargetSpec.name)!;
      const targetArn = timerFunctionName
        ? this.formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: timerFunctionName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          })
        : target.functionArn;
      this.timerRole = this.schedulerRole(
        'TimerRole',
        targetArn,
        stateful.dlq.timers,
        'notice timers',
        stateful.timerGroup.scheduleGroupName,
      );
      for (const spec of specs.filter((s) => s.access.includes('scheduler'))) {
        this.functions.get(spec.name)!.bindScheduler({
          groupName: stateful.timerGroup.scheduleGroupName,
          targetArn,
          role: this.timerRole,
          deadLetterQueue: stateful.dlq.timers,
        });
      }
    }

    for (const spec of specs) {
      const f = this.functions.get(spec.name)!;
      spec.triggers
        .filter((t) => t.kind === 'stream')
        .forEach((t, i) => {
          f.addStreamTrigger(table, t, stateful.dlq.streamFailures, i);
        });
    }

    this.wireSweeps(specs, stateful.dlq.sweeps);

    const logSubscribers = specs.flatMap((spec) =>
      spec.triggers.flatMap((t) => (t.kind === 'log-subscription' ? [[spec, t] as const] : [])),
    );
    if (logSubscribers.length > 1)
      throw new Error(`only one function may subscribe to the SMS status logs, got ${logSubscribers.length}`);
    for (const [spec, t] of logSubscribers) {
      (this as { smsStatusLogs?: SmsStatusLogs }).smsStatusLogs = new SmsStatusLogs(this, 'SmsDeliveryStatus', {
        stage: config.stage,
        logGroups: t.logGroups,
        target: this.functions.get(spec.name)!.fn,
        retention: config.logRetentionDays as RetentionDays,
        key: stateful.key,
      });
    }

    this.operations = new Operations(this, 'Operations', {
      config,
      functions: [...this.functions.values()],
      deadLetterQueues: {
        StreamFailures: stateful.dlq.streamFailures,
        Timers: stateful.dlq.timers,
        Sweeps: stateful.dlq.sweeps,
        AsyncFailures: stateful.dlq.asyncFailures,
      },
      timerGroup: stateful.timerGroup,
    });
    // After Operations: the API's alarms notify its operators topic.
    this.wireHttpApi(specs, props);
  }

  /**
   * A role EventBridge Scheduler assumes to invoke exactly one function: lambda:InvokeFunction on that
   * function's ARN (not its versions), sqs:SendMessage on the schedule's DLQ, trusted only for schedules of one
   * group in this account.
   */
  private schedulerRole(id: string, functionArn: string, dlq: IQueue, purpose: string, groupName: string): Role {
    // Confused-deputy guard: only schedules of this account AND of this group may use the role
    // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
    const groupArn = this.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: groupName });
    const role = new Role(this, id, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnEquals: { 'aws:SourceArn': groupArn },
        },
      }),
      description: `EventBridge Scheduler invokes ${purpose}`,
    });
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [functionArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }));
    return role;
  }

  /** Recurring sweeps: cron in Asia/Shanghai, in a group of their own so timer-managing code cannot touch them. */
  private wireSweeps(specs: readonly FunctionSpec[], dlq: IQueue): void {
    const scheduled = specs.filter((s) => s.triggers.some((t) => t.kind === 'schedule'));
    if (scheduled.length === 0) return;
    const group = new ScheduleGroup(this, 'SweepGroup', { removalPolicy: RemovalPolicy.DESTROY });
    for (const spec of scheduled) {
      const f = this.functions.get(spec.name)!;
      const role: IRole = this.schedulerRole(
        `${pascal(spec.name)}SweepRole`,
        f.functionArn,
        dlq,
        spec.name,
        group.scheduleGroupName,
      );
      spec.triggers
        .filter((t) => t.kind === 'schedule')
        .forEach((t, i) => {
          const id = scheduleId(spec, i);
          new CfnSchedule(this, `${pascal(spec.name)}Schedule${i + 1}`, {
            groupName: group.scheduleGroupName,
            description: t.description.slice(0, 512),
            scheduleExpression: `cron(${t.cron})`,
            scheduleExpressionTimezone: t.timezone,
            flexibleTimeWindow: { mode: 'OFF' },
            state: 'ENABLED',
            target: {
              arn: f.functionArn,
              roleArn: role.roleArn,
              // Same shape as the local scheduler emulator's ScheduledEvent; Scheduler fills in the time.
              input: JSON.stringify({
                source: 'baoxue.scheduler',
                schedule: id,
                scheduledTime: '<aws.scheduler.scheduled-time>',
                ...(t.task ? { task: t.task } : {}),
              }),
              retryPolicy: SWEEP_RETRY,
              deadLetterConfig: { arn: dlq.queueArn },
            },
          });
        });
    }
  }

  /**
   * The HTTP API for the one spec with an 'http' trigger, the console on CloudFront that calls it on its own
   * origin, and the console's Cognito sign-in (domain + app client). Creation order follows the references:
   * API -> distribution (its /api/* origin) -> app client (callback = the console URL) -> the API's JWT route
   * (audience = the client) -> the console's config.json. Outputs what an operator needs.
   */
  private wireHttpApi(specs: readonly FunctionSpec[], props: StatelessStackProps): void {
    const httpSpecs = specs.filter((s) => s.triggers.some((t) => t.kind === 'http'));
    if (httpSpecs.length === 0) return;
    if (httpSpecs.length > 1) {
      throw new Error(`only one function may have an http trigger, got ${httpSpecs.map((s) => s.name).join(', ')}`);
    }
    const { config, stateful } = props;
    if (!props.webAclArn) throw new Error('the console needs the CloudFront web ACL (webAclArn, infra/edge-stack.ts)');
    const webAclArn = props.webAclArn;
    const api = new BaoxueHttpApi(this, 'HttpApi', {
      stage: config.stage,
      handler: this.functions.get(httpSpecs[0]!.name)!.fn,
      logRetention: config.logRetentionDays as RetentionDays,
      alarmTopic: this.operations.topic,
      serverErrorThreshold: config.errorAlarmThreshold,
    });
    const web = new WebConsole(this, 'WebConsole', {
      stage: config.stage,
      webDir: `${props.projectRoot}/web`,
      api: api.api,
      webAclArn,
    });
    const auth = new ConsoleAuth(this, 'ConsoleAuth', {
      stage: config.stage,
      userPool: stateful.userPool,
      consoleUrl: web.url,
      domainPrefix: config.authDomainPrefix ?? `baoxue-${config.stage}-${this.account}`,
    });
    api.addProxyRoute(auth.issuer, auth.client.userPoolClientId);
    // Providers' pushes: routes without the JWT authorizer (each handler checks its caller's shared secret).
    for (const spec of specs)
      for (const t of spec.triggers)
        if (t.kind === 'webhook') api.addWebhookRoute(t.path, this.functions.get(spec.name)!.fn, spec.name);
    web.deploy({
      auth: 'cognito',
      region: this.region,
      userPoolId: stateful.userPool.userPoolId,
      clientId: auth.client.userPoolClientId,
      domain: auth.domainUrl,
      redirectUri: web.url,
    });
    (this as { httpApi?: BaoxueHttpApi }).httpApi = api;
    (this as { webConsole?: WebConsole }).webConsole = web;
    (this as { consoleAuth?: ConsoleAuth }).consoleAuth = auth;
    new CfnOutput(this, 'ConsoleUrl', {
      value: web.url,
      description: 'Web console (CloudFront); /api/* goes to the HTTP API',
    });
    new CfnOutput(this, 'ApiUrl', { value: api.api.apiEndpoint, description: 'HTTP API (routes under /api)' });
    new CfnOutput(this, 'UserPoolId', { value: stateful.userPool.userPoolId, description: 'Cognito user pool' });
    new CfnOutput(this, 'UserPoolClientId', { value: auth.client.userPoolClientId, description: 'Console app client' });
    new CfnOutput(this, 'SignInDomain', { value: auth.domainUrl, description: 'Cognito managed login domain' });
  }
}
