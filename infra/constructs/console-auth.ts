import { Duration, Stack } from 'aws-cdk-lib';
import {
  CfnManagedLoginBranding,
  ClientAttributes,
  type IUserPool,
  ManagedLoginVersion,
  OAuthScope,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { Stage } from '../config.ts';

/** The custom attributes of the user pool (infra/stateful-stack.ts), read by functions/api/claims.ts. */
export const CUSTOM_ATTRIBUTES = ['personId', 'role', 'schoolId', 'townshipId', 'areaId'] as const;

/** How long an ID token (and the access token) stays valid: about half a working day; then sign in again. */
export const TOKEN_VALIDITY = Duration.hours(4);

export interface ConsoleAuthProps {
  stage: Stage;
  userPool: IUserPool;
  /** The console's URL with a trailing slash (`https://<distribution>/`): the one callback and logout URL. */
  consoleUrl: string;
  /** Prefix of the Cognito domain `https://<prefix>.auth.<region>.amazoncognito.com` (globally unique). */
  domainPrefix: string;
}

/**
 * How officials sign in to the console in the cloud: a Cognito domain (managed login) and the console's app
 * client, authorization code + PKCE only (no secret: the console is a browser app), callback and logout URL = the
 * console. The client may read the custom attributes (they reach the ID token, which the API's JWT authorizer
 * accepts with `aud` = this client id) but write none of them: nobody can widen their own role or scope.
 *
 * Lives in the stateless stack next to the distribution, so the callback URL can name it without a cross-stack
 * cycle (the user pool itself, holding the accounts, is in the stateful stack).
 */
export class ConsoleAuth extends Construct {
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: /oauth2/authorize, /oauth2/token, /logout. */
  readonly domainUrl: string;
  /** Issuer of the pool's tokens, for the JWT authorizer. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: ConsoleAuthProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.client = new UserPoolClient(this, 'ConsoleClient', {
      userPool: props.userPool,
      userPoolClientName: `baoxue-${props.stage}-console`,
      generateSecret: false,
      // SRP only (scripted smoke tests with a real account); the console itself uses the hosted flow below.
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE],
        callbackUrls: [props.consoleUrl],
        logoutUrls: [props.consoleUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: TOKEN_VALIDITY,
      accessTokenValidity: TOKEN_VALIDITY,
      refreshTokenValidity: Duration.days(1),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ fullname: true, preferredUsername: true })
        .withCustomAttributes(...CUSTOM_ATTRIBUTES),
      // Only the bureau's admins set name, personId, role and scope (admin-update-user-attributes, docs/deploy.md).
      writeAttributes: new ClientAttributes().withStandardAttributes({ preferredUsername: true }),
    });

    this.domain = new UserPoolDomain(this, 'Domain', {
      userPool: props.userPool,
      cognitoDomain: { domainPrefix: props.domainPrefix },
      // Managed login prompts for TOTP set-up when the pool requires MFA (prod), and speaks zh-CN (`lang`).
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Managed login shows nothing for a client without a branding style: use Cognito's default one.
    new CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: props.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    this.domainUrl = this.domain.baseUrl();
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${props.userPool.userPoolId}`;
  }
}
