import * as z from 'zod/mini';
import type { SchoolCalendar } from './calendar.ts';
import { idSchema, PERSON_NAME_MAX } from './directory.ts';
import { fromZodIssues, InvalidTransitionError, ValidationError } from './errors.ts';
import { type DutySchedule, type FollowUpSection, scheduleOf } from './followup-config.ts';
import { type DutyStep, dutyDeadline, dutySteps, recipientsFor, schoolDays, stepsToRun } from './followup-duty.ts';
import { followUpTemplates, officialMessage, renderChecked } from './followup-templates.ts';
import { cstDateSchema, note } from './input.ts';
import type { Message } from './message.ts';
import type { DirectorySnapshot } from './ports.ts';
import { type PriorityFlag, priorityFlags } from './priority-groups.ts';
import { maskName } from './privacy.ts';
import { addDays, type CstDate, cstDate, cstMonthDay } from './time.ts';
import type { LadderTime } from './working-time.ts';

const isoDate = cstDateSchema;

export const planKinds = ['followup', 'send-teaching'] as const;
export type PlanKind = (typeof planKinds)[number];
export const planStatuses = ['active', 'completed', 'reopened', 'closed'] as const;
export type PlanStatus = (typeof planStatuses)[number];

/** A follow-up (保学) or 送教上门 (一人一案) plan for one pupil. */
export interface Plan {
  id: string;
  kind: PlanKind;
  /** The case the follow-up belongs to (follow-up plans); 送教上门 plans may have none. */
  caseId?: string;
  /** Full name: shown only to the pupil's school and the office; SMS and logs use maskName. */
  studentName: string;
  schoolId: string;
  townshipId: string;
  /** Teachers who do the visits (科任教师包人; 送教 teachers). Reminders go to them. */
  responsibleIds: string[];
  /** 结对帮扶 mentor (follow-up plans). */
  mentorId?: string;
  /** Return date (follow-up) or first day of the plan (送教上门). */
  startsOn: CstDate;
  /** Last day of the plan; for follow-up, the end of the window in which a new absence reopens the case. */
  endsOn: CstDate;
  /** 送教上门: the individualised content (个别化教育方案) in short. */
  content?: string;
  /**
   * The pupil's uniqueness key (`pupilKeyOf`): while the plan is active it holds `PUPIL#<key>` / `PLAN#<kind>`, so a
   * pupil has at most one active plan of each kind. Absent on plans stored before the key existed.
   */
  pupilKey?: string;
  /**
   * The priority groups of the plan's case (`Case.priorityGroups`): copied when the plan is created and refreshed
   * with the case's when a roll import changes them, so the due list filters by group without reading the cases.
   * Absent on 送教上门 plans without a case and on plans stored before groups existed (they match no group).
   */
  priorityGroups?: PriorityFlag[];
  /** Number of visits scheduled. */
  visitCount: number;
  status: PlanStatus;
  createdAt: string;
  closedAt?: string;
  closedReason?: string;
  version: number;
}

export const visitStatuses = ['planned', 'done', 'cancelled'] as const;
export type VisitStatus = (typeof visitStatuses)[number];

/** One scheduled visit of a plan, with its reminder/escalation steps. */
export interface PlanVisit {
  planId: string;
  kind: PlanKind;
  no: number;
  dueDate: CstDate;
  /** ISO instant: recorded after this, the visit was missed (and escalated). */
  deadline: string;
  steps: DutyStep[];
  /** Index of the next step to fire; steps.length when none is left. */
  nextStep: number;
  status: VisitStatus;
  /** True once an escalation fired for it. */
  escalated: boolean;
  /** An official took the missed visit on (who, when, a note): its later escalation steps are not sent. */
  acknowledged?: { by: { personId: string; name: string; role: string }; at: string; note: string };
  schoolId: string;
  townshipId: string;
  doneOn?: CstDate;
  doneAt?: string;
  doneBy?: string;
  /** What was done (送教 content, talk with the family). */
  content?: string;
  note?: string;
  version: number;
}

/** The number of the first visit still planned (what a recorded visit is by default); undefined when none is. */
export const nextPlannedVisit = (visits: readonly Pick<PlanVisit, 'no' | 'status'>[]): number | undefined =>
  visits
    .filter((v) => v.status === 'planned')
    .map((v) => v.no)
    .sort((a, b) => a - b)[0];

