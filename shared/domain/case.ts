import * as z from 'zod/mini';
import { idSchema, mobileSchema, PERSON_NAME_MAX } from './directory.ts';
import { fromZodIssues, InvalidTransitionError, ValidationError } from './errors.ts';
import { cstDateSchema, note, text } from './input.ts';
import { groupsFromRoll, type PriorityFlag } from './priority-groups.ts';
import { pupilKeyOf } from './pupil-key.ts';

/**
 * A dropout-control case (R2–R5, 荔教〔2023〕1号 §四(一), §四(二)): one pupil who is not at school, from opening
 * through persuasion, the 劝返复学通知书 and its one-week deadline, to its end (returned, exempted, transferred,
 * suspended). The lifecycle is an explicit table: anything not in it is refused with InvalidTransitionError.
 */

export const caseKinds = ['not-returned', 'dropped-out', 'never-enrolled'] as const;
export const caseKindSchema = z.enum(caseKinds);
export type CaseKind = z.infer<typeof caseKindSchema>;
export const caseKindLabel: Record<CaseKind, string> = {
  'not-returned': '未按时返校',
  'dropped-out': '辍学',
  'never-enrolled': '从未入学',
};

export const caseStates = [
  'opened',
  'persuading',
  'notice-issued',
  'lapsed',
  'escalated',
  'returned',
  'exempted',
  'transferred',
  'suspended',
] as const;
export type CaseState = (typeof caseStates)[number];

/**
 * States in which nothing more happens on the case. A new absence is a new case, except a returned pupil reported
 * absent again within the follow-up window (R6): that case reopens with its history (`reopen`).
 */
export const closedStates: ReadonlySet<CaseState> = new Set(['returned', 'exempted', 'transferred', 'suspended']);

export const caseActions = [
  'log-visit',
  'issue-notice',
  'lapse',
  'escalate',
  'record-return',
  'record-exemption',
  'record-transfer',
  'record-suspension',
  'reopen',
] as const;
export type CaseAction = (typeof caseActions)[number];

/** Ends a case from any open state: 复学, R4 exemption, 转出, approved 休学. */
const closing: Partial<Record<CaseAction, CaseState>> = {
  'record-return': 'returned',
  'record-exemption': 'exempted',
  'record-transfer': 'transferred',
  'record-suspension': 'suspended',
};

/** The lifecycle: state → action → next state. Absent pairs are refused. */
export const transitions: Readonly<Record<CaseState, Partial<Record<CaseAction, CaseState>>>> = {
  opened: { 'log-visit': 'persuading', ...closing },
  persuading: { 'log-visit': 'persuading', 'issue-notice': 'notice-issued', ...closing },
  'notice-issued': { 'log-visit': 'notice-issued', lapse: 'lapsed', ...closing },
  lapsed: { 'log-visit': 'lapsed', escalate: 'escalated', ...closing },
  escalated: { 'log-visit': 'escalated', ...closing },
  returned: { reopen: 'opened' },
  exempted: {},
  transferred: {},
  suspended: {},
};

/** The next state, or InvalidTransitionError naming the current state and the attempted action. */
export function nextState(current: CaseState, action: CaseAction): CaseState {
  const next = transitions[current][action];
  if (!next) throw new InvalidTransitionError('case', current, action);
  return next;
}

/** Who did something on a case: a directory person, or a free-text name (e.g. a village cadre). */
export const actorSchema = z.strictObject({ personId: z.optional(idSchema), name: text(32) });
export type Actor = z.infer<typeof actorSchema>;

const isoDate = cstDateSchema;
const evidenceSchema = z.array(text(200)).check(z.minLength(1, '至少需要一项证明材料'), z.maxLength(20));

export const openCaseInputSchema = z.object({
  schoolId: idSchema,
  studentName: text(PERSON_NAME_MAX),
  /** 学籍号 or another school reference; optional because never-enrolled children have none. */
  studentRef: z.optional(text(40)),
  grade: z.optional(text(20)),
  kind: caseKindSchema,
  reason: text(500),
  /** 去向: where the child is now (外出务工, 在家, 随父母外出…). */
  whereabouts: text(200),
  /** 科任教师包人: the teacher answerable for this child. */
  responsibleTeacher: actorSchema,
  guardian: z.strictObject({ name: text(32), phone: z.optional(mobileSchema) }),
  /** 建档立卡脱贫户: shown only within limited scope (R9). */
  povertyRegistered: z._default(z.boolean(), false),
  openedBy: actorSchema,
});
export type OpenCaseInput = z.input<typeof openCaseInputSchema>;

