import { Match, type Template } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { readInfraConfig } from '../../infra/config.ts';
import { CUSTOM_ATTRIBUTES } from '../../infra/constructs/console-auth.ts';
import { ACCESS_LOG_FIELDS, API_THROTTLE } from '../../infra/constructs/http-api.ts';
import { TABLE } from '../../shared/adapters/dynamo/table-definition.ts';
import { type BuiltStacks, buildStacks } from './support/build-stacks.ts';
import { sampleSpecs } from './support/sample-specs.ts';
import { importsFrom, logicalId } from './support/template-queries.ts';

/** Shaped like the manifest's `api` spec: the one function with an http trigger. */
const apiSpec: FunctionSpec = {
  name: 'api',
  description: 'HTTP API',
  triggers: [{ kind: 'http' }],
  access: ['table-read', 'table-write'],
  timeoutSeconds: 29,
  memoryMb: 1024,
};

let dev: BuiltStacks;
let prod: BuiltStacks;
let t: Template;

beforeAll(() => {
  dev = buildStacks({ specs: [...sampleSpecs(), apiSpec] });
  prod = buildStacks({ specs: [apiSpec], context: { stage: 'prod', authDomainPrefix: 'lipu-jyj-kcbx' } });
  t = dev.statelessTemplate;
});
afterAll(() => {
  dev.cleanup();
  prod.cleanup();
});

const id = (type: string, prefix: string) => logicalId(t, type, prefix);
const ref = (type: string, prefix: string) => ({ Ref: id(type, prefix) });
const props = (type: string, prefix: string) => t.findResources(type)[id(type, prefix)]!.Properties;
const clientRef = () => ref('AWS::Cognito::UserPoolClient', 'ConsoleAuthConsoleClient');
const distributionDomain = () => ({
  'Fn::GetAtt': [id('AWS::CloudFront::Distribution', 'WebConsoleDistribution'), 'DomainName'],
});
const consoleUrl = () => ({ 'Fn::Join': ['', ['https://', distributionDomain(), '/']] });

describe('table TTL', () => {
  it('expires items on expiresAt (idempotency records)', () => {
    expect(TABLE.ttlAttribute).toBe('expiresAt');
    dev.statefulTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('user pool (stateful stack)', () => {
  it('admins create every account; the custom attributes claims.ts reads exist, personId immutable', () => {
    dev.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'personId', AttributeDataType: 'String', Mutable: false }),
        Match.objectLike({ Name: 'role', AttributeDataType: 'String', Mutable: true }),
        Match.objectLike({ Name: 'schoolId', Mutable: true }),
        Match.objectLike({ Name: 'townshipId', Mutable: true }),
        Match.objectLike({ Name: 'areaId', Mutable: true }),
      ]),
    });
  });

  it('requires TOTP MFA in prod, offers it in dev; never SMS', () => {
    prod.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
    dev.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('prod keeps the pool on delete and protects it', () => {
    const pool = Object.values(prod.statefulTemplate.findResources('AWS::Cognito::UserPool'))[0]!;

    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
  });
});

describe('console app client', () => {
  it('authorization code (+ PKCE, no secret) only, openid + profile, callback and logout = the console URL', () => {
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: importsFrom(dev.statefulTemplate)('UserPool', 'Ref'),
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [consoleUrl()],
      LogoutURLs: [consoleUrl()],
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('reads every custom attribute (they reach the ID token) but may write none of them', () => {
    const client = props('AWS::Cognito::UserPoolClient', 'ConsoleAuthConsoleClient');

    expect(client.ReadAttributes).toEqual(expect.arrayContaining(CUSTOM_ATTRIBUTES.map((a) => `custom:${a}`)));
    expect(client.WriteAttributes).toEqual(['preferred_username']);
    expect(client.WriteAttributes.some((a: string) => a.startsWith('custom:') || a === 'name')).toBe(false);
  });

  it('has a managed-login domain: account-specific prefix by default, the context value when given', () => {
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['baoxue-dev-', { Ref: 'AWS::AccountId' }]] },
      ManagedLoginVersion: 2,
    });
    prod.statelessTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'lipu-jyj-kcbx' });
    t.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      ClientId: clientRef(),
      UseCognitoProvidedValues: true,
    });
  });

  it('refuses a domain prefix Cognito would refuse', () => {
    expect(() => readInfraConfig((k) => ({ authDomainPrefix: 'baoxue-cognito' })[k])).toThrow(/'authDomainPrefix'/);
    expect(() => readInfraConfig((k) => ({ authDomainPrefix: 'Baoxue_Dev' })[k])).toThrow(/'authDomainPrefix'/);
  });
});

