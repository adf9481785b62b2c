import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Local-only HS256 JWTs for the dev sign-in (`POST /dev/sign-in`). The cloud never sees these: there the API
 * Gateway JWT authorizer verifies Cognito's RS256 tokens. The payload carries the same claim names Cognito puts
 * in an ID token (`custom:personId`, `custom:role`, …) so the handler reads one shape in both places.
 */
export type JwtClaims = Record<string, string | number>;

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Signs claims with HS256; `iat`/`exp` are set from `now` and `ttlSeconds`. */
export function signDevToken(claims: JwtClaims, secret: string, now: Date, ttlSeconds = 12 * 3600): string {
  const iat = Math.floor(now.getTime() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ ...claims, iss: 'baoxue-local', iat, exp: iat + ttlSeconds }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The claims of a valid, unexpired token signed with `secret`; undefined for anything else. */
export function verifyDevToken(token: string, secret: string, now: Date): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    if (head.alg !== 'HS256') return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JwtClaims;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}
