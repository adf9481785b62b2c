import { type Principal, principalSchema } from '../../shared/domain/scope.ts';
import type { JwtClaims } from './dev-token.ts';

/**
 * Claim names, identical in the cloud (Cognito ID token custom attributes, passed through the API Gateway JWT
 * authorizer as `requestContext.authorizer.jwt.claims`) and locally (the dev token).
 */
export const CLAIM = {
  personId: 'custom:personId',
  role: 'custom:role',
  schoolId: 'custom:schoolId',
  townshipId: 'custom:townshipId',
  areaId: 'custom:areaId',
  name: 'name',
} as const;

/** The caller from JWT claims; undefined when the claims do not make a valid principal. */
export function principalFromClaims(claims: Record<string, unknown> | undefined): Principal | undefined {
  if (!claims) return undefined;
  const pick = (k: string) => {
    const v = claims[k];
    return typeof v === 'string' && v.length > 0 ? v : undefined;
  };
  const parsed = principalSchema.safeParse({
    personId: pick(CLAIM.personId),
    role: pick(CLAIM.role),
    name: pick(CLAIM.name),
    schoolId: pick(CLAIM.schoolId),
    townshipId: pick(CLAIM.townshipId),
    areaId: pick(CLAIM.areaId),
  });
  return parsed.success ? parsed.data : undefined;
}

/** The claims to put in a token (dev sign-in) or on a Cognito user (custom attributes) for a principal. */
export function claimsOfPrincipal(p: Principal): JwtClaims {
  const claims: JwtClaims = { sub: p.personId, [CLAIM.personId]: p.personId, [CLAIM.role]: p.role };
  if (p.name) claims[CLAIM.name] = p.name;
  if (p.schoolId) claims[CLAIM.schoolId] = p.schoolId;
  if (p.townshipId) claims[CLAIM.townshipId] = p.townshipId;
  if (p.areaId) claims[CLAIM.areaId] = p.areaId;
  return claims;
}
