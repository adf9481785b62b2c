import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccountRecovery, FeaturePlan, Mfa, StringAttribute, UserPool } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { GLOBAL_INDEXES, TABLE } from '../shared/adapters/dynamo/table-definition.ts';
import type { Stage } from './config.ts';
import { suppress } from './nag.ts';

export interface StatefulStackProps extends StackProps {
  stage: Stage;
}

/** Dead-letter queues, one per kind of failure so an operator knows where to look. */
export interface DeadLetterQueues {
  /** On-failure destination of every stream event source mapping (records carry the function ARN). */
  streamFailures: Queue;
  /** DLQ of the one-time notice timers (the `at()` schedules functions create at run time). */
  timers: Queue;
  /** DLQ of the recurring cron schedules (the sweeps). */
  sweeps: Queue;
  /** On-failure destination of asynchronous invocations (what Scheduler starts) after Lambda's own retries. */
  asyncFailures: Queue;
}

/**
 * What holds data: the table and its key, the dead-letter queues and the timer schedule group. Kept apart
 * from the stateless stack so functions can be replaced freely; prod retains data and protects the table.
 */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly key: Key;
  readonly dlq: DeadLetterQueues;
  /** Group of the one-time notice timers; functions with 'scheduler' access may only touch schedules in it. */
  readonly timerGroup: ScheduleGroup;
  /** The officials' accounts; the API reads their custom attributes from the ID/access token claims. */
  readonly userPool: UserPool;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const production = props.stage === 'prod';
    const dataPolicy = production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new Key(this, 'DataKey', {
      enableKeyRotation: true,
      description: 'baoxue data at rest',
      removalPolicy: dataPolicy,
    });
    // Function logs carry case ids and masked names: encrypted with the same key as the data. CloudWatch Logs uses
    // the key as its regional service principal, scoped by the aws:logs:arn encryption context (AWS's documented
    // key policy). The scope is this account's log groups in this region: CloudFormation documents no naming
    // pattern for unnamed log groups, so a narrower ARN could fail the deployment.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'FunctionLogGroups',
        principals: [new ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': this.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(this.key),
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: production,
      removalPolicy: dataPolicy,
      globalSecondaryIndexes: GLOBAL_INDEXES.map((i) => ({
        indexName: i.name,
        partitionKey: { name: i.partitionKey, type: AttributeType.STRING },
        sortKey: { name: i.sortKey, type: AttributeType.STRING },
      })),
    });

    const queue = (name: string) => {
      const q = new Queue(this, name, {
        // SSE-SQS: Lambda destinations and Scheduler can send without extra KMS grants; entries hold ids and
        // event metadata (stream failure records carry shard positions, not item images).
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy: dataPolicy,
      });
      suppress(q, 'AwsSolutions-SQS3', 'This queue IS a dead-letter queue (Lambda/Scheduler failure destination).');
      return q;
    };
    this.dlq = {
      streamFailures: queue('StreamFailureQueue'),
      timers: queue('TimerDeadLetterQueue'),
      sweeps: queue('SweepDeadLetterQueue'),
      asyncFailures: queue('AsyncFailureQueue'),
    };

    // Generated name (includes the stack name), so dev and prod fit one account.
    this.timerGroup = new ScheduleGroup(this, 'TimerGroup', { removalPolicy: dataPolicy });

    this.userPool = new UserPool(this, 'UserPool', {
      // The bureau creates every account (docs/deploy.md); nobody signs themselves up.
      selfSignUpEnabled: false,
      // Essentials: managed login (zh-CN, TOTP set-up) without the per-user price of Plus (docs/deploy.md).
      featurePlan: FeaturePlan.ESSENTIALS,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // TOTP only: SMS MFA would need an SNS role and spend the SMS budget.
      mfa: production ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.NONE,
      customAttributes: {
        // What functions/api/claims.ts reads. personId never changes; role and scope can be reassigned.
        personId: new StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
        role: new StringAttribute({ minLen: 1, maxLen: 32, mutable: true }),
        schoolId: new StringAttribute({ maxLen: 64, mutable: true }),
        townshipId: new StringAttribute({ maxLen: 64, mutable: true }),
        areaId: new StringAttribute({ maxLen: 64, mutable: true }),
      },
      deletionProtection: production,
      removalPolicy: dataPolicy,
    });
    if (!production) {
      suppress(
        this.userPool,
        'AwsSolutions-COG2',
        'dev stage: TOTP MFA is optional so test accounts can be scripted; prod requires it (Mfa.REQUIRED).',
      );
    }
    suppress(
      this.userPool,
      'AwsSolutions-COG8',
      'Threat protection needs the Cognito Plus feature plan (billed per monthly active user); accounts are ' +
        'admin-created, TOTP-protected in prod, and every API call is logged. Revisit if the bureau wants it.',
    );
  }
}
