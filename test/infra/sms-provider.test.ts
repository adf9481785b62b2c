import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../functions/manifest.ts';
import { localProviderConfig } from '../../local/sms-provider-local.ts';
import { configForEnv, loadConfigFile } from '../../shared/config/load-config.ts';
import { type BuiltStacks, buildStacks } from './support/build-stacks.ts';
import { sampleSpecs } from './support/sample-specs.ts';
import { functionProps, statementsOf, withAction } from './support/template-queries.ts';

const receiptsSpec = functionSpecs.find((s) => s.name === 'sms-receipts')!;
const specs = [...sampleSpecs(), receiptsSpec];
let built: BuiltStacks;

beforeAll(() => {
  // A stage on Tencent Cloud SMS: the local fake's template mapping, a real-looking parameter name, no endpoint.
  const config = localProviderConfig(loadConfigFile(), 'tencent', '127.0.0.1:1');
  const provider = { ...config.sms.provider, secretParameter: '/baoxue/dev/sms/tencent' } as Record<string, unknown>;
  delete provider.endpoint;
  built = buildStacks({
    specs,
    appConfigJson: configForEnv({ ...config, sms: { ...config.sms, provider } as typeof config.sms }),
  });
});
afterAll(() => built.cleanup());

describe('a stage on a template provider', () => {
  it('runs the receipt pull every 5 minutes (Tencent)', () => {
    const schedules = Object.values(built.statelessTemplate.findResources('AWS::Scheduler::Schedule')).filter((r) =>
      JSON.stringify(r).match(/SmsReceipts/i),
    );
    expect(schedules.map((r) => (r.Properties as { ScheduleExpression: string }).ScheduleExpression)).toEqual([
      'cron(0/5 * * * ? *)',
    ]);
  });

  it('lets only the sms functions read exactly the provider secret parameter, and none publish to SNS', () => {
    const t = built.statelessTemplate;
    for (const spec of specs) {
      const s = statementsOf(t, spec.name);
      expect(withAction(s, 'sns:Publish')).toEqual([]);
      const reads = withAction(s, 'ssm:GetParameter');
      if (spec.access.includes('sms') || spec.access.includes('sms-receipts')) {
        expect(reads.map((r) => r.Resource)).toEqual([
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':ssm:ap-southeast-1:',
                { Ref: 'AWS::AccountId' },
                ':parameter/baoxue/dev/sms/tencent',
              ],
            ],
          },
        ]);
      } else expect(reads).toEqual([]);
    }
  });

  it('puts the parameter name, never a secret, in the function config', () => {
    const dispatcher = specs.find((s) => s.access.includes('sms'))!;
    const env = JSON.stringify(functionProps(built.statelessTemplate, dispatcher.name).Environment);
    expect(env).toContain('/baoxue/dev/sms/tencent');
    expect(env).not.toMatch(/secretKey|SecretKey|accessKeySecret/);
  });
});

describe('the receipt pull on an SNS stage', () => {
  let sns: BuiltStacks;
  beforeAll(() => {
    sns = buildStacks({ specs, appConfigJson: configForEnv(loadConfigFile()) });
  });
  afterAll(() => sns.cleanup());

  it('deploys no receipt pull (nothing to pull from SNS): no sms-receipts function, no schedule for it', () => {
    const t = sns.statelessTemplate;
    const ids = Object.keys(t.findResources('AWS::Lambda::Function'));
    expect(ids.some((id) => id.toLowerCase().startsWith('smsreceipts'))).toBe(false);
    expect(ids.some((id) => id.toLowerCase().startsWith('outboxdispatcher'))).toBe(true);
    expect(JSON.stringify(t.findResources('AWS::Scheduler::Schedule'))).not.toMatch(/SmsReceipts/i);
  });
});

describe('a stage on Alibaba SMS: the SmsReport webhook', () => {
  let ali: BuiltStacks;
  beforeAll(() => {
    const config = localProviderConfig(loadConfigFile(), 'aliyun', '127.0.0.1:1');
    const provider = { ...config.sms.provider, secretParameter: '/baoxue/dev/sms/aliyun' } as Record<string, unknown>;
    delete provider.endpoint;
    const hook = functionSpecs.find((s) => s.name === 'sms-receipt-hook')!;
    const api = functionSpecs.find((s) => s.name === 'api')!;
    ali = buildStacks({
      specs: [...specs, hook, api],
      appConfigJson: configForEnv({ ...config, sms: { ...config.sms, provider } as typeof config.sms }),
    });
  });
  afterAll(() => ali.cleanup());

  it('routes POST /hooks/sms/aliyun to sms-receipt-hook without the JWT authorizer; /api/* keeps it', () => {
    const routes = Object.values(ali.statelessTemplate.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties as { RouteKey: string; AuthorizationType?: string },
    );
    expect(routes.find((r) => r.RouteKey === 'POST /hooks/sms/aliyun')?.AuthorizationType ?? 'NONE').toBe('NONE');
    expect(routes.find((r) => r.RouteKey === 'ANY /api/{proxy+}')?.AuthorizationType).toBe('JWT');
    const s = statementsOf(ali.statelessTemplate, 'sms-receipt-hook');
    expect(withAction(s, 'sns:Publish')).toEqual([]);
    expect(JSON.stringify(withAction(s, 'ssm:GetParameter').map((r) => r.Resource))).toContain(
      ':parameter/baoxue/dev/sms/aliyun',
    );
    // The Tencent pull is not deployed here.
    const ids = Object.keys(ali.statelessTemplate.findResources('AWS::Lambda::Function'));
    expect(ids.some((id) => id.toLowerCase().startsWith('smsreceipts'))).toBe(false);
  });

  it('passes cdk-nag AwsSolutions with the open route acknowledged, nothing else', () => {
    const report = new AwsSolutionsChecks(ali.app).validateScope(ali.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
