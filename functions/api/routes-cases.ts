import * as z from 'zod/mini';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { DynamoCaseExtras } from '../../shared/adapters/dynamo/case-read-models.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoRollGroups } from '../../shared/adapters/dynamo/roll-groups.ts';
import type { AuditAction } from '../../shared/domain/access.ts';
import {
  type Case,
  caseKindLabel,
  exemptionInputSchema,
  openCaseInputSchema,
  updateCaseFields,
  updateCaseInputSchema,
  visitInputSchema,
} from '../../shared/domain/case.ts';
import type { CaseRepository } from '../../shared/domain/case-ports.ts';
import { ForbiddenError, NotFoundError } from '../../shared/domain/errors.ts';
import { cstDateSchema, note, text } from '../../shared/domain/input.ts';
import type { Message } from '../../shared/domain/message.ts';
import type { Notice } from '../../shared/domain/notice.ts';
import { pageQueryFields } from '../../shared/domain/page-cursor.ts';
import { groupsOfCase, type PupilGroupSource } from '../../shared/domain/priority-groups.ts';
import {
  assertCanActOnEscalation,
  assertCanRead,
  assertCanWrite,
  canSeeSensitive,
  type Principal,
  viewForCaller,
  type WriteAction,
} from '../../shared/domain/scope.ts';
import { auditEntryView } from '../../shared/domain/views/audit.ts';
import { caseMessageView, caseTimelineView, knownNames, noticeView } from '../../shared/domain/views/case.ts';
import {
  acknowledgeEscalationUseCase,
  acknowledgeInputSchema,
  recordTownshipOrderUseCase,
  townshipOrderInputSchema,
} from '../../shared/use-cases/escalations.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { type CaseAuditSource, listCaseAuditPage } from '../../shared/use-cases/list-case-audit.ts';
import { listCaseMessagesPage } from '../../shared/use-cases/list-case-messages.ts';
import { type CaseListScope, listCasesPage, listCasesQuerySchema } from '../../shared/use-cases/list-cases.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openOrReopenCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordExemptionUseCase } from '../../shared/use-cases/record-exemption.ts';
import { receiptInputSchema, recordNoticeReceiptUseCase } from '../../shared/use-cases/record-notice-receipt.ts';
import { recordReturnUseCase } from '../../shared/use-cases/record-return.ts';
import { recordStatusChangeUseCase } from '../../shared/use-cases/record-status-change.ts';
import { updateCaseUseCase } from '../../shared/use-cases/update-case.ts';
import { followUpDepsOf, returnHook } from '../followup-wiring.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import { parseWith } from './http.ts';
import type { OrgIndex } from './org.ts';
import type { Route, RouteContext } from './router.ts';

export interface CasePorts {
  cases: CaseRepository;
  caseExtras: DynamoCaseExtras;
  /** The pupils' roll flags a case opens with (its priority groups). */
  groups: PupilGroupSource;
  /** A case's audit entries, a page at a time (the office's "who read this child's data"). */
  auditTrail: CaseAuditSource;
}

export function casePorts(deps: ApiDeps): CasePorts {
  return {
    cases: new DynamoCaseRepository(deps.doc, deps.tableName),
    caseExtras: new DynamoCaseExtras(deps.doc, deps.tableName),
    groups: new DynamoRollGroups(deps.doc, deps.tableName, deps.config.calendar.terms),
    auditTrail: new DynamoAuditLog(deps.doc, deps.tableName),
  };
}

