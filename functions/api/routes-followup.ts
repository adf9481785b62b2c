import * as z from 'zod/mini';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoFollowUpDueSource } from '../../shared/adapters/dynamo/followup-due-source.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import type { AuditAction } from '../../shared/domain/access.ts';
import { campaignWindows, type SchoolCampaign } from '../../shared/domain/campaign.ts';
import type { CaseRepository } from '../../shared/domain/case-ports.ts';
import { PERSON_NAME_MAX } from '../../shared/domain/directory.ts';
import {
  ForbiddenError,
  HttpError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '../../shared/domain/errors.ts';
import { nextPlannedVisit, type Plan, type PlanVisit } from '../../shared/domain/followup.ts';
import type { FollowUpRepository } from '../../shared/domain/followup-ports.ts';
import { cstDateSchema, note, text } from '../../shared/domain/input.ts';
import { pageQueryFields } from '../../shared/domain/page-cursor.ts';
import { groupsOfCase } from '../../shared/domain/priority-groups.ts';
import { pupilKeyOf } from '../../shared/domain/pupil-key.ts';
import {
  assignedToPlan,
  canAcknowledgeCampaign,
  canAcknowledgeDuty,
  canReadDueList,
  canReadPlan,
  canSeeSensitive,
  managesSchool,
  mayRecordCampaignVisit,
  type Place,
  seesPlanNames,
  seesSchoolFigures,
} from '../../shared/domain/scope.ts';
import { acknowledgementReply } from '../../shared/domain/views/acknowledgement.ts';
import { campaignView, campaignWindowView } from '../../shared/domain/views/campaign.ts';
import { followUpDueSubjects, followUpDueView } from '../../shared/domain/views/followup-due.ts';
import { planView, planVisitsView } from '../../shared/domain/views/plan.ts';
import { acknowledgeCampaignEscalationUseCase } from '../../shared/use-cases/acknowledge-campaign.ts';
import { acknowledgeVisitEscalationUseCase } from '../../shared/use-cases/acknowledge-visit.ts';
import {
  createSchoolCampaignUseCase,
  createSendTeachingPlanUseCase,
} from '../../shared/use-cases/create-followup-plan.ts';
import { acknowledgeInputSchema } from '../../shared/use-cases/escalations.ts';
import type { FollowUpDeps } from '../../shared/use-cases/followup-deps.ts';
import { groupFilter } from '../../shared/use-cases/list-cases.ts';
import { type FollowUpDuePageSource, listFollowUpDuePage } from '../../shared/use-cases/list-followup-due-page.ts';
import {
  recordCampaignVisitUseCase,
  recordFollowUpVisitUseCase,
} from '../../shared/use-cases/record-followup-visit.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import { parseWith } from './http.ts';
import type { OrgIndex } from './org.ts';
import type { Route, RouteContext } from './router.ts';

export interface FollowUpPorts {
  plans: FollowUpRepository;
  due: FollowUpDuePageSource;
  cases: CaseRepository;
}

export function followUpPorts(deps: ApiDeps): FollowUpPorts {
  return {
    plans: new DynamoFollowUpRepository(deps.doc, deps.tableName),
    due: new DynamoFollowUpDueSource(deps.doc, deps.tableName),
    cases: new DynamoCaseRepository(deps.doc, deps.tableName),
  };
}

const calendarDate = cstDateSchema;
const personId = z.string().check(z.minLength(1), z.maxLength(64));

const dueQuery = z.strictObject({
  schoolId: z.string().check(z.minLength(1, '必填'), z.maxLength(64)),
  from: z.optional(calendarDate),
  to: z.optional(calendarDate),
  /** Checked by `groupFilter`, as on `GET /api/cases` (the allowed values depend on the caller). */
  group: z.optional(z.string().check(z.maxLength(100))),
  ...pageQueryFields,
});
const planIdParam = z.object({ planId: z.string().check(z.minLength(1), z.maxLength(100)) });
const visitParams = z.object({
  planId: z.string().check(z.minLength(1), z.maxLength(100)),
  no: z.coerce.number().check(z.int(), z.gte(1), z.lte(999)),
});
const campaignParams = z.object({
  windowId: z.string().check(z.minLength(1), z.maxLength(64)),
  schoolId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});

/** Bodies. `byId` (who did the visit) defaults to the caller; a teacher may only name themselves. */
const recordVisitBody = z.strictObject({
  no: z.optional(z.int().check(z.gte(1))),
  doneOn: calendarDate,
  byId: z.optional(personId),
  content: z.optional(note(500)),
  note: z.optional(note(500)),
});
const sendTeachingBody = z
  .strictObject({
    caseId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    studentName: z.optional(text(PERSON_NAME_MAX)),
    schoolId: z.string().check(z.minLength(1), z.maxLength(64)),
    teacherIds: z.array(personId).check(z.minLength(1, '至少一名送教教师'), z.maxLength(10)),
    content: text(500),
    from: calendarDate,
    to: calendarDate,
    visitsPerMonth: z.optional(z.int().check(z.gte(1), z.lte(8))),
  })
  .check(z.refine((b) => b.caseId || b.studentName, { message: '未提供 caseId 时必填', path: ['studentName'] }));
const campaignBody = z.strictObject({
  windowId: z.string().check(z.minLength(1), z.maxLength(64)),
  schoolId: z.string().check(z.minLength(1), z.maxLength(64)),
  households: z
    .array(
      z.strictObject({
        ref: text(64),
        studentName: text(PERSON_NAME_MAX),
        teacherId: personId,
      }),
    )
    .check(z.minLength(1, '大家访名单至少需要一户'), z.maxLength(2000)),
});
const campaignVisitBody = z.strictObject({
  ref: text(64),
  visitedOn: calendarDate,
  byId: z.optional(personId),
  note: z.optional(note(500)),
});

const forbidden = () => new ForbiddenError('无权执行此操作（超出您的角色或管辖范围）');

/**
 * Follow-up (保学), 送教上门 (一人一案) and 大家访 campaigns (R6, R7): the due list, the plan record, recording
 * visits, creating 送教上门 plans and a school's campaign. Teachers record visits of the plans and households
 * assigned to them; heads manage their school; township contacts, area leaders read their scope; the office all.
 */
export function followUpRoutes(deps: ApiDeps, ports: FollowUpPorts): Route<ApiPorts>[] {
  /** The use cases' ports for one request: the directory they see is the one the scope check used. */
  const fuDeps = (org: OrgIndex): FollowUpDeps => ({
    repo: ports.plans,
    directory: {
      load: async () => org.snapshot,
      save: async () => {
        throw new Error('the API does not write the directory');
      },
    },
    clock: deps.clock,
    newId: deps.newId,
    log: deps.log,
    config: deps.config,
  });

  async function audit(
    ctx: RouteContext<ApiPorts>,
    action: AuditAction,
    subjects: { id: string; schoolId: string; townshipId: string; sensitive?: boolean }[],
  ) {
    if (subjects.length === 0) return;
    const at = ctx.now.toISOString();
    await ctx.ports.audit.record(
      subjects.map((s) => ({
        id: deps.newId(),
        at,
        personId: ctx.principal.personId,
        role: ctx.principal.role,
        action,
        caseId: s.id,
        schoolId: s.schoolId,
        sensitive: s.sensitive ?? canSeeSensitive(ctx.principal, ctx.org.place(s.schoolId, s.townshipId)),
      })),
    );
  }

  /** The audit subject of a plan: its case, else the plan itself; `sensitive` as its names are shown. */
  const planSubject = (ctx: RouteContext<ApiPorts>, plan: Plan, place: Place) => ({
    id: plan.caseId ?? plan.id,
    schoolId: plan.schoolId,
    townshipId: plan.townshipId,
    sensitive: seesPlanNames(ctx.principal, place, plan),
  });
  const campaignSubject = (c: SchoolCampaign) => ({
    id: `campaign-${c.campaignId}-${c.schoolId}`,
    schoolId: c.schoolId,
    townshipId: c.townshipId,
  });

  async function loadPlan(ctx: RouteContext<ApiPorts>) {
    const { planId } = parseWith(planIdParam, ctx.params, 'path');
    const found = await ports.plans.getPlan(planId);
    if (!found) throw new NotFoundError('plan', planId);
    return { ...found, place: ctx.org.place(found.plan.schoolId, found.plan.townshipId) };
  }

  /** A plan and its visits as this caller may see them (names for the school, the office, its teachers). */
  const planViews = (ctx: RouteContext<ApiPorts>, plan: Plan, place: Place, visits: PlanVisit[]) => {
    const names = seesPlanNames(ctx.principal, place, plan);
    return { plan: planView(plan, names, ctx.org), visits: planVisitsView(plan, visits, ctx.now, names, ctx.org) };
  };
  const campaignFor = (ctx: RouteContext<ApiPorts>, c: SchoolCampaign, onlyTeacherId?: string) =>
    campaignView(c, canSeeSensitive(ctx.principal, ctx.org.place(c.schoolId, c.townshipId)), ctx.org, onlyTeacherId);

  /** A person who may be named as having done a visit: in the directory, active. */
  function assertPerson(org: OrgIndex, id: string, field: string) {
    const person = org.person(id);
    if (!person || person.active === false) throw new ValidationError([{ field, reason: '不是名录中的在职人员' }]);
    return person;
  }

  /** 送教 teachers: active people of the directory who teach (teachers or heads). */
  function assertTeachers(org: OrgIndex, ids: readonly string[]) {
    ids.forEach((id, i) => {
      const person = assertPerson(org, id, `body.teacherIds.${i}`);
      if (!person.roles.includes('teacher') && !person.roles.includes('school-head'))
        throw new ValidationError([{ field: `body.teacherIds.${i}`, reason: '不是教师' }]);
    });
  }

  /**
   * The pupil of a 送教 plan: with a case (of the same school), its name unless one is given, its priority groups
   * (stored on the plan) and, when it has a 学籍号, its pupil key; otherwise the plan's default key (school + name)
   * applies and the plan has no groups.
   */
  async function pupilOfCase(body: { caseId?: string; studentName?: string; schoolId: string }) {
    if (!body.caseId) return { studentName: body.studentName! };
    const c = await ports.cases.getCase(body.caseId);
    if (!c) throw new NotFoundError('case', body.caseId);
    if (c.schoolId !== body.schoolId)
      throw new ValidationError([{ field: 'body.caseId', reason: '该案件属于其他学校' }]);
    return {
      studentName: body.studentName ?? c.studentName,
      priorityGroups: groupsOfCase(c),
      ...(c.studentRef ? { pupilKey: pupilKeyOf(c) } : {}),
    };
  }

  /** The household of a 大家访 visit being recorded: on the list, and a teacher's own. */
  function householdToRecord(p: RouteContext<ApiPorts>['principal'], c: SchoolCampaign, ref: string) {
    const household = c.households.find((h) => h.ref === ref);
    if (!household) throw new ValidationError([{ field: 'body.ref', reason: '不是本次大家访名单中的户' }]);
    if (p.role === 'teacher' && household.teacherId !== p.personId)
      throw new ForbiddenError('该户由其他教师负责，只能由其本人、校长或办公室登记');
    return household;
  }

  return [
    {
      method: 'GET',
      path: '/api/followup/due',
      who: 'head (own school), office, leader, contact; a teacher: own plans/households',
      summary:
        "a school's follow-up/送教上门 visits and 大家访 households due or overdue in ?from&to (default −60…+14 days), " +
        'visits first, then households; pages of ?limit (1–100, default 50) from ?cursor; ?group=<priority group> keeps ' +
        'the visits of plans of that group, no households (脱贫户 only for office, head, teacher: else 403); audited',
      handle: async (ctx) => {
        const q = parseWith(dueQuery, ctx.query, 'query');
        const p = ctx.principal;
        const group = groupFilter(p, q.group);
        const place = ctx.org.placeOfSchool(q.schoolId);
        if (!place) throw new NotFoundError('school', q.schoolId);
        if (!canReadDueList(p, place)) throw new ForbiddenError('无权查看该学校的数据（超出您的管辖范围）');
        const forPersonId = p.role === 'teacher' ? p.personId : undefined;
        const { nextCursor, ...list } = await listFollowUpDuePage(
          { source: ports.due, clock: deps.clock },
          { ...q, forPersonId, group },
        );
        await audit(ctx, 'list-followup-due', followUpDueSubjects(list));
        const mayAcknowledge = (r: { schoolId: string; townshipId: string }) =>
          canAcknowledgeDuty(p, ctx.org.place(r.schoolId, r.townshipId));
        return {
          status: 200,
          body: { ...followUpDueView(list, canSeeSensitive(p, place), ctx.now, ctx.org, mayAcknowledge), nextCursor },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/followup/plans/:planId',
      who: "head, office, leader, contact (scope); the plan's teachers/mentor",
      summary:
        'a follow-up or 送教上门 plan with every visit (done, late, missed, pending, cancelled): 一人一案; audited',
      handle: async (ctx) => {
        const { plan, visits, place } = await loadPlan(ctx);
        if (!canReadPlan(ctx.principal, place, plan))
          throw new ForbiddenError('无权查看该学校的数据（超出您的管辖范围）');
        // A 送教 teacher of another school (特校) reads the full name too (`sensitive`).
        await audit(ctx, 'read-plan', [planSubject(ctx, plan, place)]);
        return { status: 200, body: { asOf: ctx.now.toISOString(), ...planViews(ctx, plan, place, visits) } };
      },
    },
    {
      method: 'POST',
      path: '/api/followup/plans/:planId/visits/:no/acknowledge',
      who: 'head (own school), 包乡镇人员 (township), office',
      summary:
        'take a missed (escalated) follow-up / 送教上门 visit on: the school head, the township’s 包乡镇人员 or the office; ' +
        'note; its later escalations are not sent; 201 then 200 changed: false; 409 when it did not escalate',
      handle: async (ctx) => {
        const { planId, no } = parseWith(visitParams, ctx.params, 'path');
        const found = await ports.plans.getPlan(planId);
        const place = found && ctx.org.place(found.plan.schoolId, found.plan.townshipId);
        if (!found || !place || !canReadPlan(ctx.principal, place, found.plan)) throw new NotFoundError('plan', planId);
        const p = ctx.principal;
        if (!canAcknowledgeDuty(p, place))
          throw new ForbiddenError('只有本校校长、本乡镇的包乡镇人员或控辍办可以确认跟进逾期走访');
        const input = parseWith(acknowledgeInputSchema, ctx.body ?? {}, 'body');
        const r = await acknowledgeVisitEscalationUseCase(
          { plans: ports.plans, clock: deps.clock, log: deps.log },
          { planId, no },
          input,
          p,
        );
        return {
          status: r.changed ? 201 : 200,
          body: acknowledgementReply({ planId, no }, r.visit.acknowledged!, r.changed),
        };
      },
    },
    {
      method: 'POST',
      path: '/api/followup/plans/:planId/visits',
      who: "the plan's teachers/mentor (as themselves), head (own school), office",
      summary:
        'record a follow-up/送教上门 visit done (no: default the first pending; doneOn, byId, content, note): its reminders and escalations stop',
      handle: async (ctx) => {
        const { plan, visits, place } = await loadPlan(ctx);
        const p = ctx.principal;
        if (!managesSchool(p, place) && !assignedToPlan(p, plan)) throw forbidden();
        const body = parseWith(recordVisitBody, ctx.body, 'body');
        const byId = body.byId ?? p.personId;
        if (p.role === 'teacher' && byId !== p.personId)
          throw new ForbiddenError('教师只能登记本人完成的走访（byId 须为本人）');
        assertPerson(ctx.org, byId, 'body.byId');
        const no = body.no ?? nextPlannedVisit(visits);
        if (no === undefined) throw new InvalidTransitionError('plan', plan.status, 'record a visit (none pending)');
        const visit = await recordFollowUpVisitUseCase(fuDeps(ctx.org), { ...body, planId: plan.id, no, byId });
        const after = await ports.plans.getPlan(plan.id);
        await audit(ctx, 'record-plan-visit', [planSubject(ctx, plan, place)]);
        const shown = planViews(ctx, after?.plan ?? plan, place, [visit]);
        return { status: 201, body: { plan: shown.plan, visit: shown.visits[0] } };
      },
    },
    {
      method: 'POST',
      path: '/api/followup/send-teaching-plans',
      who: 'head (own school), office',
      summary:
        'create a 送教上门 一人一案 plan (caseId or studentName, teacherIds, content, from, to, visitsPerMonth ≥ minimum): head or office',
      handle: async (ctx) => {
        const body = parseWith(sendTeachingBody, ctx.body, 'body');
        const place = ctx.org.placeOfSchool(body.schoolId);
        if (!place) throw new NotFoundError('school', body.schoolId);
        if (!managesSchool(ctx.principal, place)) throw forbidden();
        assertTeachers(ctx.org, body.teacherIds);
        const pupil = await pupilOfCase(body);
        const { plan, visits } = await createSendTeachingPlanUseCase(fuDeps(ctx.org), {
          ...body,
          ...pupil,
          townshipId: place.townshipId,
        });
        await audit(ctx, 'create-plan', [planSubject(ctx, plan, place)]);
        return { status: 201, body: planViews(ctx, plan, place, visits) };
      },
    },
    {
      method: 'POST',
      path: '/api/followup/campaigns',
      who: 'head (own school), office',
      summary:
        "create a school's 大家访 campaign for a configured window with its households (ref, studentName, teacherId): head or office",
      handle: async (ctx) => {
        const body = parseWith(campaignBody, ctx.body, 'body');
        const place = ctx.org.placeOfSchool(body.schoolId);
        if (!place) throw new NotFoundError('school', body.schoolId);
        if (!managesSchool(ctx.principal, place)) throw forbidden();
        body.households.forEach((h, i) => {
          const person = assertPerson(ctx.org, h.teacherId, `body.households.${i}.teacherId`);
          if (person.schoolId !== body.schoolId)
            throw new ValidationError([{ field: `body.households.${i}.teacherId`, reason: '不是本校教师' }]);
        });
        const { campaign, created } = await createSchoolCampaignUseCase(fuDeps(ctx.org), {
          windowId: body.windowId,
          schoolId: body.schoolId,
          households: body.households,
        });
        if (!created && !sameHouseholds(campaign, body.households))
          throw new HttpError(
            409,
            'ALREADY_EXISTS',
            '该学校在此大家访时段已有走访名单（与本次提交不同）；请按户登记走访，不要重复创建',
          );
        await audit(ctx, 'create-campaign', [campaignSubject(campaign)]);
        return { status: created ? 201 : 200, body: { created, campaign: campaignFor(ctx, campaign) } };
      },
    },
    {
      method: 'POST',
      path: '/api/followup/campaigns/:windowId/:schoolId/visits',
      who: "the household's teacher, head (own school), office",
      summary: 'record a 大家访 household visited (ref, visitedOn, note): its teacher, the head or the office',
      handle: async (ctx) => {
        const params = parseWith(z.required(campaignParams), ctx.params, 'path');
        const c = await ports.plans.getCampaign(params.windowId, params.schoolId);
        if (!c) throw new NotFoundError('campaign', `${params.windowId}/${params.schoolId}`);
        const p = ctx.principal;
        if (!mayRecordCampaignVisit(p, ctx.org.place(c.schoolId, c.townshipId), c)) throw forbidden();
        const body = parseWith(campaignVisitBody, ctx.body, 'body');
        const household = householdToRecord(p, c, body.ref);
        // Heads and the office record on behalf of the household's teacher (the domain checks byId against it);
        // a teacher sees the school's counts but only their own households.
        const own = p.role === 'teacher' ? p.personId : undefined;
        const byId = body.byId ?? own ?? household.teacherId;
        const ref = { campaignId: c.campaignId, schoolId: c.schoolId };
        const next = await recordCampaignVisitUseCase(fuDeps(ctx.org), { ...body, ...ref, byId });
        await audit(ctx, 'record-campaign-visit', [campaignSubject(next)]);
        return { status: 201, body: { campaign: campaignFor(ctx, next, own) } };
      },
    },
    {
      method: 'POST',
      path: '/api/followup/campaigns/:windowId/:schoolId/acknowledge',
      who: 'head (own school), 包乡镇人员 (township), 包片领导 (area), office',
      summary:
        'take a school’s late (escalated) 大家访 on: its head, the township’s 包乡镇人员, the area’s 包片领导 or the office; ' +
        'note; its later escalations are not sent; 201 then 200 changed: false; 409 when it did not escalate',
      handle: async (ctx) => {
        const params = parseWith(z.required(campaignParams), ctx.params, 'path');
        const c = await ports.plans.getCampaign(params.windowId, params.schoolId);
        const place = c && ctx.org.place(c.schoolId, c.townshipId);
        if (!c || !place || !seesSchoolFigures(ctx.principal, place))
          throw new NotFoundError('campaign', `${params.windowId}/${params.schoolId}`);
        if (!canAcknowledgeCampaign(ctx.principal, place))
          throw new ForbiddenError('只有本校校长、本乡镇的包乡镇人员、本片包片领导或控辍办可以确认跟进逾期大家访');
        const input = parseWith(acknowledgeInputSchema, ctx.body ?? {}, 'body');
        const r = await acknowledgeCampaignEscalationUseCase(
          { plans: ports.plans, clock: deps.clock, log: deps.log },
          { campaignId: c.campaignId, schoolId: c.schoolId },
          input,
          ctx.principal,
        );
        const ref = { windowId: c.campaignId, schoolId: c.schoolId };
        return { status: r.changed ? 201 : 200, body: acknowledgementReply(ref, r.campaign.acknowledged!, r.changed) };
      },
    },
    {
      method: 'GET',
      path: '/api/followup/campaigns',
      who: 'anyone signed in',
      summary: 'the configured 大家访 windows (derived from the term dates plus explicit ones), newest first',
      handle: async () => {
        const windows = campaignWindows(deps.config.calendar.terms, deps.config.followup.campaigns).sort((a, b) =>
          b.start.localeCompare(a.start),
        );
        return { status: 200, body: { windows } };
      },
    },
    {
      method: 'GET',
      path: '/api/followup/campaigns/:windowId',
      who: 'office, leader, contact (scope); head, teacher: their school',
      summary:
        'a 大家访 window: completion (done/total, late) per school in scope, worst first; schools without a list',
      handle: async (ctx) => {
        const { windowId } = parseWith(campaignParams, ctx.params, 'path');
        const window = campaignWindows(deps.config.calendar.terms, deps.config.followup.campaigns).find(
          (w) => w.id === windowId,
        );
        if (!window) throw new NotFoundError('campaign window', windowId);
        const sees = (schoolId: string, townshipId: string) =>
          seesSchoolFigures(ctx.principal, ctx.org.place(schoolId, townshipId));
        const all = await ports.plans.campaignSchools(windowId);
        const withList = new Set(all.map((c) => c.schoolId));
        const withoutList = ctx.org.snapshot.schools.filter(
          (s) => s.active !== false && !withList.has(s.id) && sees(s.id, s.townshipId),
        );
        const visible = all.filter((c) => sees(c.schoolId, c.townshipId));
        const mayAcknowledge = (r: { schoolId: string; townshipId: string }) =>
          canAcknowledgeCampaign(ctx.principal, ctx.org.place(r.schoolId, r.townshipId));
        return {
          status: 200,
          body: campaignWindowView(window, visible, withoutList, ctx.now, ctx.org, mayAcknowledge),
        };
      },
    },
  ];
}

/** The stored households are the ones asked for (a retry of the same creation). */
function sameHouseholds(c: SchoolCampaign, households: { ref: string; studentName: string; teacherId: string }[]) {
  const key = (h: { ref: string; studentName: string; teacherId: string }) =>
    `${h.ref}\u0000${h.studentName}\u0000${h.teacherId}`;
  const stored = c.households.map(key).sort();
  const asked = households.map(key).sort();
  return stored.length === asked.length && stored.every((k, i) => k === asked[i]);
}
