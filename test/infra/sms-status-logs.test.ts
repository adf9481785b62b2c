import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../functions/manifest.ts';
import { localProviderConfig } from '../../local/sms-provider-local.ts';
import { configForEnv, loadConfigFile } from '../../shared/config/load-config.ts';
import { type BuiltStacks, buildStacks } from './support/build-stacks.ts';
import { sampleSpecs } from './support/sample-specs.ts';
import { actionsOf, logicalId, resourcesOf, statementsOf, withAction } from './support/template-queries.ts';

const statusSpec = functionSpecs.find((s) => s.name === 'sms-status-logs')!;
const specs = [...sampleSpecs(), statusSpec];
let built: BuiltStacks;
let t: Template;

beforeAll(() => {
  built = buildStacks({ specs });
  t = built.statelessTemplate;
});
afterAll(() => built.cleanup());

/** `sns/<region>/<account>/…` as CloudFormation renders the group names (the account is a pseudo parameter). */
const groupName = (suffix: string) => ({
  'Fn::Join': ['', ['sns/ap-southeast-1/', { Ref: 'AWS::AccountId' }, `/DirectPublishToPhoneNumber${suffix}`]],
});

describe('SNS SMS delivery-status logs on an SNS stage', () => {
  it('creates both log groups SNS writes to, with retention and the data key', () => {
    const groups = Object.values(t.findResources('AWS::Logs::LogGroup'))
      .map((r) => r.Properties as { LogGroupName?: unknown; RetentionInDays?: number; KmsKeyId?: unknown })
      .filter((p) => JSON.stringify(p.LogGroupName ?? '').includes('DirectPublishToPhoneNumber'));
    expect(groups.map((g) => g.LogGroupName)).toEqual([groupName(''), groupName('/Failure')]);
    for (const g of groups) {
      expect(g.RetentionInDays).toBeGreaterThan(0);
      expect(JSON.stringify(g.KmsKeyId)).toContain('DataKey');
    }
  });

  it('subscribes sms-status-logs to both (all events), and lets only CloudWatch Logs of those groups invoke it', () => {
    const fn = logicalId(t, 'AWS::Lambda::Function', 'SmsStatusLogsFunction');
    const filters = Object.values(t.findResources('AWS::Logs::SubscriptionFilter')).map(
      (r) => r.Properties as { LogGroupName: { Ref: string }; FilterPattern: string; DestinationArn: unknown },
    );
    expect(filters).toHaveLength(2);
    const groups = t.findResources('AWS::Logs::LogGroup');
    expect(filters.map((f) => groups[f.LogGroupName.Ref]?.Properties.LogGroupName)).toEqual([
      groupName(''),
      groupName('/Failure'),
    ]);
    for (const f of filters) {
      expect(f.FilterPattern).toBe('');
      expect(f.DestinationArn).toEqual({ 'Fn::GetAtt': [fn, 'Arn'] });
    }
    const permissions = Object.values(t.findResources('AWS::Lambda::Permission'))
      .map((r) => r.Properties as { Principal: string; SourceArn: unknown; FunctionName: unknown })
      .filter((p) => p.Principal === 'logs.amazonaws.com');
    expect(permissions).toHaveLength(2);
    for (const p of permissions) {
      expect(p.FunctionName).toEqual({ 'Fn::GetAtt': [fn, 'Arn'] });
      expect(JSON.stringify(p.SourceArn)).toMatch(/Group[01].*Arn/);
    }
  });

  it('gives SNS a role that may write only to those two groups', () => {
    const roles = t.findResources('AWS::IAM::Role');
    const [roleId] = Object.entries(roles).find(([id]) => id.startsWith('SmsDeliveryStatusSnsDeliveryStatusRole'))!;
    expect(JSON.stringify(roles[roleId]!.Properties.AssumeRolePolicyDocument)).toContain('sns.amazonaws.com');
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(roleId),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements[0])).toEqual(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(resourcesOf(statements[0]).map((r) => JSON.stringify(r))).toEqual([
      expect.stringMatching(/SmsDeliveryStatusGroup0\w*","Arn"/),
      expect.stringMatching(/SmsDeliveryStatusGroup1\w*","Arn"/),
    ]);
  });

  it('sets the account SMS attributes: DeliveryStatusIAMRole = that role, success sampling 100', () => {
    const [resource] = Object.values(t.findResources('Custom::AWS'));
    const call = (which: 'Create' | 'Update') => {
      const [, parts] = (resource!.Properties[which] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
      const roles = parts.filter((p) => typeof p !== 'string');
      return { call: JSON.parse(parts.map((p) => (typeof p === 'string' ? p : '<ROLE>')).join('')), roles };
    };
    for (const which of ['Create', 'Update'] as const) {
      const { call: c, roles } = call(which);
      expect(c).toEqual({
        service: 'SNS',
        action: 'setSMSAttributes',
        parameters: { attributes: { DeliveryStatusIAMRole: '<ROLE>', DeliveryStatusSuccessSamplingRate: '100' } },
        physicalResourceId: { id: 'baoxue-dev-sms-delivery-status' },
      });
      expect(roles).toEqual([
        { 'Fn::GetAtt': [logicalId(t, 'AWS::IAM::Role', 'SmsDeliveryStatusSnsDeliveryStatusRole'), 'Arn'] },
      ]);
    }
    // The custom resource may set SMS attributes and pass that one role to SNS, nothing more.
    const crPolicy = Object.entries(t.findResources('AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('SmsDeliveryStatusDeliveryStatusAttributesCustomResourcePolicy'),
    )![1];
    const st = crPolicy.Properties.PolicyDocument.Statement;
    expect(st.map((s: { Action: string }) => s.Action)).toEqual(['sns:SetSMSAttributes', 'iam:PassRole']);
    expect(JSON.stringify(st[1].Resource)).toContain('SmsDeliveryStatusSnsDeliveryStatusRole');
    expect(st[1].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sns.amazonaws.com' } });
  });

  it('sms-status-logs may read and write the table, nothing else: no SNS, no secret, no log reads', () => {
    const s = statementsOf(t, 'sms-status-logs');
    for (const action of [
      'sns:Publish',
      'ssm:GetParameter',
      'logs:GetLogEvents',
      'logs:FilterLogEvents',
      'iam:PassRole',
    ])
      expect(withAction(s, action)).toEqual([]);
    expect(withAction(s, 'dynamodb:GetItem')).toHaveLength(1);
    expect(withAction(s, 'dynamodb:UpdateItem')).toHaveLength(1);
    // Invoked asynchronously by CloudWatch Logs: failures after Lambda's retries go to the async failure queue.
    expect(
      Object.values(t.findResources('AWS::Lambda::EventInvokeConfig')).some((r) =>
        JSON.stringify(r.Properties.FunctionName).includes('SmsStatusLogsFunction'),
      ),
    ).toBe(true);
  });

  it('passes cdk-nag AwsSolutions with nothing unacknowledged', () => {
    const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('a Tencent stage', () => {
  let tencent: BuiltStacks;
  beforeAll(() => {
    const config = localProviderConfig(loadConfigFile(), 'tencent', '127.0.0.1:1');
    const provider = { ...config.sms.provider, secretParameter: '/baoxue/dev/sms/tencent' } as Record<string, unknown>;
    delete provider.endpoint;
    tencent = buildStacks({
      specs,
      appConfigJson: configForEnv({ ...config, sms: { ...config.sms, provider } as typeof config.sms }),
    });
  });
  afterAll(() => tencent.cleanup());

  it('deploys no status-log function, log groups, subscription or SMS attribute custom resource', () => {
    const tt = tencent.statelessTemplate;
    expect(Object.keys(tt.findResources('AWS::Lambda::Function')).some((id) => id.startsWith('SmsStatusLogs'))).toBe(
      false,
    );
    expect(Object.keys(tt.findResources('AWS::Logs::SubscriptionFilter'))).toEqual([]);
    expect(Object.keys(tt.findResources('Custom::AWS'))).toEqual([]);
    expect(JSON.stringify(tt.findResources('AWS::Logs::LogGroup'))).not.toContain('DirectPublishToPhoneNumber');
  });
});
