import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, EventSourceMapping, Runtime, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionSpec, Trigger } from '../../functions/manifest.ts';
import { AUDIT_KEY_PREFIX } from '../../shared/adapters/dynamo/audit.ts';
import { GLOBAL_INDEXES } from '../../shared/adapters/dynamo/table-definition.ts';
import { splitSmsTemplates } from '../../shared/config/load-config.ts';
import type { SmsProviderConfig } from '../../shared/domain/templates/provider-rules.ts';
import { METRIC_NAMESPACE, serviceName } from '../../shared/observability/metrics.ts';
import {
  assetFileCommands,
  BUNDLE,
  lazyChunkCommands,
  lazyChunksOf,
  lazyPackagesOf,
  NODE_OPTIONS,
} from '../bundling.ts';
import type { Stage } from '../config.ts';
import { suppress } from '../nag.ts';

type StreamTrigger = Extract<Trigger, { kind: 'stream' }>;

/** What no function may do to an audit item (partition key AUDIT#…), whatever else it is granted. */
export const AUDIT_DENIED_ACTIONS = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

/** Lambda's limit on all environment variables of a function together. */
const ENV_LIMIT_BYTES = 4096;
/** Room kept for resource names and ARNs, which are tokens at synth and resolve at deploy. */
const ENV_TOKEN_ALLOWANCE = 1200;

export interface AppFunctionProps {
  spec: FunctionSpec;
  /** Absolute path of the handler module (`functions/<name>/handler.ts`). */
  entry: string;
  /** Repository root: where package-lock.json and tsconfig.json live. */
  projectRoot: string;
  stage: Stage;
  /** Every function gets TABLE_NAME (cloudDeps validates it); access comes only from the bindings. */
  table: ITableV2;
  /** The bureau's config, already validated with the app's schema, as JSON. */
  appConfigJson: string;
  logRetention: RetentionDays;
  /** The project's data key: the function's log group is encrypted with it. */
  logKey: IKey;
  /** Where asynchronous invocations (Scheduler → Lambda) go after Lambda's own retries; set for async targets. */
  asyncFailureQueue?: IQueue;
  /** Physical name, only when the function must know its own ARN before it exists (see stateless-stack). */
  functionName?: string;
}

/** What a function needs to create and delete the one-time notice timers. */
export interface TimerBinding {
  groupName: string;
  targetArn: string;
  /** The role Scheduler assumes to invoke the target; the only role the function may pass. */
  role: IRole;
  deadLetterQueue: IQueue;
}

/**
 * One Lambda function with the defaults every baoxue function shares: Node.js 22 on arm64, an ESM bundle with
 * lazy chunks and a source map (infra/bundling.ts), X-Ray tracing, its own log group with retention, a role with no managed policies, and env from
 * the validated config. The `bind*` helpers grant access and set the matching env var in one call, so a
 * permission and the variable that uses it cannot drift apart.
 */