export const visitOutcomes = ['met-guardian', 'met-child', 'not-home', 'refused', 'promised-return'] as const;
export const visitInputSchema = z.object({
  by: actorSchema,
  /** When the visit took place (ISO instant). */
  at: z.iso.datetime(),
  outcome: z.enum(visitOutcomes),
  note: z._default(note(500), ''),
});
export type VisitInput = z.input<typeof visitInputSchema>;
export type Visit = z.infer<typeof visitInputSchema>;

/** R4 (§四(一)): written application by the guardian, township approval, filing with 基教股. */
export const exemptionInputSchema = z.object({
  applicationRef: text(100),
  townshipApprovalRef: text(100),
  filedWithBureauOn: isoDate,
  reason: text(300),
  by: actorSchema,
});
export type ExemptionInput = z.input<typeof exemptionInputSchema>;

/** R5 (§四(二)2): 转入/转出/休学/复学/辍学, each with evidence references. */
export const statusChangeKinds = ['transfer-in', 'transfer-out', 'suspension', 'resumption', 'dropout'] as const;
export const statusChangeLabel: Record<(typeof statusChangeKinds)[number], string> = {
  'transfer-in': '转入',
  'transfer-out': '转出',
  suspension: '休学',
  resumption: '复学',
  dropout: '辍学',
};
export const statusChangeInputSchema = z
  .object({
    kind: z.enum(statusChangeKinds),
    /** The business date the change took effect. */
    effectiveOn: isoDate,
    evidence: evidenceSchema,
    /** 转出: the receiving school or place. */
    destination: z.optional(text(100)),
    /** 休学: the approval reference (only approved 休学 is recorded). */
    approvalRef: z.optional(text(100)),
    note: z._default(note(300), ''),
    by: actorSchema,
  })
  .check(
    z.superRefine((v, ctx) => {
      if (v.kind === 'transfer-out' && !v.destination)
        ctx.addIssue({ code: 'custom', path: ['destination'], message: '转出须填写去向学校或地点' });
      if (v.kind === 'suspension' && !v.approvalRef)
        ctx.addIssue({ code: 'custom', path: ['approvalRef'], message: '休学须填写批准文号' });
    }),
  );
export type StatusChangeInput = z.input<typeof statusChangeInputSchema>;
export type StatusChange = z.infer<typeof statusChangeInputSchema>;

/** The action a status change drives on the case, if any (转入 and 辍学 are recorded on the timeline only). */
export type EndingAction = 'record-return' | 'record-exemption' | 'record-transfer' | 'record-suspension';
export function actionOfStatusChange(kind: StatusChange['kind']): EndingAction | undefined {
  return (
    {
      'transfer-out': 'record-transfer',
      suspension: 'record-suspension',
      resumption: 'record-return',
      'transfer-in': undefined,
      dropout: undefined,
    } as const
  )[kind];
}

export interface Case {
  id: string;
  schoolId: string;
  townshipId: string;
  studentName: string;
  studentRef?: string;
  grade?: string;
  kind: CaseKind;
  reason: string;
  whereabouts: string;
  responsibleTeacher: Actor;
  /**
   * The legal guardian. A case opened by hand names them; one opened automatically from a report (`openedFrom`)
   * starts without a guardian (nobody is invented) until the school fills it in (PATCH); no notice goes out before.
   */
  guardian: { name?: string; phone?: string };
  povertyRegistered: boolean;
  /**
   * The pupil's priority groups (留守, 残疾…, and 脱贫户 consistent with `povertyRegistered`), from the latest term's
   * roll that holds the pupil: set when the case opens and again when a roll is imported later. Absent on cases
   * stored before groups existed (read with `groupsOfCase`). 脱贫户 is shown only within the R9 scope.
   */
  priorityGroups?: PriorityFlag[];
  /** Set when the case was opened automatically because a filed report listed the pupil as not back. */
  openedFrom?: ReportSource;
  state: CaseState;
  openedAt: string;
  updatedAt: string;
  visitCount: number;
  /** The notice currently running (or the last one issued). */
  currentNoticeId?: string;
  closedAt?: string;
  /**
   * The pupil's uniqueness key (`pupilKeyOf`): while the case is open it holds the `PUPIL#<key>` item, taken in the
   * transaction that opens or reopens it and given back in the one that ends it. Absent on cases stored before the
   * key existed (they take it when they reopen) and on a confirmed same-name duplicate (`duplicateConfirmed`).
   */
  pupilKey?: string;
  /** Opened as a different pupil of the same name (allowDuplicate, no 学籍号): holds no uniqueness key. */
  duplicateConfirmed?: boolean;
  exemption?: z.infer<typeof exemptionInputSchema>;
  transfer?: { destination: string; effectiveOn: string };
  version: number;
}

