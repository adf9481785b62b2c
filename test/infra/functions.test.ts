import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trigger } from '../../functions/manifest.ts';
import { configForEnv, loadConfigFile } from '../../shared/config/load-config.ts';
import { type BuiltStacks, buildStacks } from './support/build-stacks.ts';
import { sampleSpecs } from './support/sample-specs.ts';
import {
  actionsOf,
  functionProps,
  importsFrom,
  logicalId,
  resourcesOf,
  statementsOf,
  withAction,
} from './support/template-queries.ts';

let built: BuiltStacks;
let t: Template;
let importedAttr: ReturnType<typeof importsFrom>;
const specs = sampleSpecs();
const names = specs.map((s) => s.name);
const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });

beforeAll(() => {
  built = buildStacks({ specs });
  t = built.statelessTemplate;
  importedAttr = importsFrom(built.statefulTemplate);
});
afterAll(() => built.cleanup());

describe('every function: the shared defaults', () => {
  it.each(names)('%s runs Node.js 22 on arm64 with tracing, its own log group and env from the config', (name) => {
    const props = functionProps(t, name);

    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/Logs/) } },
    });
    expect(props.Environment.Variables).toMatchObject({
      TABLE_NAME: importedAttr('Table', 'Ref'),
      APP_CONFIG: configForEnv(loadConfigFile()),
      POWERTOOLS_SERVICE_NAME: 'baoxue-dev',
      POWERTOOLS_METRICS_NAMESPACE: 'Baoxue',
    });
    // No --enable-source-maps: parsing the map at every cold start costs init (infra/bundling.ts).
    expect(props.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    expect(props.FunctionName).toBeUndefined();
  });

  it('keeps logs 14 days in dev', () => {
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
  });

  it('takes memory and timeout from the spec', () => {
    expect(functionProps(t, 'reconcile')).toMatchObject({ MemorySize: 512, Timeout: 300 });
  });

  it('gives roles no managed policies (no account-wide log access)', () => {
    for (const role of Object.values(t.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('IAM: least privilege per function', () => {
  const STAR_ALLOWED = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'sns:Publish']);

  it.each(names)('%s has Resource "*" only for actions without resource-level permissions', (name) => {
    const starred = statementsOf(t, name).filter((s) => s.Effect === 'Allow' && resourcesOf(s).includes('*'));

    for (const s of starred) for (const a of actionsOf(s)) expect(STAR_ALLOWED).toContain(a);
  });

  it.each(names)('%s writes only to its own log group', (name) => {
    const [logs] = withAction(statementsOf(t, name), 'logs:PutLogEvents');

    expect(logs?.Resource).toEqual(getAtt(logicalId(t, 'AWS::Logs::LogGroup', `${pascalOf(name)}Logs`)));
  });

  it('table readers get the table and its three indexes by name, never index/*', () => {
    for (const name of names) {
      const [read] = withAction(statementsOf(t, name), 'dynamodb:Query');
      expect(resourcesOf(read!)).toEqual([
        importedAttr('Table', 'Arn'),
        { 'Fn::Join': ['', [importedAttr('Table', 'Arn'), '/index/gsi1']] },
        { 'Fn::Join': ['', [importedAttr('Table', 'Arn'), '/index/gsi2']] },
        { 'Fn::Join': ['', [importedAttr('Table', 'Arn'), '/index/gsi3']] },
      ]);
    }
  });

  it('table writers may write the table only, and only if their spec says table-write', () => {
    for (const spec of specs) {
      const writes = withAction(statementsOf(t, spec.name), 'dynamodb:PutItem');
      if (spec.access.includes('table-write')) {
        expect(writes.flatMap(resourcesOf)).toEqual([importedAttr('Table', 'Arn')]);
      } else {
        expect(writes).toEqual([]);
      }
    }
  });

  it('only the functions with sms access may publish, and never to a topic', () => {
    for (const spec of specs) {
      const s = statementsOf(t, spec.name);
      if (spec.access.includes('sms')) {
        expect(withAction(s, 'sns:Publish').flatMap(resourcesOf)).toEqual(['*']);
        expect(withAction(s, 'sns:Publish', 'Deny').flatMap(resourcesOf)).toEqual([
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] },
        ]);
      } else {
        expect(withAction(s, 'sns:Publish')).toEqual([]);
      }
    }
  });

  it('stream consumers read exactly the table stream', () => {
    for (const name of ['outbox-dispatcher', 'case-reactor']) {
      const [records] = withAction(statementsOf(t, name), 'dynamodb:GetRecords');
      expect(records?.Resource).toEqual(importedAttr('Table', 'StreamArn'));
    }
    expect(withAction(statementsOf(t, 'chase-reports'), 'dynamodb:GetRecords')).toEqual([]);
  });
});

