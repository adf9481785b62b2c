import { describe, expect, it } from 'vitest';
import { CLAIM, claimsOfPrincipal, principalFromClaims } from '../../functions/api/claims.ts';
import { signDevToken, verifyDevToken } from '../../functions/api/dev-token.ts';
import { Router } from '../../functions/api/router.ts';

const now = new Date('2026-03-10T02:00:00Z');

describe('dev tokens (local only)', () => {
  it('round-trips claims signed with the secret', () => {
    const token = signDevToken({ [CLAIM.personId]: 'head-s1', [CLAIM.role]: 'school-head' }, 'secret-1', now);
    expect(verifyDevToken(token, 'secret-1', now)).toMatchObject({ [CLAIM.personId]: 'head-s1' });
  });

  it('refuses another secret, a tampered payload, an expired token and alg none', () => {
    const token = signDevToken({ [CLAIM.role]: 'teacher' }, 'secret-1', now, 60);
    expect(verifyDevToken(token, 'secret-2', now)).toBeUndefined();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ [CLAIM.role]: 'office', exp: 9e9 })).toString('base64url');
    expect(verifyDevToken(`${h}.${forged}.${s}`, 'secret-1', now)).toBeUndefined();
    expect(verifyDevToken(token, 'secret-1', new Date(now.getTime() + 61_000))).toBeUndefined();
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(verifyDevToken(`${none}.${token.split('.')[1]}.`, 'secret-1', now)).toBeUndefined();
  });
});

describe('claims → principal', () => {
  it('reads the Cognito custom claims and round-trips a principal', () => {
    const p = {
      personId: 'contact-a',
      name: '测试联络甲',
      role: 'township-contact' as const,
      townshipId: 'ta',
      areaId: 'A',
    };
    expect(principalFromClaims(claimsOfPrincipal(p))).toEqual(p);
  });

  it('rejects claims without a person or with an unknown role', () => {
    expect(principalFromClaims(undefined)).toBeUndefined();
    expect(principalFromClaims({ [CLAIM.role]: 'office' })).toBeUndefined();
    expect(principalFromClaims({ [CLAIM.personId]: 'x', [CLAIM.role]: 'admin' })).toBeUndefined();
  });
});

describe('router', () => {
  const router = new Router<unknown>()
    .add({
      method: 'GET',
      path: '/api/cases/:caseId',
      who: '',
      summary: '',
      handle: async () => ({ status: 200, body: {} }),
    })
    .add({ method: 'GET', path: '/api/cases', who: '', summary: '', handle: async () => ({ status: 200, body: {} }) });

  it('captures decoded params and tells a wrong method from a missing route', () => {
    const m = router.match('GET', '/api/cases/a%2Fb');
    expect(m !== undefined && m !== 'method-not-allowed' && m.params).toEqual({ caseId: 'a/b' });
    expect(router.match('POST', '/api/cases')).toBe('method-not-allowed');
    expect(router.match('GET', '/api/other')).toBeUndefined();
  });
});