export type CaseEventType =
  | 'opened'
  | 'visit'
  | 'notice-issued'
  /** The guardian's receipt of the notice was recorded; the week now runs from it. */
  | 'notice-received'
  /** The guardian's notice SMS failed, was not delivered or not confirmed in time: the school delivers it otherwise. */
  | 'notice-sms-undelivered'
  | 'lapsed'
  | 'escalated'
  /** Nobody acknowledged the lapse alert in time: the next level (包片领导, then 总负责人 + office) was alerted. */
  | 're-escalated'
  /** An official took the lapsed notice on (who, when, a note): the re-escalation stops. */
  | 'escalation-acknowledged'
  /** The township government's order (责令限期改正 / 限期返校), with its own deadline. */
  | 'township-order'
  /** The township order's deadline passed with the child still not back: the chief and the office were alerted. */
  | 'township-order-lapsed'
  | 'returned'
  | 'exempted'
  | 'transferred'
  | 'suspended'
  | 'status-change'
  | 'reopened'
  | 'updated'
  /** A filed report listed the pupil of this open case as not back again (once per case per report period). */
  | 'reported-absent';

/** One line of a case's timeline (visits, status changes, transitions). Append-only. */
export interface CaseEvent {
  id: string;
  caseId: string;
  at: string;
  type: CaseEventType;
  by?: Actor;
  data: Record<string, unknown>;
}

/** A case that just opened (validated input, directory-resolved township). */
export function openCase(input: OpenCaseInput, ids: { id: string; townshipId: string; now: Date }): Case {
  const v = parseInput(openCaseInputSchema, input);
  const at = ids.now.toISOString();
  return {
    id: ids.id,
    schoolId: v.schoolId,
    townshipId: ids.townshipId,
    studentName: v.studentName,
    ...(v.studentRef ? { studentRef: v.studentRef } : {}),
    ...(v.grade ? { grade: v.grade } : {}),
    kind: v.kind,
    reason: v.reason,
    whereabouts: v.whereabouts,
    responsibleTeacher: v.responsibleTeacher,
    guardian: v.guardian,
    ...groupsFromRoll(v, undefined),
    state: 'opened',
    pupilKey: pupilKeyOf(v),
    openedAt: at,
    updatedAt: at,
    visitCount: 0,
    version: 0,
  };
}

/** The report a case was opened from: `<schoolId>:<cadence>:<periodKey>` and its parts. */
export interface ReportSource {
  slotId: string;
  cadence: 'daily' | 'weekly' | 'monthly';
  periodKey: string;
}

/** Reason recorded on a case opened from a report that gave none. */
export const REPORTED_REASON = '报表列为未返校/辍学';
/** 去向 of a case opened from a report until the school finds out. */
export const WHEREABOUTS_UNKNOWN = '待核实';

/**
 * A case opened automatically for a pupil a report lists as not back (R2): the school head is the
 * responsible teacher until the school reassigns, 去向 is 待核实 and the guardian is unknown (left empty, not
 * invented). The kind follows the listed status.
 */
export function openCaseFromReport(input: {
  id: string;
  schoolId: string;
  townshipId: string;
  pupil: {
    studentName: string;
    studentId?: string;
    grade?: string;
    status: 'not-returned' | 'dropped-out';
    reason?: string;
  };
  head: Actor;
  source: ReportSource;
  now: Date;
}): Case {
  const at = input.now.toISOString();
  const { pupil } = input;
  return {
    id: input.id,
    schoolId: input.schoolId,
    townshipId: input.townshipId,
    studentName: pupil.studentName,
    ...(pupil.studentId ? { studentRef: pupil.studentId.slice(0, 40) } : {}),
    ...(pupil.grade ? { grade: pupil.grade } : {}),
    kind: pupil.status === 'dropped-out' ? 'dropped-out' : 'not-returned',
    reason: pupil.reason?.trim() || REPORTED_REASON,
    whereabouts: WHEREABOUTS_UNKNOWN,
    responsibleTeacher: input.head,
    guardian: {},
    ...groupsFromRoll({ povertyRegistered: false }, undefined),
    openedFrom: input.source,
    state: 'opened',
    pupilKey: pupilKeyOf({
      schoolId: input.schoolId,
      studentName: pupil.studentName,
      studentRef: pupil.studentId?.slice(0, 40),
      grade: pupil.grade,
    }),
    openedAt: at,
    updatedAt: at,
    visitCount: 0,
    version: 0,
  };
}

