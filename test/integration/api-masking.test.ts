import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiPorts } from '../../functions/api/index.ts';
import { buildRouter } from '../../functions/api/routes.ts';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { openCaseBody, who } from '../support/api-world.ts';
import { seedRosters } from '../support/roster-seed.ts';

/**
 * R9 on every read route, for every role of the scope table: outside the pupil's school and the office the 学籍号 is
 * masked and every free text (reason, 去向, visit notes, 送教 content, exports) passes the one scrubber (known names,
 * 学籍号, ID and mobile numbers). The school, the office and the responsible/assigned teacher see it as typed.
 */

const REF = 'G450331200901011234';
const MASKED_REF = 'G4503**********1234';
const PUPIL = '测试学生小明';
const PUPIL2 = '测试学生小红';
/** Strings that must never reach a reader outside the school (names, mobile, ID number, 学籍号 digits). */
const SECRETS = [PUPIL, PUPIL2, '测试家长', '13800000901', '13800000903', '450331200901011234', '200901011234'];

type Role = keyof typeof who;
/** Who reads what they typed (the pupil's school: head, responsible teacher; the office). */
const FULL: Role[] = ['office', 'headS1', 'teacherS1'];
/** Who reads the pupil's records masked (township contact and area leader of the school's township). */
const MASKED: Role[] = ['leaderA', 'contactA'];
/** Everyone else of the role matrix: another township, another school, a teacher not responsible. */
const OUTSIDE: Role[] = ['contactB', 'headS3', 'teacherS1b'];

