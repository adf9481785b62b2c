import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { Stage } from '../config.ts';
import { acknowledgeIamFindings, suppress } from '../nag.ts';

/** What the console reads from `/config.json` to sign in through Cognito (web/cloud-auth.js). */
export interface ConsoleCloudConfig {
  auth: 'cognito';
  region: string;
  userPoolId: string;
  clientId: string;
  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  domain: string;
  /** The registered callback and logout URL (the console, trailing slash). */
  redirectUri: string;
}

/** Content-Security-Policy of the console: its own scripts only; fetches to itself and to the Cognito domain. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Inline style attributes (bar widths and the like) are allowed; scripts stay strict.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' https://*.amazoncognito.com",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface WebConsoleProps {
  stage: Stage;
  /** Directory with the console's static files (`web/`). */
  webDir: string;
  api: IHttpApi;
  /** The CLOUDFRONT-scope web ACL (us-east-1) with the per-client rate limits on `/api/*`. */
  webAclArn: string;
}

/**
 * The web console: `web/` in a private S3 bucket, served by CloudFront through Origin Access Control, with a
 * second behaviour `/api/*` to the HTTP API (no caching, every viewer header but Host forwarded, so
 * `Authorization` and `Idempotency-Key` arrive). The console then calls `/api/...` on its own origin: no CORS.
 * Security headers (HSTS, CSP, no framing, no referrer: the sign-in code never leaks) on every answer.
 */
export class WebConsole extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  /** `https://<distribution domain>/` */
  readonly url: string;
  private readonly webDir: string;

  constructor(scope: Construct, id: string, props: WebConsoleProps) {
    super(scope, id);
    this.webDir = props.webDir;

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      // Only a copy of web/ lives here: always reproducible, so a destroy may take it along.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    suppress(
      this.bucket,
      'AwsSolutions-S1',
      'Holds only the static console files (no personal data), readable solely by CloudFront via OAC and written ' +
        'only by the deployment; every data call is logged by the HTTP API access log.',
    );

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `baoxue ${props.stage} console security headers`,
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentSecurityPolicy: { contentSecurityPolicy: CONSOLE_CSP, override: true },
      },
    });

    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `baoxue ${props.stage} console`,
      webAclId: props.webAclArn,
      defaultRootObject: 'index.html',
      // Edge locations in Asia included (the county is in Guangxi); the cheapest class would leave them out.
      priceClass: PriceClass.PRICE_CLASS_200,
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(apiDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            readTimeout: Duration.seconds(30),
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}/`;
    suppress(
      this.distribution,
      'AwsSolutions-CFR1',
      'No geo restriction: officials may travel; every data call needs a Cognito token anyway.',
    );
    suppress(
      this.distribution,
      'AwsSolutions-CFR3',
      'CloudFront standard logs need an ACL-enabled log bucket; the data calls are logged by the HTTP API stage.',
    );
    suppress(
      this.distribution,
      'AwsSolutions-CFR4',
      'Default *.cloudfront.net certificate: CloudFront fixes its TLS policy; set a custom domain to choose one.',
    );
  }

  /**
   * Copies web/ and a generated `config.json` (how to sign in) to the bucket, then invalidates the cache. The
   * web/ asset is staged at synth (a plain directory copy, no build step).
   */
  deploy(config: ConsoleCloudConfig): BucketDeployment {
    const deployment = new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(this.webDir), Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
      // Empty the bucket when the deployment goes (stack destroy), so CloudFormation can delete the bucket.
      retainOnDelete: false,
    });
    // The copy runs in a Lambda function aws-cdk-lib owns, one per stack (a singleton at the stack's root).
    for (const child of Stack.of(this).node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      acknowledgeIamFindings(
        child,
        'CDK BucketDeployment handler (runs at deploy time only): AWSLambdaBasicExecutionRole for its logs, ' +
          's3 object actions on the CDK asset bucket and the console bucket, CloudFront invalidation.',
      );
      suppress(
        child,
        'AwsSolutions-L1',
        'The BucketDeployment handler runtime is chosen by aws-cdk-lib; it runs only while deploying.',
      );
    }
    return deployment;
  }
}