export const createFollowUpInputSchema = z.object({
  caseId: z.string().check(z.minLength(1), z.maxLength(64)),
  studentName: z.string().check(z.minLength(1), z.maxLength(PERSON_NAME_MAX)),
  schoolId: idSchema,
  townshipId: idSchema,
  returnedOn: isoDate,
  responsibleIds: z.array(idSchema).check(z.minLength(1, '至少一名责任教师')),
  mentorId: idSchema,
  /** The case's pupil key (`pupilKeyToHold`): one active follow-up plan per pupil. */
  pupilKey: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** The case's priority groups (`groupsOfCase`), stored on the plan. */
  priorityGroups: z.optional(z.array(z.enum(priorityFlags))),
});
export type CreateFollowUpInput = z.input<typeof createFollowUpInputSchema>;

/** Parses input with a schema, turning issues into a ValidationError naming the field. */
export function parsePlanInput<T extends z.ZodMiniType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodIssues(result.error.issues);
  return result.data;
}

/**
 * Due dates of follow-up visits: visit k is due `k × everyDays` after the return, moved to the next school day
 * when that date is a holiday or weekend (so a 劳动节 week pushes it past the holiday). Dates stay strictly
 * increasing even when a long holiday pushes two visits onto the same day.
 */
export function followUpDueDates(
  returnedOn: CstDate,
  config: FollowUpSection['plan'],
  calendar: SchoolCalendar,
): CstDate[] {
  const shift = schoolDays(calendar);
  const dates: CstDate[] = [];
  for (let k = 1; k <= config.visits; k++) {
    let due = shift(addDays(returnedOn, k * config.everyDays), 0);
    const prev = dates.at(-1);
    if (prev && due <= prev) due = shift(prev, 1);
    dates.push(due);
  }
  return dates;
}

/** Builds the visits of a plan from its due dates; steps are fixed now. */
export function buildVisits(
  plan: Pick<Plan, 'id' | 'kind' | 'schoolId' | 'townshipId'>,
  dueDates: CstDate[],
  schedule: DutySchedule,
  calendar: SchoolCalendar,
  time: LadderTime,
): PlanVisit[] {
  const shift = schoolDays(calendar);
  return dueDates.map((dueDate, i) => ({
    planId: plan.id,
    kind: plan.kind,
    no: i + 1,
    dueDate,
    deadline: dutyDeadline(dueDate, schedule).toISOString(),
    steps: dutySteps(dueDate, schedule, shift, time),
    nextStep: 0,
    status: 'planned',
    escalated: false,
    schoolId: plan.schoolId,
    townshipId: plan.townshipId,
    version: 0,
  }));
}

/** 保学 plan on return (R6, §五(四)): weekly visits for the first weeks, a 结对帮扶 mentor, a reopen window. */
export function createFollowUpPlan(
  input: CreateFollowUpInput,
  ctx: { id: string; now: Date; config: FollowUpSection; calendar: SchoolCalendar; time: LadderTime },
): { plan: Plan; visits: PlanVisit[] } {
  const data = parsePlanInput(createFollowUpInputSchema, input);
  const plan: Plan = {
    id: ctx.id,
    kind: 'followup',
    caseId: data.caseId,
    studentName: data.studentName,
    schoolId: data.schoolId,
    townshipId: data.townshipId,
    responsibleIds: data.responsibleIds,
    mentorId: data.mentorId,
    startsOn: data.returnedOn,
    endsOn: addDays(data.returnedOn, ctx.config.plan.windowDays),
    visitCount: ctx.config.plan.visits,
    status: 'active',
    createdAt: ctx.now.toISOString(),
    ...(data.pupilKey ? { pupilKey: data.pupilKey } : {}),
    priorityGroups: data.priorityGroups ?? [],
    version: 0,
  };
  const dates = followUpDueDates(data.returnedOn, ctx.config.plan, ctx.calendar);
  const visits = buildVisits(plan, dates, scheduleOf(ctx.config, 'plan'), ctx.calendar, ctx.time);
  // A plan created late (the return was recorded days after) does not replay reminders already in the past.
  for (const v of visits) v.nextStep = firstFutureStep(v.steps, ctx.now, v);
  return { plan, visits };
}

