import * as z from 'zod/mini';
import { SchoolCalendar } from '../../shared/domain/calendar.ts';
import { gapBanner, gapFix } from '../../shared/domain/calendar-alerts.ts';
import { HttpError, NotFoundError } from '../../shared/domain/errors.ts';
import {
  apiRoleLabel,
  canRead,
  canReadTownship,
  capabilities,
  type Principal,
  principalOf,
} from '../../shared/domain/scope.ts';
import { cstDate, systemClock } from '../../shared/domain/time.ts';
import { CALENDAR_WARNING_DAYS } from '../../shared/use-cases/open-reports.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import { claimsOfPrincipal } from './claims.ts';
import { signDevToken } from './dev-token.ts';
import { parseWith, type Reply } from './http.ts';
import type { OrgIndex } from './org.ts';
import { type Route, Router } from './router.ts';
import { casePorts, caseRoutes } from './routes-cases.ts';
import { followUpPorts, followUpRoutes } from './routes-followup.ts';
import { insightPorts, insightRoutes } from './routes-insights.ts';
import { reportPorts, reportRoutes } from './routes-reports.ts';
import { rosterRoutes } from './routes-rosters.ts';
import { uploadRoutes } from './routes-uploads.ts';

type R = Route<ApiPorts>;

const signInSchema = z.strictObject({ personId: z.string().check(z.minLength(1, '必填'), z.maxLength(64)) });

/** What the caller may see of the organisation: the console builds its filters and boards from this. */
function visibleOrg(p: Principal, org: OrgIndex) {
  const townships = org.snapshot.townships
    .filter((t) => t.active !== false)
    .filter((t) => canReadTownship(p, { townshipId: t.id, areaId: t.areaId }) || schoolsIn(t.id, p, org).length > 0)
    .map((t) => ({ id: t.id, name: t.name, areaId: t.areaId }));
  const schools = org.snapshot.schools
    .filter((s) => s.active !== false)
    .filter((s) => canRead(p, org.place(s.id, s.townshipId), p.personId))
    .map((s) => ({ id: s.id, name: s.name, townshipId: s.townshipId }));
  const schoolIds = new Set(schools.map((s) => s.id));
  const staff = org.snapshot.people
    .filter((x) => x.active !== false && x.schoolId && schoolIds.has(x.schoolId))
    .filter((x) => x.roles.includes('teacher') || x.roles.includes('school-head'))
    .map((x) => ({ id: x.id, name: x.name, schoolId: x.schoolId }));
  return { townships, schools, staff };
}

function schoolsIn(townshipId: string, p: Principal, org: OrgIndex) {
  return org.snapshot.schools.filter(
    (s) => s.townshipId === townshipId && canRead(p, org.place(s.id, s.townshipId), p.personId),
  );
}

/** All routes of the API. Each handler: validate (zod) → scope check → one use case → reply. */
export function buildRouter(deps: ApiDeps, _ports: ApiPorts): Router<ApiPorts> {
  const router = new Router<ApiPorts>();
  const schoolCalendar = new SchoolCalendar(deps.config.calendar, () => {});
  /** What the calendar cannot decide soon (missing national year, no next term), for the banner on every page. */
  const calendarGaps = (now: Date) =>
    schoolCalendar.gaps(cstDate(now), CALENDAR_WARNING_DAYS).map((gap) => ({
      kind: gap.kind,
      firstDay: gap.firstDay,
      daysLeft: gap.daysLeft,
      message: gapBanner(gap),
      command: gapFix(gap).command,
    }));

  if (deps.devAuthSecret) {
    const secret = deps.devAuthSecret;
    const devAuthClock = deps.devAuthClock ?? systemClock;
    router.add({
      method: 'GET',
      path: '/api/dev/people',
      who: 'LOCAL ONLY, public',
      public: true,
      summary: 'LOCAL ONLY: people of the directory one can sign in as',
      handle: async ({ org }) => ({
        status: 200,
        body: {
          people: org.snapshot.people
            .map((person) => ({ person, principal: principalOf(person, { ...org.snapshot, ...org.snapshot.meta }) }))
            .filter((x) => x.principal)
            .map(({ person, principal }) => ({
              personId: person.id,
              name: person.name,
              role: principal!.role,
              roleLabel: apiRoleLabel[principal!.role],
              schoolName: principal!.schoolId ? org.school(principal!.schoolId)?.name : undefined,
              townshipName: principal!.townshipId ? org.township(principal!.townshipId)?.name : undefined,
            })),
        },
      }),
    });
    router.add({
      method: 'POST',
      path: '/api/dev/sign-in',
      who: 'LOCAL ONLY, public',
      public: true,
      summary: 'LOCAL ONLY: sign in as a person of the directory; returns an HS256 token with the Cognito claim names',
      handle: async ({ body, org }) => {
        const { personId } = parseWith(signInSchema, body, 'body');
        const person = org.person(personId);
        if (!person) throw new NotFoundError('person', personId);
        const principal = principalOf(person, { ...org.snapshot, ...org.snapshot.meta });
        if (!principal) throw new HttpError(403, 'FORBIDDEN', '此人在系统中没有可登录的角色');
        return {
          status: 200,
          body: { token: signDevToken(claimsOfPrincipal(principal), secret, devAuthClock.now()), principal },
        };
      },
    });
  }

  router.add({
    method: 'GET',
    path: '/api/me',
    who: 'anyone signed in',
    summary: 'the caller (claims), role label and the part of the organisation in scope',
    handle: async ({ principal, org, now }): Promise<Reply> => ({
      status: 200,
      body: {
        // The server's time, so the console's clock (its date presets, countdowns) is right from sign-in on.
        asOf: now.toISOString(),
        principal,
        roleLabel: apiRoleLabel[principal.role],
        may: capabilities(principal),
        org: visibleOrg(principal, org),
        calendar: {
          gaps: calendarGaps(deps.clock.now()),
          // The configured terms, newest first (the upload wizard's 学期 list).
          terms: deps.config.calendar.terms.map((t) => t.name).reverse(),
        },
      },
    }),
  });

  const routes: R[] = [
    ...reportRoutes(deps, reportPorts(deps)),
    ...caseRoutes(deps, casePorts(deps)),
    ...insightRoutes(deps, insightPorts(deps)),
    ...followUpRoutes(deps, followUpPorts(deps)),
    ...rosterRoutes(deps),
    ...uploadRoutes(deps),
  ];
  for (const r of routes) router.add(r);
  return router;
}
