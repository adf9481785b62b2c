import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltStacks, buildStacks } from './support/build-stacks.ts';
import { sampleSpecs } from './support/sample-specs.ts';
import { importsFrom, logicalId } from './support/template-queries.ts';

let built: BuiltStacks;
let t: Template;
const specs = sampleSpecs();

beforeAll(() => {
  built = buildStacks({
    specs,
    context: {
      stage: 'prod',
      smsSpendAlarmUsd: '42',
      dlqAlarmDepth: '2',
      errorAlarmThreshold: '3',
      throttleAlarmThreshold: '4',
      smsFailedAlarmThreshold: '6',
      operatorEmail: 'ops@example.org',
    },
  });
  t = built.statelessTemplate;
});
afterAll(() => built.cleanup());

const topicRef = () => ({ Ref: logicalId(t, 'AWS::SNS::Topic', 'OperationsOperatorsTopic') });

describe('operations: alarms notify the operators topic', () => {
  it('every alarm notifies the operators topic', () => {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));

    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([topicRef()]);
  });

  it.each([['StreamFailureQueue'], ['TimerDeadLetterQueue'], ['SweepDeadLetterQueue'], ['AsyncFailureQueue']])(
    'alarms when the %s holds messages (threshold from context)',
    (queue) => {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: importsFrom(built.statefulTemplate)(queue, 'QueueName') }],
        Threshold: 2,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    },
  );

  it.each(specs.map((s) => s.name))('alarms on errors and throttles of %s', (name) => {
    const fn = { Ref: logicalId(t, 'AWS::Lambda::Function', `${pascalOf(name)}Function`) };
    for (const [metric, threshold] of [
      ['Errors', 3],
      ['Throttles', 4],
    ] as const) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: fn }],
        Threshold: threshold,
      });
    }
  });

  it('alarms on failed SMS from the dispatcher metric in namespace Baoxue, per stage', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Baoxue',
      MetricName: 'SmsFailed',
      Dimensions: [{ Name: 'service', Value: 'baoxue-prod' }],
      Statistic: 'Sum',
      Threshold: 6,
    });
  });

  it('alarms on SNS SMS month-to-date spend at the configured USD threshold', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'SMSMonthToDateSpentUSD',
      Statistic: 'Maximum',
      Threshold: 42,
    });
  });

  it('alarms when a timer could not even reach its dead-letter queue', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Scheduler',
      MetricName: 'InvocationsFailedToBeSentToDeadLetterCount',
      Dimensions: [{ Name: 'ScheduleGroup', Value: built.stateful.timerGroup.scheduleGroupName }],
    });
  });
});

describe('operations: topic and dashboard', () => {
  it('subscribes the operator address from context', () => {
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
      TopicArn: topicRef(),
    });
  });

  it('lets CloudWatch use the topic key, so alarms can publish to the encrypted topic', () => {
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('charts late slots, open cases, lapsed notices and SMS sent/failed from namespace Baoxue', () => {
    const [dashboard] = Object.values(t.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);

    for (const metric of ['LateReportSlots', 'OpenCases', 'NoticesLapsed', 'SmsSent', 'SmsFailed']) {
      expect(body).toContain(`\\"Baoxue\\",\\"${metric}\\",\\"service\\",\\"baoxue-prod\\"`);
    }
    expect(body).toContain('SMSMonthToDateSpentUSD');
  });
});

function pascalOf(name: string): string {
  return name
    .split('-')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}
