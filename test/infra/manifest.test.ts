import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedSpecs, functionSpecs, type Trigger } from '../../functions/manifest.ts';
import { ESCALATIONS_TASK, LATE_SLOTS_TASK } from '../../functions/reconcile/index.ts';
import { pascal } from '../../infra/constructs/operations.ts';
import { scheduleId } from '../../infra/function-specs.ts';
import { AGGREGATED_ENTITIES } from '../../shared/domain/aggregates.ts';
import { type BuiltStacks, buildStacks } from './support/build-stacks.ts';
import {
  actionsOf,
  importsFrom,
  logicalId,
  resourcesOf,
  statementsOf,
  withAction,
} from './support/template-queries.ts';

/** The functions the default (SNS) stage deploys: the Tencent pull and the Alibaba webhook are not among them. */
const stageSpecs = deployedSpecs(functionSpecs, 'sns');

/** The real functions/manifest.ts, wired as declared (bundling skipped; bundles.test.ts covers the code). */
let built: BuiltStacks;
let t: Template;
const STAR_ALLOWED = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'sns:Publish']);
type Stream = Extract<Trigger, { kind: 'stream' }>;
type Schedule = Extract<Trigger, { kind: 'schedule' }>;
const streams = stageSpecs.flatMap((s) =>
  s.triggers.filter((tr): tr is Stream => tr.kind === 'stream').map((tr) => [s.name, tr] as const),
);
const schedules = stageSpecs.flatMap((s) =>
  s.triggers
    .filter((tr): tr is Schedule => tr.kind === 'schedule')
    .map((tr, i) => [s.name, tr, scheduleId(s, i)] as const),
);

beforeAll(() => {
  built = buildStacks({ specs: functionSpecs });
  t = built.statelessTemplate;
});
afterAll(() => built.cleanup());

describe('the real manifest', () => {
  it('deploys every declared function', () => {
    const ids = Object.keys(t.findResources('AWS::Lambda::Function'));

    for (const spec of stageSpecs) expect(ids.some((id) => id.startsWith(`${pascal(spec.name)}Function`))).toBe(true);
  });

  it.each(stageSpecs.map((s) => [s.name, s] as const))(
    '%s: Resource "*" only where no narrower one exists; SMS only with sms access',
    (name, spec) => {
      const statements = statementsOf(t, name);
      const starred = statements.filter((s) => s.Effect === 'Allow' && resourcesOf(s).includes('*'));

      for (const s of starred) for (const a of actionsOf(s)) expect(STAR_ALLOWED).toContain(a);
      expect(withAction(statements, 'sns:Publish').length > 0).toBe(spec.access.includes('sms'));
      expect(withAction(statements, 'iam:PassRole').length > 0).toBe(spec.access.includes('scheduler'));
    },
  );

  it.runIf(streams.length > 0).each(streams)('%s: stream mapping as declared', (name, tr) => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(t, 'AWS::Lambda::Function', `${pascal(name)}Function`) },
      BatchSize: tr.batchSize,
      MaximumRetryAttempts: tr.maxRetries,
      MaximumRecordAgeInSeconds: tr.maxRecordAgeSeconds,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: tr.filters.map((f) => ({ Pattern: JSON.stringify(f) })) },
      DestinationConfig: {
        OnFailure: { Destination: importsFrom(built.statefulTemplate)('StreamFailureQueue', 'Arn') },
      },
    });
  });

  it.runIf(schedules.length > 0).each(schedules)('%s: cron(%s) in Asia/Shanghai', (name, tr, id) => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `cron(${tr.cron})`,
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(t, 'AWS::Lambda::Function', `${pascal(name)}Function`), 'Arn'] },
        Input: JSON.stringify({
          source: 'baoxue.scheduler',
          schedule: id,
          scheduledTime: '<aws.scheduler.scheduled-time>',
          ...(tr.task ? { task: tr.task } : {}),
        }),
        DeadLetterConfig: { Arn: importsFrom(built.statefulTemplate)('SweepDeadLetterQueue', 'Arn') },
      },
    });
  });

  it('runs reconcile daily for notices and hourly in school hours for the late-slot gauge (task in the Input)', () => {
    const reconcile = schedules.filter(([name]) => name === 'reconcile');

    expect(reconcile.map(([, tr, id]) => [tr.cron, tr.task, id])).toEqual([
      ['30 7 * * ? *', undefined, 'reconcile#1'],
      ['0 8-18 * * ? *', LATE_SLOTS_TASK, 'reconcile#2'],
      ['0/15 8-18 * * ? *', ESCALATIONS_TASK, 'reconcile#3'],
    ]);
    const inputs = Object.values(t.findResources('AWS::Scheduler::Schedule')).map(
      (r) => JSON.parse(r.Properties.Target.Input) as { schedule: string; task?: string },
    );
    expect(inputs.find((i) => i.schedule === 'reconcile#2')).toMatchObject({ task: 'late-slots' });
    expect(inputs.find((i) => i.schedule === 'reconcile#3')).toMatchObject({ task: 'escalations' });
    expect(inputs.find((i) => i.schedule === 'reconcile#1')).not.toHaveProperty('task');
  });

  it('the aggregates ride the case reactor: its mapping takes every aggregated entity, two stream readers in all', () => {
    const mappings = Object.values(t.findResources('AWS::Lambda::EventSourceMapping'));
    const reactor = logicalId(t, 'AWS::Lambda::Function', 'CaseReactorFunction');
    const patterns = mappings
      .filter((m) => m.Properties.FunctionName?.Ref === reactor)
      .flatMap((m) => m.Properties.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern)));

    // DynamoDB recommends at most two readers of a stream shard: no third function for the aggregates.
    expect(mappings).toHaveLength(2);
    expect(patterns).toContainEqual({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { entity: { S: [...AGGREGATED_ENTITIES] } } },
    });
    expect(patterns).toContainEqual({
      eventName: ['REMOVE'],
      dynamodb: { OldImage: { entity: { S: [...AGGREGATED_ENTITIES] } } },
    });
    const statements = statementsOf(t, 'case-reactor');
    // The aggregates need reads of their items, conditional writes and transactions on the table, never a Scan
    // (the rebuild is the operator CLI's) and never an index write.
    for (const action of ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'])
      expect(withAction(statements, action).length).toBeGreaterThan(0);
    expect(withAction(statements, 'dynamodb:Scan')).toEqual([]);
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem'])
      for (const st of withAction(statements, action))
        for (const r of resourcesOf(st)) expect(JSON.stringify(r)).not.toContain('/index/');
  });

  it('alarms on AggregateMismatches (reconcile recounts a sample of schools daily)', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AggregateMismatches',
      Namespace: 'Baoxue',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('passes cdk-nag AwsSolutions with nothing unacknowledged', () => {
    const report = new AwsSolutionsChecks(built.app).validateScope(built.app);

    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
