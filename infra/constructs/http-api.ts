import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Stage } from '../config.ts';
import { suppress } from '../nag.ts';

/** Stage-wide throttling defaults (requests per second, burst); a county's officials stay far below them. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 };

/** The API's one route: everything under /api goes to the api function, which routes itself (functions/api). */
export const API_ROUTE_PATH = '/api/{proxy+}';

/** What the access log records per request: metadata only (no bodies, no headers, no token, no query string). */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
} as const;

export interface BaoxueHttpApiProps {
  stage: Stage;
  /** The `api` function (the manifest spec with trigger kind 'http'). */
  handler: IFunction;
  logRetention: RetentionDays;
  /** The operators topic (infra/constructs/operations.ts) the API's alarms notify. */
  alarmTopic: ITopic;
  /** Alarm when the API answers at least this many 5xx in 5 minutes. */
  serverErrorThreshold: number;
}

/**
 * The API Gateway HTTP API: one route `ANY /api/{proxy+}` to the api function (payload 2.0) behind a JWT
 * authorizer (issuer = the user pool, audience = the console's app client), stage throttling, KMS-encrypted JSON
 * access logs (no bodies, no tokens) and an alarm on 5xx answers. No public route exists in the cloud: the dev
 * sign-in is local only. The function's own error/throttle alarms come from Operations, like every function's.
 */
export class BaoxueHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly serverErrorAlarm: Alarm;
  private readonly handler: IFunction;

  constructor(scope: Construct, id: string, props: BaoxueHttpApiProps) {
    super(scope, id);
    const production = props.stage === 'prod';
    const stack = Stack.of(this);

    this.api = new HttpApi(this, 'Api', {
      description: `baoxue ${props.stage} API (docs/api.md)`,
      createDefaultStage: false,
    });

    // Access logs hold paths (case ids) and the caller's Cognito sub: encrypt them with a key of their own.
    const logKey = new Key(this, 'AccessLogKey', {
      enableKeyRotation: true,
      description: `baoxue ${props.stage} API access logs`,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*' });
    logKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
      }),
    );
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      encryptionKey: logKey,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: { bind: () => ({ destinationArn: this.accessLogs.logGroupArn }) },
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.handler = props.handler;

    this.serverErrorAlarm = new Alarm(this, 'ServerErrors', {
      metric: this.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: props.serverErrorThreshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `[baoxue ${props.stage}] the HTTP API answered 5xx (function errors, timeouts or throttling)`,
    });
    this.serverErrorAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }

  /**
   * Adds the one route, behind a JWT authorizer. Separate from the constructor because the audience (the console's
   * app client) names the console URL, which names this API as its `/api/*` origin.
   * @param issuer `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`
   * @param audience the console's app client id: Cognito ID tokens carry it as `aud`
   */
  addProxyRoute(issuer: string, audience: string): void {
    const authorizer = new HttpJwtAuthorizer('CognitoJwt', issuer, {
      jwtAudience: [audience],
      authorizerName: 'cognito-id-token',
    });
    this.api.addRoutes({
      path: API_ROUTE_PATH,
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('ApiIntegration', this.handler),
      authorizer,
    });
  }

  /**
   * A provider's push (POST only), without the JWT authorizer: the provider cannot present a Cognito token, so the
   * function checks the caller's shared secret itself (functions/sms-receipt-hook). Not under /api/*, so the
   * console's CloudFront origin never forwards to it.
   */
  addWebhookRoute(path: string, handler: IFunction, name: string): void {
    const routes = this.api.addRoutes({
      path,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration(`Webhook-${name}`, handler),
    });
    for (const route of routes)
      suppress(
        route,
        'AwsSolutions-APIG4',
        'A provider push (Alibaba SmsReport) cannot carry a Cognito token: the function authorises the caller by the ' +
          'shared callbackToken of the provider secret, compared in constant time, and only writes delivery receipts.',
      );
  }
}