function firstFutureStep(steps: DutyStep[], now: Date, visit: Pick<PlanVisit, 'deadline'>): number {
  const idx = steps.findIndex(
    (s) => Date.parse(s.at) > now.getTime() || (s.kind === 'escalation' && now.getTime() > Date.parse(visit.deadline)),
  );
  return idx < 0 ? steps.length : idx;
}

export const recordVisitInputSchema = z.object({
  doneOn: isoDate,
  byId: idSchema,
  content: z.optional(note(500)),
  note: z.optional(note(500)),
});
export type RecordVisitInput = z.input<typeof recordVisitInputSchema>;

/** Records a visit as done. A visit recorded after its deadline stays marked as escalated (done late). */
export function recordVisit(plan: Plan, visit: PlanVisit, input: RecordVisitInput, now: Date): PlanVisit {
  const data = parsePlanInput(recordVisitInputSchema, input);
  if (plan.status !== 'active') throw new InvalidTransitionError('plan', plan.status, 'record a visit');
  if (visit.status !== 'planned') throw new InvalidTransitionError('visit', visit.status, 'record');
  if (data.doneOn > cstDate(now))
    throw new ValidationError([{ field: 'doneOn', reason: `不能晚于今天（${cstDate(now)}）` }]);
  if (data.doneOn < plan.startsOn) throw new ValidationError([{ field: 'doneOn', reason: '不能早于计划开始日期' }]);
  return {
    ...visit,
    status: 'done',
    doneOn: data.doneOn,
    doneAt: now.toISOString(),
    doneBy: data.byId,
    content: data.content,
    note: data.note,
    nextStep: visit.steps.length,
    version: visit.version + 1,
  };
}

/** A plan is complete when none of its visits is still planned. */
export function completeIfDone(plan: Plan, visits: PlanVisit[], now: Date): Plan | undefined {
  if (plan.status !== 'active' || visits.some((v) => v.status === 'planned')) return undefined;
  return { ...plan, status: 'completed', closedAt: now.toISOString(), version: plan.version + 1 };
}

/** What a reopened case carries from the follow-up, so the history is kept. */
export interface ReopenDecision {
  reopen: boolean;
  reason: string;
  caseId?: string;
  history?: { planId: string; returnedOn: CstDate; visitsDone: number; visitsDue: number; visitsEscalated: number };
}

/**
 * The hook for the cases code: a returned pupil reported absent on `absentOn`. Within the follow-up window
 * (return date … endsOn) the case reopens, carrying the plan's history; outside it the caller opens a new case.
 */
export function reopenDecision(plan: Plan, visits: PlanVisit[], absentOn: CstDate): ReopenDecision {
  if (plan.kind !== 'followup') return { reopen: false, reason: 'not a follow-up plan' };
  if (plan.status === 'reopened' || plan.status === 'closed')
    return { reopen: false, reason: `plan already ${plan.status}` };
  if (absentOn < plan.startsOn) return { reopen: false, reason: 'absence before the return' };
  if (absentOn > plan.endsOn) return { reopen: false, reason: 'absence after the follow-up window' };
  return {
    reopen: true,
    reason: `absent on ${absentOn}, within the follow-up window (${plan.startsOn}–${plan.endsOn})`,
    caseId: plan.caseId,
    history: {
      planId: plan.id,
      returnedOn: plan.startsOn,
      visitsDone: visits.filter((v) => v.status === 'done').length,
      visitsDue: visits.filter((v) => v.dueDate <= absentOn).length,
      visitsEscalated: visits.filter((v) => v.escalated).length,
    },
  };
}

/** Ends a plan (reopened case, transfer out, …): planned visits are cancelled and leave the due index. */
export function closePlan(
  plan: Plan,
  visits: PlanVisit[],
  status: 'reopened' | 'closed',
  reason: string,
  now: Date,
): { plan: Plan; cancelled: PlanVisit[] } {
  if (plan.status === 'reopened' || plan.status === 'closed')
    throw new InvalidTransitionError('plan', plan.status, status === 'reopened' ? 'reopen' : 'close');
  const cancelled = visits
    .filter((v) => v.status === 'planned')
    .map((v) => ({ ...v, status: 'cancelled' as const, nextStep: v.steps.length, version: v.version + 1 }));
  return {
    plan: { ...plan, status, closedAt: now.toISOString(), closedReason: reason, version: plan.version + 1 },
    cancelled,
  };
}

