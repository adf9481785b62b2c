import { describe, expect, it } from 'vitest';
import type { ConsoleCloudConfig } from '../../infra/constructs/web-console.ts';

/** web/cloud-auth.js is plain browser JS (no types); its pure helpers run under Node's WebCrypto. */
interface CloudAuthModule {
  cloud: unknown;
  base64url(bytes: Uint8Array): string;
  randomString(byteLength?: number): string;
  codeChallenge(verifier: string): Promise<string>;
  parseConfig(json: unknown): (ConsoleCloudConfig & { domain: string }) | null;
  authorizeUrl(config: ConsoleCloudConfig, p: { state: string; challenge: string }): string;
  tokenRequest(
    config: ConsoleCloudConfig,
    p: { code: string; verifier: string },
  ): { url: string; body: URLSearchParams };
  logoutUrl(config: ConsoleCloudConfig): string;
  jwtClaims(token: unknown): Record<string, unknown> | null;
  tokenUsable(token: string, nowMs: number): boolean;
  callbackParams(search: string): { code?: string; error?: string; state: string | null } | null;
}

const modulePath = '../../web/cloud-auth.js';
const auth = (await import(modulePath)) as CloudAuthModule;

const config: ConsoleCloudConfig = {
  auth: 'cognito',
  region: 'ap-southeast-1',
  userPoolId: 'ap-southeast-1_EXAMPLE00',
  clientId: 'exampleclientid0000000000',
  domain: 'https://baoxue-dev-000000000000.auth.ap-southeast-1.amazoncognito.com',
  redirectUri: 'https://d000example.cloudfront.net/',
};

const fakeJwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('PKCE helpers', () => {
  it('encodes base64url without padding', () => {
    expect(auth.base64url(new Uint8Array([251, 255]))).toBe('-_8');
    expect(auth.base64url(new Uint8Array([]))).toBe('');
  });

  it('makes 43-character verifiers from the unreserved alphabet, different each time (RFC 7636 §4.1)', () => {
    const a = auth.randomString();
    const b = auth.randomString();

    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b).not.toBe(a);
  });

  it('derives the S256 challenge of RFC 7636 appendix B', async () => {
    const challenge = await auth.codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');

    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});

describe('URLs and requests', () => {
  it('sends the browser to /oauth2/authorize with code, PKCE S256, state, openid scope and zh-CN', () => {
    const url = new URL(auth.authorizeUrl(config, { state: 'st-1', challenge: 'ch-1' }));

    expect(`${url.origin}${url.pathname}`).toBe(`${config.domain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      scope: 'openid profile',
      state: 'st-1',
      code_challenge: 'ch-1',
      code_challenge_method: 'S256',
      lang: 'zh-CN',
    });
  });

  it('exchanges the code at /oauth2/token with the verifier and no client secret', () => {
    const { url, body } = auth.tokenRequest(config, { code: 'code-1', verifier: 'ver-1' });

    expect(url).toBe(`${config.domain}/oauth2/token`);
    expect(Object.fromEntries(body)).toEqual({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code: 'code-1',
      redirect_uri: config.redirectUri,
      code_verifier: 'ver-1',
    });
  });

  it('signs out through /logout back to the console', () => {
    const url = new URL(auth.logoutUrl(config));

    expect(`${url.origin}${url.pathname}`).toBe(`${config.domain}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: config.clientId,
      logout_uri: config.redirectUri,
    });
  });

  it('reads the return from managed login', () => {
    expect(auth.callbackParams('?code=c1&state=s1')).toEqual({ code: 'c1', state: 's1' });
    expect(auth.callbackParams('?error=access_denied&state=s1')).toEqual({ error: 'access_denied', state: 's1' });
    expect(auth.callbackParams('')).toBeNull();
  });
});

describe('config and tokens', () => {
  it('accepts the config.json the stack writes, trailing slash of the domain dropped', () => {
    expect(auth.parseConfig({ ...config, domain: `${config.domain}/` })).toEqual(config);
  });

  it('accepts a localhost console (Cognito allows http callbacks only there)', () => {
    expect(auth.parseConfig({ ...config, redirectUri: 'http://127.0.0.1:3000/' })).not.toBeNull();
  });

  it.each([
    ['missing (local)', null],
    ['another auth', { ...config, auth: 'dev' }],
    ['no client id', { ...config, clientId: '' }],
    ['plain http domain', { ...config, domain: 'http://example.org' }],
    ['plain http console elsewhere than localhost', { ...config, redirectUri: 'http://example.org/' }],
  ])('gives null for a config that is %s', (_label, json) => {
    expect(auth.parseConfig(json)).toBeNull();
  });

  it('decodes JWT claims and says whether the token still has more than a minute', () => {
    const now = Date.UTC(2026, 2, 9, 1, 0, 0);
    const token = fakeJwt({ exp: now / 1000 + 3600, 'custom:role': 'school-head', name: '测试校长' });

    expect(auth.jwtClaims(token)).toMatchObject({ 'custom:role': 'school-head', name: '测试校长' });
    expect(auth.tokenUsable(token, now)).toBe(true);
    expect(auth.tokenUsable(token, now + 3600_000 - 30_000)).toBe(false);
    expect(auth.tokenUsable('not-a-jwt', now)).toBe(false);
  });

  it('is inert under Node (no window): the local console keeps the dev sign-in', () => {
    expect(auth.cloud).toBeNull();
  });
});