describe('HTTP API', () => {
  it('has exactly one route, ANY /api/{proxy+}, behind the JWT authorizer', () => {
    const routes = Object.values(t.findResources('AWS::ApiGatewayV2::Route'));

    expect(routes.map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType])).toEqual([
      ['ANY /api/{proxy+}', 'JWT'],
    ]);
    expect(routes[0]!.Properties.AuthorizerId).toEqual(ref('AWS::ApiGatewayV2::Authorizer', 'HttpApiCognitoJwt'));
  });

  it('accepts only ID tokens of the pool for the console client (issuer = pool, audience = client id)', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.ap-southeast-1.',
              { Ref: 'AWS::URLSuffix' },
              '/',
              importsFrom(dev.statefulTemplate)('UserPool', 'Ref'),
            ],
          ],
        },
        Audience: [clientRef()],
      },
    });
  });

  it('proxies to the api function with payload 2.0', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [id('AWS::Lambda::Function', 'ApiFunction'), 'Arn'] },
    });
  });

  it('lets only this API (this route) invoke the function', () => {
    const permissions = Object.values(t.findResources('AWS::Lambda::Permission')).filter(
      (p) => p.Properties.Principal === 'apigateway.amazonaws.com',
    );

    expect(permissions).toHaveLength(1);
    expect(permissions[0]!.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [id('AWS::Lambda::Function', 'ApiFunction'), 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':execute-api:ap-southeast-1:',
            { Ref: 'AWS::AccountId' },
            ':',
            ref('AWS::ApiGatewayV2::Api', 'HttpApi'),
            '/*/*/api/{proxy+}',
          ],
        ],
      },
    });
  });

  it('throttles the stage and logs request metadata only (no body, header, query or token)', () => {
    const stage = props('AWS::ApiGatewayV2::Stage', 'HttpApiDefaultStage');

    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: API_THROTTLE.rateLimit,
        ThrottlingBurstLimit: API_THROTTLE.burstLimit,
      },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [id('AWS::Logs::LogGroup', 'HttpApiAccessLogs'), 'Arn'] } },
    });
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(Object.values(format).join(' ')).not.toMatch(/body|header|querystring|identity\.|authorization/i);
  });

  it('keeps access logs for the stage retention, KMS-encrypted; prod retains them', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 14,
      KmsKeyId: { 'Fn::GetAtt': [id('AWS::KMS::Key', 'HttpApiAccessLogKey'), 'Arn'] },
    });
    const prodLogs = prod.statelessTemplate.findResources('AWS::Logs::LogGroup');
    const access = Object.entries(prodLogs).find(([k]) => k.startsWith('HttpApiAccessLogs'))![1];
    expect(access.Properties.RetentionInDays).toBe(365);
    expect(access.DeletionPolicy).toBe('Retain');
  });

  it('alarms on 5xx answers and on api function errors, to the operators topic', () => {
    const topic = ref('AWS::SNS::Topic', 'OperationsOperatorsTopic');

    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: ref('AWS::ApiGatewayV2::Api', 'HttpApi') }],
      Statistic: 'Sum',
      Threshold: 1,
      AlarmActions: [topic],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref('AWS::Lambda::Function', 'ApiFunction') }],
      AlarmActions: [topic],
    });
  });
});

