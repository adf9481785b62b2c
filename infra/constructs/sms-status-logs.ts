import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, LogGroup, type RetentionDays, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { logGroupName } from '../../functions/manifest.ts';
import type { Stage } from '../config.ts';
import { acknowledgeIamFindings, suppress } from '../nag.ts';

export interface SmsStatusLogsProps {
  stage: Stage;
  /** The trigger's log group names, `{region}`/`{account}` still in them (functions/manifest.ts). */
  logGroups: readonly string[];
  /** The function every entry goes to (a subscription filter of all events on each group). */
  target: IFunction;
  retention: RetentionDays;
  /** The data key: the entries carry full phone numbers, so the groups are encrypted like the function logs. */
  key: IKey;
}

/** SetSMSAttributes is account-wide, so one physical id per stage names the one setting it owns. */
const SAMPLING_PERCENT = '100';

/**
 * SNS SMS delivery-status logs into our function:
 * - the two log groups SNS writes to (`sns/<region>/<account>/DirectPublishToPhoneNumber` and `…/Failure`, names
 *   SNS chooses), created here with retention and the data key so the subscription can attach before the first SMS
 *   (a group of that name that already exists must be imported instead: docs/sms.md);
 * - the role SNS assumes to write them: CreateLogGroup/CreateLogStream/PutLogEvents on those two groups only;
 * - the account's SMS attributes `DeliveryStatusIAMRole` (that role) and `DeliveryStatusSuccessSamplingRate` 100
 *   (every success is logged, every failure always is), set by an AwsCustomResource calling `SNS.setSMSAttributes`;
 * - a subscription filter of all events on each group, invoking `target`.
 */
export class SmsStatusLogs extends Construct {
  readonly logGroups: LogGroup[];
  readonly snsRole: Role;

  constructor(scope: Construct, id: string, props: SmsStatusLogsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const production = props.stage === 'prod';
    this.logGroups = props.logGroups.map(
      (pattern, i) =>
        new LogGroup(this, `Group${i}`, {
          logGroupName: logGroupName(pattern, stack.region, stack.account),
          retention: props.retention,
          encryptionKey: props.key,
          removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        }),
    );

    this.snsRole = new Role(this, 'SnsDeliveryStatusRole', {
      assumedBy: new ServicePrincipal('sns.amazonaws.com'),
      description: 'SNS writes SMS delivery-status logs to the two DirectPublishToPhoneNumber log groups only',
    });
    this.snsRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        // logGroupArn ends in `:*` (the group's streams); the `/Failure` group is not under the first one's ARN.
        resources: this.logGroups.map((g) => g.logGroupArn),
      }),
    );

    const attributes = new AwsCustomResource(this, 'DeliveryStatusAttributes', {
      installLatestAwsSdk: false,
      onUpdate: {
        service: 'SNS',
        action: 'setSMSAttributes',
        parameters: {
          attributes: {
            DeliveryStatusIAMRole: this.snsRole.roleArn,
            DeliveryStatusSuccessSamplingRate: SAMPLING_PERCENT,
          },
        },
        physicalResourceId: PhysicalResourceId.of(`baoxue-${props.stage}-sms-delivery-status`),
      },
      policy: AwsCustomResourcePolicy.fromStatements([
        // SetSMSAttributes has no resource-level permission (account-wide setting).
        new PolicyStatement({ actions: ['sns:SetSMSAttributes'], resources: ['*'] }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['iam:PassRole'],
          resources: [this.snsRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'sns.amazonaws.com' } },
        }),
      ]),
    });
    acknowledgeIamFindings(
      attributes,
      'AwsCustomResource policy: sns:SetSMSAttributes is account-wide and has no resource ARN; iam:PassRole is on ' +
        'the SNS delivery-status role only.',
    );
    // The custom resource's handler is a singleton aws-cdk-lib owns at the stack root.
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('AWS679f53fac002430cb0da5b7982bd2287')) continue;
      acknowledgeIamFindings(
        child,
        'AwsCustomResource handler (runs at deploy time only): AWSLambdaBasicExecutionRole for its own logs.',
      );
      suppress(
        child,
        'AwsSolutions-L1',
        'The AwsCustomResource handler runtime is chosen by aws-cdk-lib; it runs only while deploying.',
      );
    }

    this.logGroups.forEach((group, i) => {
      new SubscriptionFilter(this, `Subscription${i}`, {
        logGroup: group,
        destination: new LambdaDestination(props.target),
        filterPattern: FilterPattern.allEvents(),
      });
    });
  }
}