const isoDate = cstDateSchema;
/** Bodies: the actor (`by`, `openedBy`) always comes from the token, never from the body. */
const openCaseBody = z.strictObject(
  z.extend(z.omit(openCaseInputSchema, { openedBy: true }), {
    /** The caller confirms a different pupil of the same name as an open case (no 学籍号 to tell them apart). */
    allowDuplicate: z.optional(z.boolean()),
  }).shape,
);
const visitBody = z.strictObject(z.omit(visitInputSchema, { by: true }).shape);
const returnBody = z.strictObject({
  returnedOn: isoDate,
  evidence: z.optional(z.array(text(200)).check(z.maxLength(20))),
  note: z.optional(note(300)),
});
const transferBody = z.strictObject({
  kind: z._default(z.enum(['transfer-out', 'suspension', 'transfer-in', 'dropout', 'resumption']), 'transfer-out'),
  effectiveOn: isoDate,
  evidence: z.array(text(200)).check(z.minLength(1, '至少需要一项证明材料'), z.maxLength(20)),
  destination: z.optional(text(100)),
  approvalRef: z.optional(text(100)),
  note: z._default(note(300), ''),
});
const exemptionBody = z.strictObject(z.omit(exemptionInputSchema, { by: true }).shape);
/** PATCH: the version the caller read (conditional write) plus the fields of updateCaseInputSchema; nothing else. */
const patchBody = z.strictObject({
  version: z.int({ error: '必填：读取时案件的版本号' }).check(z.gte(1)),
  ...updateCaseFields,
});
/** `?limit&cursor` of the case's paged logs (messages, audit). */
const pageQuery = z.strictObject(pageQueryFields);
const caseIdParam = z.object({ caseId: z.string().check(z.minLength(1), z.maxLength(64)) });
const noticeParams = z.object({
  caseId: z.string().check(z.minLength(1), z.maxLength(64)),
  noticeId: z.string().check(z.minLength(1), z.maxLength(64)),
});
/** Issue: `receivedInPerson` when the guardian took the notice from the issuer's hand (receipt = issue time). */
const issueNoticeBody = z.strictObject({
  confirm: z.optional(z.literal(true)),
  receivedInPerson: z.optional(z.strictObject({ receivedBy: text(32), evidenceRef: z.optional(note(100)) })),
});

const actorOf = (p: Principal) => ({ personId: p.personId, name: p.name ?? p.personId });