/** Names the directory holds for SMS texts. */
function schoolName(directory: DirectorySnapshot, id: string): string {
  return directory.schools.find((s) => s.id === id)?.name ?? id;
}

/**
 * What the sweep does for one due visit at `now`: the messages of every step whose time came (reminders to the
 * responsible teachers, escalations up the ladder) and the visit with its cursor moved. Pure: the caller writes
 * both in one transaction guarded by the visit's version.
 */
export function sweepVisit(
  plan: Plan,
  visit: PlanVisit,
  now: Date,
  directory: DirectorySnapshot,
  sms: { signature: string; maxParts: number },
): { visit: PlanVisit; messages: Message[]; unresolved: string[] } {
  if (visit.status !== 'planned' || plan.status !== 'active') {
    return {
      visit: { ...visit, nextStep: visit.steps.length, version: visit.version + 1 },
      messages: [],
      unresolved: [],
    };
  }
  const deadline = new Date(visit.deadline);
  const due = stepsToRun(visit.steps, visit.nextStep, now, deadline);
  const { nextStep } = due;
  // Taken on by an official: the cursor still moves, but no further escalation goes out.
  const run = visit.acknowledged ? due.run.filter((r) => r.step.kind !== 'escalation') : due.run;
  const messages: Message[] = [];
  const unresolved: string[] = [];
  const pupil = maskName(plan.studentName);
  for (const { step, index } of run) {
    const scope = {
      schoolId: plan.schoolId,
      townshipId: plan.townshipId,
      responsibleIds: step.kind === 'reminder' ? plan.responsibleIds : [],
    };
    const { people, unresolved: missing } = recipientsFor(step.roles, scope, directory);
    unresolved.push(...missing.map((r) => `${r} (step ${index})`));
    const due = cstMonthDay(deadline);
    const rendered =
      plan.kind === 'followup'
        ? step.kind === 'reminder'
          ? renderChecked(followUpTemplates.visitReminder, { pupil, no: visit.no, of: plan.visitCount, due }, sms)
          : renderChecked(
              followUpTemplates.visitEscalation,
              { school: schoolName(directory, plan.schoolId), pupil, no: visit.no, due, level: step.level },
              sms,
            )
        : step.kind === 'reminder'
          ? renderChecked(followUpTemplates.sendTeachingReminder, { pupil, due }, sms)
          : renderChecked(
              followUpTemplates.sendTeachingEscalation,
              { school: schoolName(directory, plan.schoolId), pupil, due, level: step.level },
              sms,
            );
    for (const { person, role } of people) {
      messages.push(
        officialMessage({
          id: `visit-${plan.id}-${visit.no}-s${index}-${person.id}`,
          person,
          role: role === 'responsible' ? 'teacher' : role,
          rendered,
          now,
          subject: { kind: 'plan', id: plan.id },
          schoolId: plan.schoolId,
          townshipId: plan.townshipId,
        }),
      );
    }
  }
  return {
    visit: {
      ...visit,
      nextStep,
      escalated: visit.escalated || run.some((r) => r.step.kind === 'escalation'),
      version: visit.version + 1,
    },
    messages,
    unresolved,
  };
}

// The due list of a school (shared/use-cases/list-followup-due.ts builds it, shared/domain/views shows it).

export interface DueVisitRow {
  planId: string;
  kind: PlanKind;
  caseId?: string;
  /** Full name: the caller masks it for readers outside the school. */
  studentName: string;
  no: number;
  of: number;
  dueDate: CstDate;
  deadline: string;
  overdue: boolean;
  escalated: boolean;
  /** An official took the missed visit on (its later escalations are not sent). */
  acknowledged?: PlanVisit['acknowledged'];
  responsibleIds: string[];
  mentorId?: string;
  /** The plan's priority groups (all of them: the view hides 脱贫户 from callers who may not see it). */
  priorityGroups: PriorityFlag[];
  schoolId: string;
  townshipId: string;
}

export interface DueHouseholdRow {
  campaignId: string;
  campaignName: string;
  ref: string;
  /** Full name: the caller masks it for readers outside the school. */
  studentName: string;
  teacherId: string;
  start: CstDate;
  end: CstDate;
  deadline: string;
  overdue: boolean;
  schoolId: string;
  townshipId: string;
}

export interface DueList {
  schoolId: string;
  from: CstDate;
  to: CstDate;
  visits: DueVisitRow[];
  households: DueHouseholdRow[];
}