/** The case after an action (state checked against the table); the caller persists it with a version guard. */
export function applyAction(c: Case, action: CaseAction, now: Date, patch: Partial<Case> = {}): Case {
  const state = nextState(c.state, action);
  return {
    ...c,
    ...patch,
    state,
    updatedAt: now.toISOString(),
    ...(closedStates.has(state) ? { closedAt: now.toISOString() } : {}),
  };
}

/**
 * A returned case reopened (re-absence within the follow-up window): open again, no longer closed, and holding the
 * pupil's key again (a case stored before keys existed gets its key now; a confirmed duplicate stays keyless).
 */
export function reopenCase(c: Case, now: Date): Case {
  const state = nextState(c.state, 'reopen');
  const { closedAt: _closed, ...rest } = c;
  const pupilKey = pupilKeyToHold(c);
  return { ...rest, state, updatedAt: now.toISOString(), ...(pupilKey ? { pupilKey } : {}) };
}

/** The uniqueness key a case holds while open: its own, or the one derived from its pupil; none if confirmed duplicate. */
export function pupilKeyToHold(c: Case): string | undefined {
  if (c.duplicateConfirmed) return undefined;
  return c.pupilKey ?? pupilKeyOf(c);
}

/**
 * What may be corrected on an open case (PATCH): the guardian's name and mobile, the reason, 去向 and the
 * responsible teacher. The kind, the pupil and the state change only through their own actions.
 */
/** The fields a correction may change (PATCH adds the version it read). */
export const updateCaseFields = {
  guardianName: z.optional(text(PERSON_NAME_MAX)),
  guardianPhone: z.optional(mobileSchema),
  reason: z.optional(text(500)),
  whereabouts: z.optional(text(200)),
  responsibleTeacher: z.optional(actorSchema),
};
export const updateCaseInputSchema = z.strictObject(updateCaseFields).check(
  z.refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: '没有要修改的内容：请至少填写 guardianName、guardianPhone、reason、whereabouts、responsibleTeacher 之一',
  }),
);
export type UpdateCaseInput = z.infer<typeof updateCaseInputSchema>;

/**
 * The case with the corrections applied and the names of the fields that really changed. A closed case is refused
 * (InvalidTransitionError: nothing more happens on it).
 */
export function applyUpdate(c: Case, input: UpdateCaseInput, now: Date): { case: Case; changed: string[] } {
  if (closedStates.has(c.state)) throw new InvalidTransitionError('case', c.state, 'update');
  const next: Case = {
    ...c,
    guardian: {
      ...((input.guardianName ?? c.guardian.name) ? { name: input.guardianName ?? c.guardian.name } : {}),
      ...((input.guardianPhone ?? c.guardian.phone) ? { phone: input.guardianPhone ?? c.guardian.phone } : {}),
    },
    reason: input.reason ?? c.reason,
    whereabouts: input.whereabouts ?? c.whereabouts,
    responsibleTeacher: input.responsibleTeacher ?? c.responsibleTeacher,
  };
  const changed = [
    next.guardian.name !== c.guardian.name && 'guardianName',
    next.guardian.phone !== c.guardian.phone && 'guardianPhone',
    next.reason !== c.reason && 'reason',
    next.whereabouts !== c.whereabouts && 'whereabouts',
    (next.responsibleTeacher.personId !== c.responsibleTeacher.personId ||
      next.responsibleTeacher.name !== c.responsibleTeacher.name) &&
      'responsibleTeacher',
  ].filter((x): x is string => typeof x === 'string');
  return { case: changed.length ? { ...next, updatedAt: now.toISOString() } : c, changed };
}

/** Guards before a 劝返复学通知书 may be issued (§四(一) "经多次动员仍不返校"). */
export function assertNoticeAllowed(c: Case, minVisits: number): void {
  nextState(c.state, 'issue-notice');
  const issues: { field: string; reason: string }[] = [];
  if (c.visitCount < minVisits)
    issues.push({
      field: 'visits',
      reason: `发出通知书前须至少登记 ${minVisits} 次劝返家访，本案件目前 ${c.visitCount} 次`,
    });
  if (!c.guardian.name) issues.push({ field: 'guardian.name', reason: '通知书须写明监护人姓名，请先填写' });
  if (!c.guardian.phone)
    issues.push({ field: 'guardian.phone', reason: '通知书须通过短信发给监护人，请先填写监护人手机号' });
  if (issues.length) throw new ValidationError(issues);
}

/** Input parsing that names the field on failure. */
export function parseInput<T extends z.ZodMiniType>(schema: T, input: unknown, prefix = ''): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw fromZodIssues(r.error.issues, prefix);
  return r.data;
}