describe('notice timers: Scheduler role, PassRole and scheduler access', () => {
  const timerRoleId = () => logicalId(t, 'AWS::IAM::Role', 'TimerRole');
  const groupName = () => built.stateful.timerGroup.scheduleGroupName;

  it('the timer role trusts only EventBridge Scheduler, for schedules in the timer group of this account', () => {
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnEquals: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':scheduler:ap-southeast-1:',
                      { Ref: 'AWS::AccountId' },
                      `:schedule-group/${groupName()}`,
                    ],
                  ],
                },
              },
            },
          },
        ],
      },
      Description: 'EventBridge Scheduler invokes notice timers',
    });
  });

  it('the timer role may invoke exactly the timer-target function and write the timer DLQ, nothing else', () => {
    const policyId = logicalId(t, 'AWS::IAM::Policy', 'TimerRoleDefaultPolicy');
    const statements = t.findResources('AWS::IAM::Policy')[policyId]!.Properties.PolicyDocument.Statement;

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: getAtt(logicalId(t, 'AWS::Lambda::Function', 'NoticeDeadlineFunction')),
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: importedAttr('TimerDeadLetterQueue', 'Arn') },
    ]);
  });

  it.each(['case-reactor', 'reconcile'])('%s manages schedules only in the timer group', (name) => {
    const [manage] = withAction(statementsOf(t, name), 'scheduler:CreateSchedule');

    expect(actionsOf(manage!).sort()).toEqual([
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:GetSchedule',
      'scheduler:UpdateSchedule',
    ]);
    expect(manage!.Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:scheduler:ap-southeast-1:`,
          { Ref: 'AWS::AccountId' },
          `:schedule/${groupName()}/*`,
        ],
      ],
    });
  });

  it.each(['case-reactor', 'reconcile'])('%s may pass only the timer role, only to Scheduler', (name) => {
    const pass = withAction(statementsOf(t, name), 'iam:PassRole');

    expect(pass).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: getAtt(timerRoleId()),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it.each(['case-reactor', 'reconcile'])('%s gets the four timer env vars cloudDeps reads', (name) => {
    expect(functionProps(t, name).Environment.Variables).toMatchObject({
      SCHEDULE_GROUP: groupName(),
      TIMER_TARGET_ARN: getAtt(logicalId(t, 'AWS::Lambda::Function', 'NoticeDeadlineFunction')),
      TIMER_ROLE_ARN: getAtt(timerRoleId()),
      TIMER_DLQ_ARN: importedAttr('TimerDeadLetterQueue', 'Arn'),
    });
  });

  it.each(['outbox-dispatcher', 'notice-deadline', 'chase-reports'])(
    '%s, without scheduler access, has neither scheduler actions, PassRole nor timer env',
    (name) => {
      const s = statementsOf(t, name);

      expect(withAction(s, 'scheduler:CreateSchedule')).toEqual([]);
      expect(withAction(s, 'iam:PassRole')).toEqual([]);
      expect(functionProps(t, name).Environment.Variables.TIMER_ROLE_ARN).toBeUndefined();
    },
  );
});

describe('stream event source mappings', () => {
  const streamSpecs = specs.flatMap((s) =>
    s.triggers
      .filter((tr): tr is Extract<Trigger, { kind: 'stream' }> => tr.kind === 'stream')
      .map((tr) => [s.name, tr] as const),
  );

  it.each(streamSpecs)(
    '%s: filter, batch, partial failures, bisect, bounded retries and age, SQS on-failure',
    (name, tr) => {
      t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(t, 'AWS::Lambda::Function', `${pascalOf(name)}Function`) },
        EventSourceArn: importedAttr('Table', 'StreamArn'),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: tr.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: tr.maxRetries,
        MaximumRecordAgeInSeconds: tr.maxRecordAgeSeconds,
        FilterCriteria: { Filters: tr.filters.map((f) => ({ Pattern: JSON.stringify(f) })) },
        DestinationConfig: { OnFailure: { Destination: importedAttr('StreamFailureQueue', 'Arn') } },
      });
    },
  );

  it('creates one mapping per stream trigger and none for other functions', () => {
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', streamSpecs.length);
  });

  it('lets stream consumers send failure records to the on-failure queue', () => {
    for (const [name] of streamSpecs) {
      const [send] = withAction(statementsOf(t, name), 'sqs:SendMessage');
      expect(send?.Resource).toEqual(importedAttr('StreamFailureQueue', 'Arn'));
    }
  });
});

describe('recurring schedules (sweeps)', () => {
  const cases = [
    ['chase-reports', '0 9 ? * MON-FRI *', 'chase-reports#1'],
    ['chase-reports', '0 16 ? * MON-FRI *', 'chase-reports#2'],
    ['reconcile', '30 2 * * ? *', 'reconcile'],
  ] as const;

  it.each(cases)('%s runs at cron(%s) in Asia/Shanghai with retries and a DLQ', (name, cron, id) => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `cron(${cron})`,
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      GroupName: Match.stringLikeRegexp('^BaoxuedevStateless-SweepGroup-'),
      Target: {
        Arn: getAtt(logicalId(t, 'AWS::Lambda::Function', `${pascalOf(name)}Function`)),
        RoleArn: getAtt(logicalId(t, 'AWS::IAM::Role', `${pascalOf(name)}SweepRole`)),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: importedAttr('SweepDeadLetterQueue', 'Arn') },
        Input: JSON.stringify({
          source: 'baoxue.scheduler',
          schedule: id,
          scheduledTime: '<aws.scheduler.scheduled-time>',
        }),
      },
    });
  });

  it('each sweep role invokes only its own function', () => {
    const policyId = logicalId(t, 'AWS::IAM::Policy', 'ChaseReportsSweepRoleDefaultPolicy');
    const [invoke] = t.findResources('AWS::IAM::Policy')[policyId]!.Properties.PolicyDocument.Statement;

    expect(invoke).toEqual({
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: getAtt(logicalId(t, 'AWS::Lambda::Function', 'ChaseReportsFunction')),
    });
  });

  it('keeps sweeps out of the timer group, so timer code cannot delete them', () => {
    t.resourceCountIs('AWS::Scheduler::Schedule', cases.length);
    t.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: Match.stringLikeRegexp('SweepGroup') });
  });
});

describe('asynchronous invocations (Scheduler → Lambda)', () => {
  it.each(['chase-reports', 'notice-deadline', 'reconcile'])(
    '%s sends exhausted invocations to the async DLQ',
    (name) => {
      t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(t, 'AWS::Lambda::Function', `${pascalOf(name)}Function`) },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: importedAttr('AsyncFailureQueue', 'Arn') } },
      });
    },
  );

  it('stream consumers have no async config (the mapping handles their failures)', () => {
    t.resourceCountIs('AWS::Lambda::EventInvokeConfig', 3);
  });
});

function pascalOf(name: string): string {
  return name
    .split('-')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}