export class AppFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly spec: FunctionSpec;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.spec = props.spec;
    const { env: appConfigEnv, templates: smsTemplates } = splitSmsTemplates(props.appConfigJson);
    const configBytes = Buffer.byteLength(appConfigEnv);
    if (configBytes + ENV_TOKEN_ALLOWANCE > ENV_LIMIT_BYTES) {
      throw new Error(
        `APP_CONFIG is ${configBytes} bytes: with resource names it would pass Lambda's ${ENV_LIMIT_BYTES}-byte env ` +
          'limit. Shrink config/lipu.json or move the config to SSM Parameter Store / S3.',
      );
    }
    const production = props.stage === 'prod';
    const lazy = lazyChunksOf(props.spec.name);

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `baoxue ${props.spec.name}`,
    });
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logKey,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Only its own log group; no AWSLambdaBasicExecutionRole (which allows every log group in the account).
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      functionName: props.functionName,
      description: props.spec.description.slice(0, 256),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.spec.memoryMb,
      timeout: Duration.seconds(props.spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      awsSdkConnectionReuse: false,
      environment: {
        TABLE_NAME: props.table.tableName,
        APP_CONFIG: appConfigEnv,
        POWERTOOLS_SERVICE_NAME: serviceName(props.stage),
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
      },
      // infra/bundling.ts: the same options bench/scale.ts measures.
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE.target,
        mainFields: [...BUNDLE.mainFields],
        minify: BUNDLE.minify,
        sourceMap: BUNDLE.sourceMap,
        sourcesContent: false,
        // Bundle everything, including the pinned AWS SDK, rather than trusting the runtime's copy; the lazy chunks
        // stay dynamic imports and are bundled on their own below.
        externalModules: lazyPackagesOf(props.spec.name),
        banner: BUNDLE.banner,
        // The national-calendar year files and chinese-days' data ride in the asset (infra/bundling.ts).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            ...assetFileCommands(inputDir, outputDir),
            ...lazy.flatMap((c) => lazyChunkCommands(c, inputDir, outputDir)),
            // The provider's template codes (ASCII keys and codes; base64 keeps the shell out of the JSON).
            ...(smsTemplates
              ? [`echo ${Buffer.from(smsTemplates).toString('base64')} | base64 -d > "${outputDir}/sms-templates.json"`]
              : []),
          ],
        },
      },
      ...(props.asyncFailureQueue
        ? { onFailure: new SqsDestination(props.asyncFailureQueue), retryAttempts: 2, maxEventAge: Duration.hours(6) }
        : {}),
    });

    suppress(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (AWS service ' +
        'authorization reference); further `*` statements of this role are explained by their binding below.',
    );
    suppress(
      this.fn,
      'AwsSolutions-L1',
      'Node.js 22 is pinned on purpose: the toolchain (docs/deploy.md) keeps code runnable on the ' +
        'build machine (Node 20) and Lambda nodejs22.x; move to nodejs24.x together with the toolchain.',
    );
  }

  get functionArn(): string {
    return this.fn.functionArn;
  }

  /**
   * Read items and query the table's secondary indexes, named one by one (no `index/*`), plus kms:Decrypt on
   * the table key.
   */
  bindTableRead(table: ITableV2, key: IKey): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
        resources: [table.tableArn, ...GLOBAL_INDEXES.map((i) => `${table.tableArn}/index/${i.name}`)],
      }),
    );
    key.grantDecrypt(this.role);
  }

  /**
   * Put/update/delete items, conditional and transactional writes included: the table only, no index. The audit
   * trail is append-only for every function: an explicit Deny (which no Allow overrides) on UpdateItem, DeleteItem,
   * BatchWriteItem and PartiQL writes whose partition key starts with AUDIT#; PutItem there too unless
   * `auditAppend`. Transactions are covered: their Update/Delete/Put are authorised as UpdateItem/DeleteItem/PutItem.
   * What IAM cannot say: "PutItem only if the item does not exist" (no condition key carries the
   * ConditionExpression); the one appender (the api) writes with `attribute_not_exists` (docs/api.md).
   */
  bindTableWrite(table: ITableV2, key: IKey, options: { auditAppend?: boolean } = {}): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
        ],
        resources: [table.tableArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AuditTrailIsAppendOnly',
        effect: Effect.DENY,
        actions: [...(options.auditAppend ? [] : ['dynamodb:PutItem']), ...AUDIT_DENIED_ACTIONS],
        resources: [table.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${AUDIT_KEY_PREFIX}*`] } },
      }),
    );
    key.grantEncryptDecrypt(this.role);
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      suppress(
        this.role,
        `AwsSolutions-IAM5[Action::${action}]`,
        'CDK’s encrypt/decrypt grant on the table’s customer-managed key, which DynamoDB uses on the caller’s ' +
          'behalf when items are written; the resource is that one key.',
      );
    }
  }

  /** Read the table's stream (needed by stream event source mappings). */
  bindTableStream(table: ITableV2): void {
    table.grantStreamRead(this.role);
  }

  /**
   * Send SMS with SNS Publish to a phone number. A PhoneNumber publish has no resource ARN, so the Allow must
   * be `*`; the Deny on every SNS ARN keeps this role from publishing to topics or push endpoints.
   */
  bindSms(provider: SmsProviderConfig = { kind: 'sns' }): void {
    if (provider.kind !== 'sns') {
      this.bindSmsProviderSecret(provider.secretParameter);
      return;
    }
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['sns:Publish'],
        resources: [`arn:${Stack.of(this).partition}:sns:*:*:*`],
      }),
    );
    suppress(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'sns:Publish to a phone number (SMS) has no resource ARN; an explicit Deny on arn:<partition>:sns:*:*:* ' +
        'blocks publishing to any topic or endpoint, so this role can only send SMS.',
    );
  }

  /** Pull delivery receipts: the provider secret on a Tencent stage; SNS and Alibaba have nothing to pull (no grant). */
  bindSmsReceipts(provider: SmsProviderConfig = { kind: 'sns' }): void {
    if (provider.kind === 'tencent') this.bindSmsProviderSecret(provider.secretParameter);
  }

  /** Check a provider's push: the provider secret (its callbackToken); nothing on SNS. */
  bindSmsWebhook(provider: SmsProviderConfig = { kind: 'sns' }): void {
    if (provider.kind !== 'sns') this.bindSmsProviderSecret(provider.secretParameter);
  }

  /**
   * A template provider (Tencent, Alibaba) is called over HTTPS with credentials read from one SSM SecureString
   * (the AWS managed key aws/ssm decrypts it for principals of this account through SSM): GetParameter on that
   * parameter only; no sns:Publish. The value never appears in the template, the environment or a log.
   */
  private bindSmsProviderSecret(parameterName: string): void {
    this.bindSecureParameter(parameterName);
  }

  /** GetParameter on one SSM SecureString (aws/ssm decrypts it through SSM for this account's principals). */
  bindSecureParameter(parameterName: string): void {
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [
          stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.replace(/^\//, '') }),
        ],
      }),
    );
  }

  /** Create, read and delete one-time timers in the timer group, passing only the timer role. */
  bindScheduler(timers: TimerBinding): void {
    const stack = Stack.of(this);
    const schedules = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${timers.groupName}/*`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:GetSchedule',
          'scheduler:UpdateSchedule',
        ],
        resources: [schedules],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [timers.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    suppress(
      this.role,
      `AwsSolutions-IAM5[Resource::${nagTokenString(stack.resolve(schedules))}]`,
      'Timer schedules are created at run time with per-notice names; access is limited to schedules in the ' +
        'project’s own timer group.',
    );
    this.fn.addEnvironment('SCHEDULE_GROUP', timers.groupName);
    this.fn.addEnvironment('TIMER_TARGET_ARN', timers.targetArn);
    this.fn.addEnvironment('TIMER_ROLE_ARN', timers.role.roleArn);
    this.fn.addEnvironment('TIMER_DLQ_ARN', timers.deadLetterQueue.queueArn);
  }

  /**
   * Consume the table stream: the spec's FilterCriteria and batch size, partial batch responses, bisect on
   * error, bounded retries and record age, and an SQS on-failure destination.
   */
  addStreamTrigger(table: ITableV2, trigger: StreamTrigger, onFailure: IQueue, index: number): EventSourceMapping {
    if (!table.tableStreamArn) throw new Error(`function ${this.spec.name}: the table has no stream`);
    this.bindTableStream(table);
    return new EventSourceMapping(this, `Stream${index}`, {
      target: this.fn,
      eventSourceArn: table.tableStreamArn,
      // Records written before the mapping existed (up to 24 h) are processed too; consumers are idempotent.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: trigger.batchSize,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: trigger.maxRetries,
      maxRecordAge: Duration.seconds(trigger.maxRecordAgeSeconds),
      filters: trigger.filters.map((pattern) => ({ pattern: JSON.stringify(pattern) })),
      onFailure: new SqsDlq(onFailure),
    });
  }
}

/** How cdk-nag flattens a resolved CloudFormation reference inside a finding id (its flatten-cfn-reference). */
function nagTokenString(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  const r = node as Record<string, unknown>;
  if (r['Fn::Join']) {
    const [delimiter, items] = r['Fn::Join'] as [string, unknown[]];
    return items.map(nagTokenString).join(delimiter);
  }
  if (r['Fn::Sub']) return nagTokenString(r['Fn::Sub']);
  if (r['Fn::GetAtt']) {
    const [resource, attribute] = r['Fn::GetAtt'] as [unknown, unknown];
    return `<${nagTokenString(resource)}.${nagTokenString(attribute)}>`;
  }
  if (r['Fn::ImportValue']) return nagTokenString(r['Fn::ImportValue']);
  if (r.Ref) return `<${nagTokenString(r.Ref)}>`;
  return JSON.stringify(node);
}