describe('console hosting', () => {
  it('keeps the bucket private, encrypted and TLS-only', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref('AWS::S3::Bucket', 'WebConsoleBucket'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets only this distribution read the bucket (Origin Access Control)', () => {
    t.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: {
              StringEquals: {
                'AWS:SourceArn': Match.objectLike({
                  'Fn::Join': Match.arrayWith([
                    Match.arrayWith([{ Ref: id('AWS::CloudFront::Distribution', 'WebConsoleDistribution') }]),
                  ]),
                }),
              },
            },
          }),
        ]),
      },
    });
    const origins = props('AWS::CloudFront::Distribution', 'WebConsoleDistribution').DistributionConfig.Origins;
    const s3 = origins.find((o: { S3OriginConfig?: unknown }) => o.S3OriginConfig);
    expect(s3.OriginAccessControlId).toEqual({
      'Fn::GetAtt': [id('AWS::CloudFront::OriginAccessControl', 'WebConsoleDistributionOrigin1S3'), 'Id'],
    });
    expect(s3.S3OriginConfig.OriginAccessIdentity).toBe('');
  });

  it('serves index.html over HTTPS; /api/* goes uncached to the HTTP API with Authorization forwarded', () => {
    const config = props('AWS::CloudFront::Distribution', 'WebConsoleDistribution').DistributionConfig;
    const apiOrigin = config.Origins.find((o: { CustomOriginConfig?: unknown }) => o.CustomOriginConfig);

    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.CacheBehaviors).toHaveLength(1);
    expect(config.CacheBehaviors[0]).toMatchObject({
      PathPattern: '/api/*',
      TargetOriginId: apiOrigin.Id,
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      // Every viewer header except Host: Authorization and Idempotency-Key reach the API.
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
    });
    expect(apiOrigin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(apiOrigin.DomainName).toEqual({
      'Fn::Select': [
        2,
        { 'Fn::Split': ['/', { 'Fn::GetAtt': [id('AWS::ApiGatewayV2::Api', 'HttpApi'), 'ApiEndpoint'] }] },
      ],
    });
  });

  it('sends security headers on both behaviours (HSTS, CSP, no framing, no referrer)', () => {
    const policy = ref('AWS::CloudFront::ResponseHeadersPolicy', 'WebConsoleSecurityHeaders');
    const config = props('AWS::CloudFront::Distribution', 'WebConsoleDistribution').DistributionConfig;

    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policy);
    expect(config.CacheBehaviors[0].ResponseHeadersPolicyId).toEqual(policy);
    const headers = props('AWS::CloudFront::ResponseHeadersPolicy', 'WebConsoleSecurityHeaders')
      .ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true },
      FrameOptions: { FrameOption: 'DENY' },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer' },
      ContentTypeOptions: { Override: true },
    });
    expect(headers.ContentSecurityPolicy.ContentSecurityPolicy).toMatch(/script-src 'self';/);
    expect(headers.ContentSecurityPolicy.ContentSecurityPolicy).toMatch(
      /connect-src 'self' https:\/\/\*\.amazoncognito\.com/,
    );
  });

  it('deploys web/ plus a config.json naming the pool, client, sign-in domain and console URL', () => {
    const deploy = props('Custom::CDKBucketDeployment', 'WebConsoleDeployCustomResource');
    const markers = Object.values(deploy.SourceMarkers[1] as Record<string, unknown>);

    expect(deploy.SourceObjectKeys).toHaveLength(2);
    expect(deploy.DestinationBucketName).toEqual(ref('AWS::S3::Bucket', 'WebConsoleBucket'));
    expect(deploy.DistributionPaths).toEqual(['/*']);
    expect(deploy.RetainOnDelete).toBe(false); // a destroy empties the bucket, so the bucket can go too
    expect(markers).toEqual(
      expect.arrayContaining([
        importsFrom(dev.statefulTemplate)('UserPool', 'Ref'),
        clientRef(),
        ref('AWS::Cognito::UserPoolDomain', 'ConsoleAuthDomain'),
        distributionDomain(),
      ]),
    );
  });

  it('outputs the console URL, API URL, pool, client and sign-in domain', () => {
    expect(Object.keys(t.findOutputs('*'))).toEqual(
      expect.arrayContaining(['ConsoleUrl', 'ApiUrl', 'UserPoolId', 'UserPoolClientId', 'SignInDomain']),
    );
  });

  it('leaves a stack without an http function free of API, distribution and client', () => {
    const noApi = buildStacks({ specs: sampleSpecs() });
    try {
      noApi.statelessTemplate.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
      noApi.statelessTemplate.resourceCountIs('AWS::CloudFront::Distribution', 0);
      noApi.statelessTemplate.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    } finally {
      noApi.cleanup();
    }
  });
});

describe('cdk-nag', () => {
  it.each(['dev', 'prod'] as const)('%s: AwsSolutions finds nothing unacknowledged', (stage) => {
    const app = (stage === 'dev' ? dev : prod).app;
    const report = new AwsSolutionsChecks(app).validateScope(app);

    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