/** Case routes (R2–R5): open, visits, notices, endings; lists, detail, timeline and message log (R9-scoped). */
export function caseRoutes(deps: ApiDeps, ports: CasePorts): Route<ApiPorts>[] {
  /** The use cases' ports for one request: the directory they see is the one the scope check used. */
  const caseDeps = (org: OrgIndex) => ({
    repo: ports.cases,
    directory: {
      load: async () => org.snapshot,
      save: async () => {
        throw new Error('the API does not write the directory');
      },
    },
    timers: deps.timers,
    clock: deps.clock,
    newId: deps.newId,
    log: deps.log,
    config: deps.config,
    groups: ports.groups,
  });

  /** Loads the case and checks the caller's scope for reading or for an action. */
  async function loadCase(ctx: RouteContext<ApiPorts>, action?: WriteAction): Promise<Case> {
    const { caseId } = parseWith(caseIdParam, ctx.params, 'path');
    const c = await ports.cases.getCase(caseId);
    if (!c) throw new NotFoundError('case', caseId);
    const place = ctx.org.place(c.schoolId, c.townshipId);
    if (action) assertCanWrite(ctx.principal, action, place, c.responsibleTeacher.personId);
    else assertCanRead(ctx.principal, place, c.responsibleTeacher.personId);
    return c;
  }

  async function audit(ctx: RouteContext<ApiPorts>, action: AuditAction, cases: Case[]): Promise<void> {
    if (cases.length === 0) return;
    const at = ctx.now.toISOString();
    await ctx.ports.audit.record(
      cases.map((c) => ({
        id: deps.newId(),
        at,
        personId: ctx.principal.personId,
        role: ctx.principal.role,
        action,
        caseId: c.id,
        schoolId: c.schoolId,
        sensitive: canSeeSensitive(ctx.principal, ctx.org.place(c.schoolId, c.townshipId)),
      })),
    );
  }

  const view = (ctx: RouteContext<ApiPorts>, stored: Case) => {
    // The uniqueness key is a hash of the 学籍号 or the name: storage detail, never shown.
    const { pupilKey: _key, ...c } = stored;
    const v = viewForCaller(ctx.principal, {
      ...c,
      priorityGroups: groupsOfCase(c),
      areaId: ctx.org.areaOfTownship(c.townshipId),
    });
    return {
      ...v,
      kindLabel: caseKindLabel[c.kind],
      schoolName: ctx.org.school(c.schoolId)?.name ?? c.schoolId,
      townshipName: ctx.org.township(c.townshipId)?.name ?? c.townshipId,
    };
  };

  const listScope = (ctx: RouteContext<ApiPorts>): CaseListScope => ({
    principal: ctx.principal,
    schools: ctx.org.snapshot.schools,
    place: (schoolId, townshipId) => ctx.org.place(schoolId, townshipId),
  });

  const messageView = (ctx: RouteContext<ApiPorts>, c: Case, m: Message) =>
    caseMessageView(m, canSeeSensitive(ctx.principal, ctx.org.place(c.schoolId, c.townshipId)), knownNames(c));

  async function messagesOf(c: Case) {
    const notices = await ports.caseExtras.notices(c.id);
    const messages = await ports.caseExtras.messages(c.schoolId, [c.id, ...notices.map((n) => n.id)]);
    return { notices, messages: messages.sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
  }

  /**
   * The officials' actions on a lapsed notice (`POST …/notices/:noticeId/<action>`): access per action, the body, one
   * use case, and the notice as the caller may see it (201 when it changed, 200 when it was already so).
   */
  function escalationRoute<S extends z.ZodMiniType>(
    action: 'acknowledge' | 'township-order',
    who: string,
    summary: string,
    schema: S,
    useCase: (
      deps: ReturnType<typeof caseDeps>,
      ref: { caseId: string; noticeId: string },
      input: z.output<S>,
      by: ReturnType<typeof actorOf> & { role: string },
    ) => Promise<{ notice: Notice; changed: boolean }>,
  ): Route<ApiPorts> {
    return {
      method: 'POST',
      path: `/api/cases/:caseId/notices/:noticeId/${action}`,
      who,
      summary,
      handle: async (ctx) => {
        const c = await loadCase(ctx);
        const place = ctx.org.place(c.schoolId, c.townshipId);
        assertCanActOnEscalation(ctx.principal, action, place);
        const { noticeId } = parseWith(noticeParams, ctx.params, 'path');
        const body = parseWith(schema, ctx.body ?? {}, 'body');
        const r = await useCase(caseDeps(ctx.org), { caseId: c.id, noticeId }, body, {
          ...actorOf(ctx.principal),
          role: ctx.principal.role,
        });
        const masked = !canSeeSensitive(ctx.principal, place);
        return { status: r.changed ? 201 : 200, body: { notice: noticeView(r.notice, masked), changed: r.changed } };
      },
    };
  }

  return [
    {
      method: 'POST',
      path: '/api/cases',
      who: 'school head (own school), office',
      summary:
        'open a case (R2): kind, reason, 去向, responsible teacher, guardian; 409 DUPLICATE_CASE when the pupil has an ' +
        'open case (allowDuplicate overrides); 200 reopened when a returned case is within its follow-up window',
      handle: async (ctx) => {
        const body = parseWith(openCaseBody, ctx.body, 'body');
        const place = ctx.org.placeOfSchool(body.schoolId);
        if (!place) throw new NotFoundError('school', body.schoolId);
        assertCanWrite(ctx.principal, 'open-case', place);
        const cd = caseDeps(ctx.org);
        const r = await openOrReopenCaseUseCase(
          { cases: cd, followUp: followUpDepsOf(deps, cd.directory) },
          { ...body, openedBy: actorOf(ctx.principal) },
        );
        await audit(ctx, 'open-case', [r.case]);
        if (r.reopened) return { status: 200, body: { reopened: true, case: view(ctx, r.case) } };
        return { status: 201, body: { case: view(ctx, r.case) } };
      },
    },
    {
      method: 'GET',
      path: '/api/cases',
      who: 'scoped; teachers only their own cases',
      summary:
        'cases in scope (default: open), each with its running notice deadline (countdown); pages of ?limit (≤ 100) ' +
        'from ?cursor; ?group=<priority group> (留守, 残疾…; 脱贫户 only for office, head, teacher: else 403)',
      handle: async (ctx) => {
        const q = parseWith(listCasesQuerySchema, ctx.query, 'query');
        const page = await listCasesPage(ports.cases, listScope(ctx), q);
        await audit(ctx, 'list-cases', page.cases);
        return {
          status: 200,
          body: {
            asOf: ctx.now.toISOString(),
            nextCursor: page.nextCursor,
            cases: page.cases.map((c) => {
              const n = page.notices.get(c.id);
              const masked = !canSeeSensitive(ctx.principal, ctx.org.place(c.schoolId, c.townshipId));
              return { ...view(ctx, c), notice: n ? noticeView(n, masked) : null };
            }),
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/cases/:caseId',
      who: 'scoped',
      summary: 'one case (R9 fields masked outside the pupil school and the office); the read is audited',
      handle: async (ctx) => {
        const c = await loadCase(ctx);
        await audit(ctx, 'read-case', [c]);
        return { status: 200, body: { case: view(ctx, c) } };
      },
    },
    {
      method: 'PATCH',
      path: '/api/cases/:caseId',
      who: 'head (own school), office',
      summary:
        'correct an open case: guardian name/mobile, reason, 去向, responsible teacher; `version` as read (409 if stale)',
      handle: async (ctx) => {
        const c = await loadCase(ctx, 'update-case');
        const { version, ...changes } = parseWith(patchBody, ctx.body, 'body');
        const fields = parseWith(updateCaseInputSchema, changes, 'body');
        const r = await updateCaseUseCase(caseDeps(ctx.org), c.id, {
          by: actorOf(ctx.principal),
          expectedVersion: version,
          changes: fields,
        });
        await audit(ctx, 'update-case', [r.case]);
        return { status: 200, body: { case: view(ctx, r.case), changed: r.changed } };
      },
    },
    {
      method: 'GET',
      path: '/api/cases/:caseId/timeline',
      who: 'scoped',
      summary:
        "a case's timeline: visits, notices, status changes and messages, oldest first (all of them, not paged); audited",
      handle: async (ctx) => {
        const c = await loadCase(ctx);
        const events = await ports.cases.listEvents(c.id);
        const { notices, messages } = await messagesOf(c);
        await audit(ctx, 'read-timeline', [c]);
        const masked = !canSeeSensitive(ctx.principal, ctx.org.place(c.schoolId, c.townshipId));
        return {
          status: 200,
          body: { case: view(ctx, c), ...caseTimelineView(c, events, notices, messages, masked) },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/cases/:caseId/messages',
      who: 'scoped',
      summary:
        "a case's message log (SMS to guardian and officials) with delivery status, oldest first; pages of ?limit " +
        '(1–100, default 50) from ?cursor; each page audited',
      handle: async (ctx) => {
        const c = await loadCase(ctx);
        const q = parseWith(pageQuery, ctx.query, 'query');
        const page = await listCaseMessagesPage(ports.caseExtras, { caseId: c.id, limit: q.limit, cursor: q.cursor });
        await audit(ctx, 'read-messages', [c]);
        return {
          status: 200,
          body: {
            caseId: c.id,
            nextCursor: page.nextCursor,
            messages: page.messages.map((m) => messageView(ctx, c, m)),
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/cases/:caseId/audit',
      who: 'office only (others 403)',
      summary:
        "who read this child's personal data: reader, role, action, time, newest first; pages of ?limit (1–100, " +
        'default 50) from ?cursor; not itself audited',
      handle: async (ctx) => {
        const c = await loadCase(ctx);
        if (ctx.principal.role !== 'office') throw new ForbiddenError('只有教育局办公室可以查看个人信息查阅记录');
        const q = parseWith(pageQuery, ctx.query, 'query');
        const page = await listCaseAuditPage(ports.auditTrail, { caseId: c.id, limit: q.limit, cursor: q.cursor });
        return {
          status: 200,
          body: {
            caseId: c.id,
            nextCursor: page.nextCursor,
            entries: page.entries.map((e) => auditEntryView(ctx.org, e)),
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/api/cases/:caseId/visits',
      who: 'head, office, the responsible teacher',
      summary: 'log a persuasion visit (家访/劝返)',
      handle: async (ctx) => {
        const c = await loadCase(ctx, 'log-visit');
        const body = parseWith(visitBody, ctx.body, 'body');
        const next = await logVisitUseCase(caseDeps(ctx.org), c.id, { ...body, by: actorOf(ctx.principal) });
        await audit(ctx, 'log-visit', [next]);
        return { status: 201, body: { case: view(ctx, next) } };
      },
    },
    {
      method: 'POST',
      path: '/api/cases/:caseId/notices',
      who: 'head, office',
      summary:
        'issue a 劝返复学通知书: SMS to the guardian, the one-week timer starts; 422 NOTICE_NEEDS_CONFIRMATION with ' +
        'the dates when issued outside term or the deadline/reminder falls on a day without school ({confirm: true}); ' +
        '`receivedInPerson` records the receipt (送达) at issue',
      handle: async (ctx) => {
        const c = await loadCase(ctx, 'issue-notice');
        const body = parseWith(issueNoticeBody, ctx.body, 'body');
        const n = await issueNoticeUseCase(caseDeps(ctx.org), c.id, actorOf(ctx.principal), {
          confirmed: body.confirm === true,
          ...(body.receivedInPerson ? { receivedInPerson: body.receivedInPerson } : {}),
        });
        return { status: 201, body: { notice: noticeView(n) } };
      },
    },
    {
      method: 'POST',
      path: '/api/cases/:caseId/notices/:noticeId/receipt',
      who: 'head, office',
      summary:
        'record the receipt (送达) of a notice: receivedAt, method (in-person / signed-receipt / post), receivedBy, ' +
        'evidenceRef; the deadline becomes receivedAt + 7 days and the timer moves; the same receipt again changes ' +
        'nothing (200), a different one is 409 RECEIPT_ALREADY_RECORDED',
      handle: async (ctx) => {
        const c = await loadCase(ctx, 'record-receipt');
        const { noticeId } = parseWith(noticeParams, ctx.params, 'path');
        const body = parseWith(receiptInputSchema, ctx.body, 'body');
        const r = await recordNoticeReceiptUseCase(
          caseDeps(ctx.org),
          { caseId: c.id, noticeId },
          body,
          actorOf(ctx.principal),
        );
        return {
          status: r.changed ? 201 : 200,
          body: { notice: noticeView(r.notice), changed: r.changed, previousDeadline: r.previousDeadline },
        };
      },
    },
    escalationRoute(
      'acknowledge',
      '包乡镇人员 of the township, 包片领导 of its area, office',
      'an official takes a lapsed notice on (包乡镇人员 of the township, 包片领导 of its area, office): note; the ' +
        're-escalation stops; the first acknowledgement stands (200 changed: false after it)',
      acknowledgeInputSchema,
      acknowledgeEscalationUseCase,
    ),
    escalationRoute(
      'township-order',
      '包乡镇人员 of the township, office',
      "record the township government's order after a lapse (包乡镇人员, office): kind 责令限期改正 / 限期返校, " +
        'orderedOn, ref, deadline (default +7 days); its lapse alerts the chief and the office; a return cancels it',
      townshipOrderInputSchema,
      recordTownshipOrderUseCase,
    ),
    {
      method: 'POST',
      path: '/api/cases/:caseId/return',
      who: 'head, office',
      summary:
        'record the return (复学): a running notice is complied, its timer and reminder cancelled; the 保学 plan is created',
      handle: async (ctx) => {
        const c = await loadCase(ctx, 'record-return');
        const body = parseWith(returnBody, ctx.body, 'body');
        const hook = returnHook(followUpDepsOf(deps, caseDeps(ctx.org).directory));
        const r = await recordReturnUseCase({ ...caseDeps(ctx.org), onReturned: hook.onReturned }, c.id, {
          ...body,
          by: actorOf(ctx.principal),
        });
        await audit(ctx, 'record-return', [r.case]);
        return { status: 200, body: { case: view(ctx, r.case), followUpPlan: hook.outcome()?.status } };
      },
    },
    {
      method: 'POST',
      path: '/api/cases/:caseId/transfer',
      who: 'head, office',
      summary: 'record a status change (R5): 转出 (default), 休学, 转入, 辍学, 复学 with evidence',
      handle: async (ctx) => {
        const c = await loadCase(ctx, 'record-transfer');
        const body = parseWith(transferBody, ctx.body, 'body');
        // 复学 recorded as a status change opens the follow-up plan too (R5).
        const hook = returnHook(followUpDepsOf(deps, caseDeps(ctx.org).directory));
        const r = await recordStatusChangeUseCase({ ...caseDeps(ctx.org), onReturned: hook.onReturned }, c.id, {
          ...body,
          by: actorOf(ctx.principal),
        });
        await audit(ctx, 'record-transfer', [r.case]);
        return { status: 200, body: { case: view(ctx, r.case), followUpPlan: hook.outcome()?.status } };
      },
    },
    {
      method: 'POST',
      path: '/api/cases/:caseId/exemption',
      who: 'head, office',
      summary: 'record an exemption (R4): application, township approval, filing date with 基教股',
      handle: async (ctx) => {
        const c = await loadCase(ctx, 'record-exemption');
        const body = parseWith(exemptionBody, ctx.body, 'body');
        const r = await recordExemptionUseCase(caseDeps(ctx.org), c.id, { ...body, by: actorOf(ctx.principal) });
        await audit(ctx, 'record-exemption', [r.case]);
        return { status: 200, body: { case: view(ctx, r.case) } };
      },
    },
  ];
}
