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

    for (const metric of ['OpenLateSlots', 'LateReportSlots', 'OpenCases', 'NoticesLapsed', 'SmsSent', 'SmsFailed']) {
      expect(body).toContain(`\\"Baoxue\\",\\"${metric}\\",\\"service\\",\\"baoxue-prod\\"`);
    }
    expect(body).toContain('SMSMonthToDateSpentUSD');
  });
});

describe('operations: each dashboard figure with the right statistic', () => {
  const charted = () => dashboardMetrics(t).filter((m) => m.namespace === 'Baoxue');
  const service = { service: 'baoxue-prod' };

  it.each([
    ['OpenLateSlots', 'Maximum', 3600],
    ['LateReportSlots', 'Maximum', 3600],
    ['OpenCases', 'Maximum', 86_400],
  ])(
    'gauge %s: %s over %i s, never Sum (a gauge summed counts the same slots once per sweep)',
    (name, stat, period) => {
      const widgets = charted().filter((m) => m.name === name);

      expect(widgets.length).toBeGreaterThan(0);
      for (const m of widgets) expect(m).toMatchObject({ dimensions: service, stat });
      expect(widgets.map((m) => m.period)).toContain(period);
    },
  );

  it.each([
    ['NoticesLapsed', 86_400],
    ['SmsSent', 3600],
    ['SmsFailed', 3600],
    ['Escalations', 3600],
  ])('counter %s: Sum per %i s', (name, period) => {
    const widgets = charted().filter((m) => m.name === name);

    expect(widgets.length).toBeGreaterThan(0);
    for (const m of widgets) expect(m).toMatchObject({ dimensions: service, stat: 'Sum' });
    expect(widgets.map((m) => m.period)).toContain(period);
  });

  it('charts open cases per open state (dimension state), Maximum per day, and no closed state', () => {
    const byState = charted().filter((m) => m.name === 'CasesByState');

    expect(byState.map((m) => m.dimensions.state)).toEqual([
      'opened',
      'persuading',
      'notice-issued',
      'lapsed',
      'escalated',
    ]);
    for (const m of byState) expect(m).toMatchObject({ stat: 'Maximum', period: 86_400, dimensions: service });
  });

  it('shows the exact late-slot gauge as the 逾期未报 figure, and the per-sweep one only under an honest title', () => {
    const widgets = dashboardWidgets(t);
    const showing = (metric: string) =>
      widgets.filter((w) => (w.properties.metrics ?? []).some((row) => row.includes(metric)));

    const [main] = showing('OpenLateSlots');
    expect(main).toMatchObject({ properties: { view: 'singleValue' } });
    expect(main!.properties.title).toMatch(/^逾期未报/);
    expect(main!.properties.metrics).toHaveLength(1);
    for (const w of showing('LateReportSlots')) {
      expect(w.properties.title).not.toMatch(/逾期未报/);
      expect(w.properties.title).toMatch(/due a ladder level/);
    }
  });

  it('charts late slots per cadence (dimension cadence), Maximum per hour, stacked', () => {
    const byCadence = charted().filter((m) => m.name === 'OpenLateSlotsByCadence');

    expect(byCadence.map((m) => m.dimensions.cadence)).toEqual(['daily', 'weekly', 'monthly']);
    for (const m of byCadence) expect(m).toMatchObject({ stat: 'Maximum', period: 3600, dimensions: service });
    const [graph] = dashboardWidgets(t).filter((w) =>
      (w.properties.metrics ?? []).some((row) => row.includes('OpenLateSlotsByCadence')),
    );
    expect(graph!.properties.stacked).toBe(true);
  });

  it('the SMS-failed alarm watches the same SmsFailed metric as the dashboard, on Sum, and notifies the topic', () => {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.Namespace === 'Baoxue',
    );

    // The other alarm in namespace Baoxue is AggregateMismatches (reconcile's daily recount of a sample).
    expect(alarms.map((a) => a.Properties.MetricName)).toEqual(['SmsFailed', 'AggregateMismatches']);
    expect(alarms[1]!.Properties).toMatchObject({
      Statistic: 'Maximum',
      Period: 86_400,
      Threshold: 1,
      Dimensions: [{ Name: 'service', Value: 'baoxue-prod' }],
      AlarmActions: [topicRef()],
    });
    expect(alarms[0]!.Properties).toMatchObject({
      Statistic: 'Sum',
      Period: 900,
      Dimensions: [{ Name: 'service', Value: 'baoxue-prod' }],
      AlarmActions: [topicRef()],
    });
  });
});

interface ChartedMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  stat?: string;
  period?: number;
}

/** The metrics of every dashboard widget. */
function dashboardMetrics(template: Template): ChartedMetric[] {
  return dashboardWidgets(template).flatMap((w) =>
    (w.properties.metrics ?? []).map((row) => {
      const options = (typeof row.at(-1) === 'object' ? row.at(-1) : {}) as { stat?: string; period?: number };
      const fields = row.filter((f) => typeof f === 'string') as string[];
      const dimensions: Record<string, string> = {};
      for (let i = 2; i + 1 < fields.length; i += 2) dimensions[fields[i]!] = fields[i + 1]!;
      return { namespace: fields[0]!, name: fields[1]!, dimensions, stat: options.stat, period: options.period };
    }),
  );
}

function pascalOf(name: string): string {
  return name
    .split('-')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

interface Widget {
  properties: { title?: string; view?: string; stacked?: boolean; metrics?: unknown[][] };
}

/**
 * The widgets of the dashboard. The body is an `Fn::Join` of JSON text and tokens (queue names, the region); tokens
 * become a placeholder string so the text parses.
 */
function dashboardWidgets(template: Template): Widget[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard!.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string' ? body : body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}
