import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cadences } from '../../shared/domain/periods.ts';
import { METRIC_NAMESPACE, METRICS, serviceName } from '../../shared/observability/metrics.ts';
import { openCaseStates } from '../../shared/use-cases/count-open-cases.ts';
import type { InfraConfig } from '../config.ts';
import type { AppFunction } from './app-function.ts';

export interface OperationsProps {
  config: InfraConfig;
  functions: AppFunction[];
  /** Dead-letter queues by a readable name (used in alarm descriptions). */
  deadLetterQueues: Record<string, IQueue>;
  timerGroup: IScheduleGroup;
}

/**
 * Alarms and a dashboard for the operators. Every alarm notifies one KMS-encrypted SNS topic; subscribe the
 * on-call address with `-c operatorEmail=...` or in the console.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { config } = props;
    const key = new Key(this, 'TopicKey', {
      enableKeyRotation: true,
      description: 'baoxue operators topic',
      removalPolicy: config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // CloudWatch alarms publish to an encrypted topic only if the key lets the service use it.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'OperatorsTopic', { masterKey: key, enforceSSL: true });
    if (config.operatorEmail) this.topic.addSubscription(new EmailSubscription(config.operatorEmail));
    const action = new SnsAction(this.topic);

    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string) => {
      const a = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `[baoxue ${config.stage}] ${description}`,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `Dlq${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        config.dlqAlarmDepth,
        `${name} dead-letter queue holds messages: inspect, fix, redrive (docs/deploy.md)`,
      );
    }
    for (const f of props.functions) {
      const fid = pascal(f.spec.name);
      alarm(
        `${fid}Errors`,
        f.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        config.errorAlarmThreshold,
        `${f.spec.name} reported errors`,
      );
      alarm(
        `${fid}Throttles`,
        f.fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        config.throttleAlarmThreshold,
        `${f.spec.name} was throttled`,
      );
    }

    // Counters are charted and alarmed on Sum; gauges (a level at the time of a sweep) on Maximum: summing a gauge
    // over a period adds the same cases up once per sweep.
    const custom = (
      metricName: string,
      statistic: string,
      period = Duration.minutes(15),
      extra: { dimensions?: Record<string, string>; label?: string } = {},
    ) =>
      new Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { service: serviceName(config.stage), ...extra.dimensions },
        statistic,
        period,
        ...(extra.label ? { label: extra.label } : {}),
      });
    const smsFailed = custom(METRICS.smsFailed, 'Sum');
    const smsSent = custom(METRICS.smsSent, 'Sum');
    alarm(
      'SmsFailed',
      smsFailed,
      config.smsFailedAlarmThreshold,
      'SMS messages marked FAILED in 15 minutes (outbox-dispatcher or release-messages): see the outbox records',
    );
    // Account-wide figure published by SNS (no dimensions); one alarm per stage is fine, the budget is shared.
    const spend = new Metric({
      namespace: 'AWS/SNS',
      metricName: 'SMSMonthToDateSpentUSD',
      statistic: 'Maximum',
      period: Duration.hours(1),
    });
    alarm(
      'SmsSpend',
      spend,
      config.smsSpendAlarmUsd,
      `SNS SMS spend this month reached ${config.smsSpendAlarmUsd} USD`,
    );
    alarm(
      'TimersLost',
      props.timerGroup.metricFailedToBeSentToDLQ(undefined, { period: Duration.minutes(5), statistic: 'Sum' }),
      1,
      'a notice timer failed AND could not be written to its dead-letter queue: run the reconcile sweep',
    );

    alarm(
      'AggregateMismatches',
      custom(METRICS.aggregateMismatches, 'Maximum', Duration.days(1)),
      1,
      'statistics aggregates differ from a recount of a sampled school (reconcile log): run rebuild-aggregates',
    );

    const daily = Duration.days(1);
    const hourly = Duration.hours(1);
    // The exact late-slot count, every hour 08:00-18:00 CST (reconcile's late-slots task): the 逾期未报 figure.
    const openLateSlots = custom(METRICS.openLateSlots, 'Maximum', hourly, { label: '逾期未报' });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(14),
      widgets: [
        [
          new TextWidget({
            markdown: `# 控辍保学 baoxue (${config.stage})\nFigures from namespace \`${METRIC_NAMESPACE}\`; see docs/deploy.md.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new SingleValueWidget({
            title: '逾期未报: report slots open past their deadline (latest hourly count)',
            metrics: [openLateSlots],
            width: 8,
          }),
          new GraphWidget({
            title: '逾期未报 by cadence (hourly count 08:00-18:00 CST, every open slot past its deadline)',
            stacked: true,
            left: cadences.map((cadence) =>
              custom(METRICS.openLateSlotsByCadence, 'Maximum', hourly, { dimensions: { cadence }, label: cadence }),
            ),
            width: 16,
          }),
        ],
        [
          new GraphWidget({
            // Counted once a day by the reconcile sweep: a daily period draws a line, not isolated points.
            title: 'Open dropout cases (daily count)',
            left: [custom(METRICS.openCases, 'Maximum', daily)],
            width: 8,
          }),
          new GraphWidget({
            title: 'Notices lapsed per day (each one escalated to the township)',
            left: [custom(METRICS.noticesLapsed, 'Sum', daily)],
            width: 8,
          }),
          new GraphWidget({
            // Not the number of late slots (that is 逾期未报 above): the chase sweep's work, spiking after deadlines.
            title: 'Report chase: slots due a ladder level (max per sweep) / escalation SMS enqueued, per hour',
            left: [custom(METRICS.lateReportSlots, 'Maximum', hourly), custom(METRICS.escalations, 'Sum', hourly)],
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'SMS parts sent / messages failed, per hour',
            left: [
              custom(METRICS.smsSent, 'Sum', Duration.hours(1)),
              custom(METRICS.smsFailed, 'Sum', Duration.hours(1)),
            ],
            width: 12,
          }),
          new SingleValueWidget({ title: 'SMS spend this month (USD, account)', metrics: [spend], width: 6 }),
          new SingleValueWidget({ title: 'SMS parts sent, last 15 min', metrics: [smsSent], width: 6 }),
        ],
        [
          new GraphWidget({
            title: 'Open cases by state (daily count)',
            stacked: true,
            left: openCaseStates.map((state) =>
              custom(METRICS.casesByState, 'Maximum', daily, { dimensions: { state }, label: state }),
            ),
            width: 16,
          }),
          new SingleValueWidget({
            title: 'Open dropout cases, latest count',
            metrics: [custom(METRICS.openCases, 'Maximum', daily)],
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Dead-letter queue depth',
            left: Object.values(props.deadLetterQueues).map((q) =>
              q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
            ),
            width: 12,
          }),
          new GraphWidget({
            title: 'Function errors',
            left: props.functions.map((f) => f.fn.metricErrors({ statistic: 'Sum', label: f.spec.name })),
            width: 12,
          }),
        ],
      ],
    });
  }
}

/** `outbox-dispatcher` → `OutboxDispatcher`, for construct ids. */
export function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}
