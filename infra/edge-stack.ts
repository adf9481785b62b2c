import { Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { Stage } from './config.ts';

/** AWS WAF for CloudFront exists only in US East (N. Virginia): a CLOUDFRONT-scope web ACL must be created there. */
export const EDGE_REGION = 'us-east-1';

/**
 * Per-client limits on `/api/*` (requests per evaluation window). WAF counts every client separately, so one client
 * cannot use up the HTTP API's stage-wide throttle (50 req/s for everybody) and starve the others.
 * - per source IP: a whole school or the bureau office may sit behind one address, so this one is generous;
 * - per `Authorization` header (one signed-in official): tighter; a forged or varied header only reaches the JWT
 *   authorizer (401, no Lambda) and still counts against its IP.
 * The console loads about ten API calls per page, so 300 per minute per official is ~30 page views a minute.
 */
export const API_RATE_LIMITS = {
  evaluationWindowSec: 60,
  perIp: 600,
  perPrincipal: 300,
} as const;

export interface EdgeStackProps extends StackProps {
  stage: Stage;
}

/**
 * What must live in us-east-1 for the console's CloudFront distribution: its web ACL. Default action Allow; two
 * rate-based rules scoped down to `/api/` answer 429 to a client over its limit. The stateless stack attaches it
 * to the distribution (a cross-region reference).
 */
export class EdgeStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    if (props.env?.region !== EDGE_REGION) {
      throw new Error(`the CloudFront web ACL must be deployed in ${EDGE_REGION}, got ${props.env?.region}`);
    }
    const apiOnly: CfnWebACL.StatementProperty = {
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: '/api/',
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    };
    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `baoxue-${props.stage}-${metricName}`,
      sampledRequestsEnabled: true,
    });
    const tooMany: CfnWebACL.RuleActionProperty = { block: { customResponse: { responseCode: 429 } } };

    this.webAcl = new CfnWebACL(this, 'ConsoleWebAcl', {
      scope: 'CLOUDFRONT',
      description: `baoxue ${props.stage} console - per-client rate limits on /api/ - docs/deploy.md`,
      defaultAction: { allow: {} },
      visibilityConfig: visibility('console-acl'),
      rules: [
        {
          name: 'api-rate-per-ip',
          priority: 0,
          action: tooMany,
          visibilityConfig: visibility('api-rate-per-ip'),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: API_RATE_LIMITS.perIp,
              evaluationWindowSec: API_RATE_LIMITS.evaluationWindowSec,
              scopeDownStatement: apiOnly,
            },
          },
        },
        {
          name: 'api-rate-per-principal',
          priority: 1,
          action: tooMany,
          visibilityConfig: visibility('api-rate-per-principal'),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [{ header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } }],
              limit: API_RATE_LIMITS.perPrincipal,
              evaluationWindowSec: API_RATE_LIMITS.evaluationWindowSec,
              scopeDownStatement: apiOnly,
            },
          },
        },
      ],
    });
  }
}
