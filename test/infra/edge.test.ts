import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../functions/manifest.ts';
import { API_RATE_LIMITS, EDGE_REGION, EdgeStack } from '../../infra/edge-stack.ts';
import { type BuiltStacks, buildStacks } from './support/build-stacks.ts';

let built: BuiltStacks;
let edge: Template;
beforeAll(() => {
  built = buildStacks({ specs: functionSpecs });
  edge = built.edgeTemplate!;
});
afterAll(() => built.cleanup());

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON, read by tests
const onlyResource = (t: Template, type: string): [string, any] => {
  const found = Object.entries(t.findResources(type));
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('per-client rate limits on /api/* (WAF on the console distribution)', () => {
  it('puts the web ACL in us-east-1 with CLOUDFRONT scope, whatever the stage region', () => {
    const [, acl] = onlyResource(edge, 'AWS::WAFv2::WebACL');

    expect(built.edge?.region).toBe(EDGE_REGION);
    expect(built.stateless.region).toBe('ap-southeast-1');
    expect(acl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it('limits each source IP and each Authorization header separately, on /api/ paths only, answering 429', () => {
    const [, acl] = onlyResource(edge, 'AWS::WAFv2::WebACL');
    const apiOnly = {
      ByteMatchStatement: {
        FieldToMatch: { UriPath: {} },
        PositionalConstraint: 'STARTS_WITH',
        SearchString: '/api/',
        TextTransformations: [{ Priority: 0, Type: 'NONE' }],
      },
    };
    const block429 = { Block: { CustomResponse: { ResponseCode: 429 } } };

    expect(acl.Properties.Rules).toEqual([
      expect.objectContaining({
        Name: 'api-rate-per-ip',
        Action: block429,
        Statement: {
          RateBasedStatement: {
            AggregateKeyType: 'IP',
            Limit: API_RATE_LIMITS.perIp,
            EvaluationWindowSec: API_RATE_LIMITS.evaluationWindowSec,
            ScopeDownStatement: apiOnly,
          },
        },
      }),
      expect.objectContaining({
        Name: 'api-rate-per-principal',
        Action: block429,
        Statement: {
          RateBasedStatement: {
            AggregateKeyType: 'CUSTOM_KEYS',
            CustomKeys: [{ Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }],
            Limit: API_RATE_LIMITS.perPrincipal,
            EvaluationWindowSec: API_RATE_LIMITS.evaluationWindowSec,
            ScopeDownStatement: apiOnly,
          },
        },
      }),
    ]);
    // Per client, below what the stage allows everybody together (50 req/s): one client cannot use it all.
    expect(API_RATE_LIMITS.perIp / API_RATE_LIMITS.evaluationWindowSec).toBeLessThan(50);
  });

  it('attaches exactly that web ACL to the distribution, through the cross-region export of its ARN', () => {
    const [aclId] = onlyResource(edge, 'AWS::WAFv2::WebACL');
    const [, writer] = onlyResource(edge, 'Custom::CrossRegionExportWriter');
    const [readerId, reader] = onlyResource(built.statelessTemplate, 'Custom::CrossRegionExportReader');
    const [, distribution] = onlyResource(built.statelessTemplate, 'AWS::CloudFront::Distribution');

    const exported = Object.entries(writer.Properties.WriterProps.exports as Record<string, unknown>).find(
      ([, value]) => JSON.stringify(value) === JSON.stringify({ 'Fn::GetAtt': [aclId, 'Arn'] }),
    );
    expect(exported).toBeDefined();
    expect(writer.Properties.WriterProps.region).toBe('ap-southeast-1');
    expect(Object.keys(reader.Properties.ReaderProps.imports)).toContain(exported![0]);
    expect(distribution.Properties.DistributionConfig.WebACLId).toEqual({ 'Fn::GetAtt': [readerId, exported![0]] });
  });

  it('is left out (nothing to pay for) while no function serves the console', () => {
    const withoutApi = buildStacks({ specs: functionSpecs.filter((s) => !s.triggers.some((t) => t.kind === 'http')) });
    try {
      expect(withoutApi.edge).toBeUndefined();
      expect(withoutApi.statelessTemplate.findResources('AWS::CloudFront::Distribution')).toEqual({});
    } finally {
      withoutApi.cleanup();
    }
  });

  it('refuses to build the web ACL anywhere but us-east-1', () => {
    const app = new App();

    expect(() => new EdgeStack(app, 'Wrong', { stage: 'dev', env: { region: 'ap-southeast-1' } })).toThrow(/us-east-1/);
  });
});
