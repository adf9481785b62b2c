import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNagChecks } from '../../infra/nag.ts';
import { type BuiltStacks, buildStacks } from './support/build-stacks.ts';
import { sampleSpecs } from './support/sample-specs.ts';

const PHYSICAL_NAMES = new Set([
  'TableName',
  'QueueName',
  'FunctionName',
  'RoleName',
  'TopicName',
  'DashboardName',
  'AlarmName',
]);
const stages = {} as Record<'dev' | 'prod', BuiltStacks>;

beforeAll(() => {
  stages.dev = buildStacks({ specs: sampleSpecs() });
  stages.prod = buildStacks({ specs: sampleSpecs(), context: { stage: 'prod' } });
});
afterAll(() => {
  stages.dev.cleanup();
  stages.prod.cleanup();
});

describe.each(['dev', 'prod'] as const)('%s: data at rest', (stage) => {
  it('table: on-demand, customer-managed KMS key, PITR, NEW_AND_OLD_IMAGES stream, both indexes', () => {
    const t = stages[stage].statefulTemplate;

    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'gsi1' }),
        Match.objectLike({ IndexName: 'gsi2' }),
        Match.objectLike({
          IndexName: 'gsi3',
          KeySchema: [
            { AttributeName: 'gsi3pk', KeyType: 'HASH' },
            { AttributeName: 'gsi3sk', KeyType: 'RANGE' },
          ],
        }),
      ],
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } },
        }),
      ],
    });
  });

  it('keys rotate', () => {
    stages[stage].statefulTemplate.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    stages[stage].statelessTemplate.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('dead-letter queues are encrypted and refuse plain HTTP', () => {
    const t = stages[stage].statefulTemplate;

    t.resourceCountIs('AWS::SQS::Queue', 4);
    t.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    t.resourceCountIs('AWS::SQS::QueuePolicy', 4);
    t.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('the operators topic is KMS-encrypted', () => {
    stages[stage].statelessTemplate.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('TopicKey'), 'Arn'] },
    });
  });

  it('cdk-nag AwsSolutions finds nothing unacknowledged in either stack', () => {
    const report = new AwsSolutionsChecks(stages[stage].app).validateScope(stages[stage].app);

    expect(
      report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.resourceLogicalId)}`),
    ).toEqual([]);
  });
});

describe('stage differences', () => {
  const tableResource = (stage: 'dev' | 'prod') =>
    Object.values(stages[stage].statefulTemplate.findResources('AWS::DynamoDB::GlobalTable'))[0]!;

  it('prod retains the table and turns on deletion protection', () => {
    const table = tableResource('prod');

    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
  });

  it('dev may be destroyed', () => {
    const table = tableResource('dev');

    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
  });

  it('prod retains the data key, the queues and the timer group; dev does not', () => {
    for (const type of ['AWS::KMS::Key', 'AWS::SQS::Queue', 'AWS::Scheduler::ScheduleGroup']) {
      const policies = (stage: 'dev' | 'prod') =>
        Object.values(stages[stage].statefulTemplate.findResources(type)).map((r) => r.DeletionPolicy);
      expect(new Set(policies('prod'))).toEqual(new Set(['Retain']));
      expect(new Set(policies('dev'))).toEqual(new Set(['Delete']));
    }
  });

  it('prod keeps logs a year', () => {
    stages.prod.statelessTemplate.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('fixes no physical names, so dev and prod fit one account (generated group names differ)', () => {
    for (const stage of ['dev', 'prod'] as const) {
      for (const t of [stages[stage].statefulTemplate, stages[stage].statelessTemplate]) {
        const named = Object.entries(
          t.toJSON().Resources as Record<string, { Properties?: Record<string, unknown> }>,
        ).flatMap(([id, r]) =>
          Object.keys(r.Properties ?? {})
            .filter((k) => PHYSICAL_NAMES.has(k) && typeof r.Properties?.[k] === 'string')
            .map((k) => `${id}.${k}`),
        );
        expect(named).toEqual([]);
      }
    }
    expect(stages.dev.stateful.timerGroup.scheduleGroupName).not.toBe(
      stages.prod.stateful.timerGroup.scheduleGroupName,
    );
  });
});

describe('cdk-nag control', () => {
  it('reports a finding that is there (an unencrypted queue) and fails synth with it, as `cdk synth` would', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'baoxue-nag-'));
    try {
      const app = new App({ outdir, builtinCloudFormationValidation: false });
      const stack = new Stack(app, 'NagControl');
      new Queue(stack, 'Plain', { encryption: QueueEncryption.UNENCRYPTED });
      addNagChecks(app);

      const report = new AwsSolutionsChecks(app).validateScope(app);

      expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SQS2');
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS2/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