describe('R9 masking: every role × every read route', () => {
  let w: Awaited<ReturnType<typeof apiCallerWorld>>;
  let caseId: string;
  let case2Id: string;
  let stPlanId: string;
  let fuPlanId: string;

  beforeAll(async () => {
    w = await apiCallerWorld('mask');
    const opened = await w.call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: {
        ...openCaseBody('s1'),
        studentRef: REF,
        reason: `${PUPIL}随父母外出，父亲电话13800000903`,
        whereabouts: `广东东莞，学籍号${REF}`,
      },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    caseId = opened.body.case.id;
    const visit = await w.call({
      method: 'POST',
      path: `/api/cases/${caseId}/visits`,
      as: who.teacherS1,
      body: { at: '2026-03-10T02:00:00Z', outcome: 'met-guardian', note: '见到测试家长，身份证450331200901011234' },
    });
    expect(visit.status, JSON.stringify(visit.body)).toBe(201);
    const visit2 = await w.call({
      method: 'POST',
      path: `/api/cases/${caseId}/visits`,
      as: who.headS1,
      body: { at: '2026-03-10T02:00:00Z', outcome: 'not-home' },
    });
    expect(visit2.status, JSON.stringify(visit2.body)).toBe(201);
    const notice = await w.call({
      method: 'POST',
      path: `/api/cases/${caseId}/notices`,
      as: who.headS1,
      body: { confirm: true },
    });
    expect(notice.status, JSON.stringify(notice.body)).toBe(201);
    const plan = await w.call({
      method: 'POST',
      path: '/api/followup/send-teaching-plans',
      as: who.headS1,
      body: {
        caseId,
        schoolId: 's1',
        teacherIds: ['teacher-s1'],
        content: `为${PUPIL}送教，家长手机13800000903`,
        from: '2026-03-01',
        to: '2026-04-30',
      },
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    stPlanId = plan.body.plan.id;
    const first = plan.body.visits[0] as { dueDate: string };
    w.clock.set(`${first.dueDate}T08:00:00Z`); // 16:00 CST on the first due day
    const done = await w.call({
      method: 'POST',
      path: `/api/followup/plans/${stPlanId}/visits`,
      as: who.teacherS1,
      body: { doneOn: first.dueDate, content: `${PUPIL}识字20个`, note: `学籍号${REF}` },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(201);

    // A second pupil returns: the 保学 follow-up plan.
    const opened2 = await w.call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: { ...openCaseBody('s1'), studentName: PUPIL2, reason: `${PUPIL2}在家` },
    });
    case2Id = opened2.body.case.id;
    const patched = await w.call({
      method: 'PATCH',
      path: `/api/cases/${case2Id}`,
      as: who.headS1,
      body: { version: opened2.body.case.version, whereabouts: '在家，母亲13800000903' },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const returned = await w.call({
      method: 'POST',
      path: `/api/cases/${case2Id}/return`,
      as: who.headS1,
      body: { returnedOn: first.dueDate, note: `${PUPIL2}已返校` },
    });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    const due = await w.call({
      method: 'GET',
      path: '/api/followup/due',
      as: who.headS1,
      query: { schoolId: 's1', from: '2026-03-01', to: '2026-06-30' },
    });
    fuPlanId = (due.body.visits as { planId: string; kind: string }[]).find((v) => v.kind === 'followup')!.planId;

    // 四查三比对 of township ta: the pupil on s1's roll with the open case (在籍不在校), a register child on no roll.
    const run = await seedRosters(w.doc, w.tableName, w.deps, { name: PUPIL, studentRef: REF, grade: '七年级' });
    expect([run.run.enrolledAbsent, run.run.notEnrolled]).toEqual([1, 1]);
  });

  /** Every GET route of the router with concrete requests; `personal` routes show the pupil's records. */
  const reads = () =>
    ({
      '/api/me': [{ path: '/api/me' }],
      '/api/reports/late': [
        { path: '/api/reports/late' },
        { path: '/api/reports/late', query: { townshipId: 'ta', cadence: 'daily', level: '0', limit: '1' } },
      ],
      '/api/cases': [
        { path: '/api/cases', personal: true },
        { path: '/api/cases', query: { state: 'all' }, personal: true },
        { path: '/api/cases', query: { schoolId: 's1', state: 'closed' }, personal: true },
        // Priority groups: 留守 for everyone in scope; 脱贫户 for the office and the school only (403 elsewhere).
        { path: '/api/cases', query: { group: '留守' } },
        { path: '/api/cases', query: { group: '脱贫户' }, sensitiveGroup: true },
      ],
      '/api/cases/:caseId': [{ path: `/api/cases/${caseId}`, personal: true, ref: true }],
      '/api/cases/:caseId/timeline': [{ path: `/api/cases/${caseId}/timeline`, personal: true, ref: true }],
      '/api/cases/:caseId/messages': [
        { path: `/api/cases/${caseId}/messages`, personal: true },
        { path: `/api/cases/${caseId}/messages`, query: { limit: '1' }, personal: true },
      ],
      // Who read the child's data: the office only (everyone else 403); no name, phone or 学籍号 in it.
      '/api/cases/:caseId/audit': [
        { path: `/api/cases/${caseId}/audit`, officeOnly: true },
        { path: `/api/cases/${caseId}/audit`, query: { limit: '2' }, officeOnly: true },
      ],
      '/api/statistics': [{ path: '/api/statistics', query: { from: '2026-03-01', to: '2026-03-31' } }],
      '/api/statistics/open-cases': [
        { path: '/api/statistics/open-cases' },
        { path: '/api/statistics/open-cases', query: { schoolId: 's1' } },
      ],
      '/api/exports/ledgers': [
        { path: '/api/exports/ledgers', query: { ledger: 'roster' }, personal: true },
        { path: '/api/exports/ledgers', query: { ledger: 'cases' }, personal: true },
      ],
      '/api/followup/due': [
        { path: '/api/followup/due', query: { schoolId: 's1', from: '2026-03-01', to: '2026-06-30' }, personal: true },
        // Priority groups, as on /api/cases: 脱贫户 for the office and the school only (403 elsewhere).
        { path: '/api/followup/due', query: { schoolId: 's1', from: '2026-03-01', to: '2026-06-30', group: '留守' } },
        {
          path: '/api/followup/due',
          query: { schoolId: 's1', from: '2026-03-01', to: '2026-06-30', group: '脱贫户' },
          sensitiveGroup: true,
        },
      ],
      '/api/followup/plans/:planId': [
        { path: `/api/followup/plans/${stPlanId}`, personal: true },
        { path: `/api/followup/plans/${fuPlanId}`, personal: true },
      ],
      '/api/followup/campaigns': [{ path: '/api/followup/campaigns' }],
      // Blank import templates: no personal data in them for anyone.
      '/api/templates/:kind': [
        { path: '/api/templates/directory' },
        { path: '/api/templates/roll' },
        { path: '/api/templates/register' },
      ],
      '/api/cross-check/:townshipId': [
        { path: '/api/cross-check/ta', personal: true },
        { path: '/api/cross-check/ta', query: { format: 'xlsx' } },
      ],
      '/api/roster-ledgers': [
        { path: '/api/roster-ledgers', query: { townshipId: 'ta' }, personal: true },
        { path: '/api/roster-ledgers', query: { format: 'xlsx' } },
        { path: '/api/roster-ledgers', query: { townshipId: 'ta', group: '残疾' } },
      ],
      '/api/followup/campaigns/:windowId': [{ path: '/api/followup/campaigns/2026-summer-before' }],
      // Someone else's (or no) upload: 404 for everyone, nothing personal in an upload's progress anyway.
      '/api/uploads/:uploadId/progress': [{ path: '/api/uploads/not-my-upload-1/progress' }],
    }) as Record<
      string,
      {
        path: string;
        query?: Record<string, string>;
        personal?: boolean;
        ref?: boolean;
        sensitiveGroup?: boolean;
        officeOnly?: boolean;
      }[]
    >;

  it('the matrix covers every GET route of the router (a new read route must be added here)', () => {
    const gets = buildRouter(w.deps, {} as ApiPorts)
      .routes.filter((r) => r.method === 'GET')
      .map((r) => r.path);
    expect(Object.keys(reads()).sort()).toEqual(gets.sort());
  });

  it.each([...FULL, ...MASKED, ...OUTSIDE])('%s', async (role) => {
    const as = who[role] as Principal;
    for (const [route, requests] of Object.entries(reads())) {
      for (const r of requests) {
        const res = await w.raw({ method: 'GET', path: r.path, as, ...(r.query ? { query: r.query } : {}) });
        const where = `${role} ${route} ${JSON.stringify(r.query ?? {})}`;
        expect(res.status, where).toBeLessThan(500);
        if (r.officeOnly) {
          expect(res.status, where).toBe(role === 'office' ? 200 : 403);
          for (const s of SECRETS) expect(res.text, `${where}: ${s}`).not.toContain(s);
          if (role === 'office') expect(res.text, where).toMatch(/"reader":\{"personId":"[a-z0-9-]+"/);
          continue;
        }
        if (FULL.includes(role)) {
          // As typed (teachers keep no ledger and decide no cross-check: those are refused).
          if (r.personal && res.status === 200) expect(res.text, where).toMatch(new RegExp(`${PUPIL}|${PUPIL2}`));
          else if (r.personal)
            expect([role, route]).toEqual([
              'teacherS1',
              expect.stringMatching(/^\/api\/(exports\/ledgers|cross-check\/:townshipId|roster-ledgers)$/),
            ]);
          continue;
        }
        for (const s of SECRETS) expect(res.text, `${where}: ${s}`).not.toContain(s);
        // R9: 脱贫户 status only for the pupil's school and the office (the case opened above is declared 脱贫户).
        if (
          [
            '/api/cross-check/:townshipId',
            '/api/roster-ledgers',
            '/api/cases',
            '/api/cases/:caseId',
            '/api/followup/due',
          ].includes(route) ||
          (route === '/api/statistics' && [...MASKED, 'contactB'].includes(role))
        )
          expect(res.text, where).not.toContain('脱贫户');
        if (r.sensitiveGroup && MASKED.includes(role)) expect(res.status, where).toBe(403);
        if (MASKED.includes(role) && r.personal) {
          expect(res.status, where).toBe(200);
          expect(res.text, where).toMatch(/测\*+[明长红]/);
        }
        if (r.ref && MASKED.includes(role)) expect(res.text, where).toContain(MASKED_REF);
      }
    }
  });

  it('the school sees as typed; a township contact sees the scrubbed text on detail, timeline, plan and export', async () => {
    const own = await w.call({ method: 'GET', path: `/api/cases/${caseId}`, as: who.headS1 });
    expect(own.body.case).toMatchObject({ studentRef: REF, whereabouts: `广东东莞，学籍号${REF}` });

    const as = who.contactA;
    const detail = await w.call({ method: 'GET', path: `/api/cases/${caseId}`, as });
    expect(detail.body.case).toMatchObject({
      studentName: '测****明',
      studentRef: MASKED_REF,
      reason: '测****明随父母外出，父亲电话138****0903',
      whereabouts: `广东东莞，学籍号${MASKED_REF}`,
      masked: true,
    });
    const timeline = await w.call({ method: 'GET', path: `/api/cases/${caseId}/timeline`, as });
    const visit = (timeline.body.timeline as { type: string; data: { note?: string } }[]).find(
      (i) => i.type === 'visit',
    );
    expect(visit?.data.note).toBe('见到测**长，身份证450331********1234');
    const plan = await w.call({ method: 'GET', path: `/api/followup/plans/${stPlanId}`, as });
    expect(plan.body.plan.content).toBe('为测****明送教，家长手机138****0903');
    expect(plan.body.visits[0]).toMatchObject({ content: '测****明识字20个', note: `学籍号${MASKED_REF}` });
    const roster = await w.raw({ method: 'GET', path: '/api/exports/ledgers', as, query: { ledger: 'roster' } });
    expect(roster.text).toContain('测****明随父母外出，父亲电话138****0903');
    expect(roster.text).toContain(`广东东莞，学籍号${MASKED_REF}`);
  });

  it('write replies that show the case or plan are audited like reads', async () => {
    const audit = new DynamoAuditLog(w.doc, w.tableName);
    const actions = async (id: string) => (await audit.listForCase(id)).map((e) => `${e.personId}:${e.action}`);
    expect(await actions(caseId)).toEqual(
      expect.arrayContaining(['head-s1:open-case', 'teacher-s1:log-visit', 'head-s1:create-plan']),
    );
    expect(await actions(caseId)).toContain('teacher-s1:record-plan-visit');
    expect(await actions(case2Id)).toEqual(
      expect.arrayContaining(['head-s1:open-case', 'head-s1:update-case', 'head-s1:record-return']),
    );
  });
});
