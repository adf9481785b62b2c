import type { SchoolCampaign } from '../domain/campaign.ts';
import { ValidationError } from '../domain/errors.ts';
import type { DueHouseholdRow, DueList, DueVisitRow, Plan, PlanVisit } from '../domain/followup.ts';
import { groupsOfCase, type PriorityFlag } from '../domain/priority-groups.ts';
import { addDays, type CstDate, cstDate } from '../domain/time.ts';

/** Where the due list reads a school's visits and campaigns (owner index, by due date / window end). */
export interface FollowUpDueSource {
  /** Plan visits of a school with a due date in [from, to] (any status; the use case keeps the planned ones). */
  schoolVisits(schoolId: string, from: CstDate, to: CstDate): Promise<PlanVisit[]>;
  /** Campaigns of a school whose window ends in [from, to]. */
  schoolCampaigns(schoolId: string, from: CstDate, to: CstDate): Promise<SchoolCampaign[]>;
  /** The plans of these ids (missing ones are left out). */
  plans(ids: readonly string[]): Promise<Plan[]>;
}

/** Days back the due list looks by default: overdue visits older than that have long been escalated. */
export const DUE_LOOKBACK_DAYS = 60;
/** Days ahead the due list looks by default. */
export const DUE_LOOKAHEAD_DAYS = 14;
/** The widest range one request may ask for. */
export const DUE_MAX_DAYS = 366;
/** Longest campaign window assumed when looking for campaigns that overlap the range (a window ends ≤ this after its start). */
export const CAMPAIGN_MAX_DAYS = 92;

export type { DueHouseholdRow, DueList, DueVisitRow } from '../domain/followup.ts';

/** The range of a due-list request: defaults around today, at most DUE_MAX_DAYS, `to` not before `from`. */
export function dueRange(now: Date, from?: CstDate, to?: CstDate): { from: CstDate; to: CstDate } {
  const today = cstDate(now);
  const range = { from: from ?? addDays(today, -DUE_LOOKBACK_DAYS), to: to ?? addDays(today, DUE_LOOKAHEAD_DAYS) };
  if (range.to < range.from) throw new ValidationError([{ field: 'to', reason: '不能早于开始日期（from）' }]);
  if (addDays(range.from, DUE_MAX_DAYS - 1) < range.to)
    throw new ValidationError([{ field: 'to', reason: `查询范围最多 ${DUE_MAX_DAYS} 天` }]);
  return range;
}

/**
 * What a school still owes (R6, R7): planned follow-up/送教上门 visits due in the range (overdue ones flagged) and
 * households of its 大家访 campaigns open in the range not yet visited. With `forPersonId` (a teacher), only the
 * plans they visit or mentor and the households assigned to them. With `group` (checked by the caller: `groupFilter`),
 * only the visits of plans whose stored priority groups hold it (no read per row); 大家访 households carry no groups,
 * so none is listed then.
 * 1. Read the school's visits by due date and its campaigns by window end (owner index), then their plans.
 * 2. Keep what is still planned / not visited, flag what is past its deadline, sort by due date.
 */
export async function listFollowUpDueUseCase(
  deps: { source: FollowUpDueSource; clock: { now(): Date } },
  input: { schoolId: string; from?: CstDate; to?: CstDate; forPersonId?: string; group?: PriorityFlag | undefined },
): Promise<DueList> {
  const now = deps.clock.now();
  const { from, to } = dueRange(now, input.from, input.to);
  const [visits, campaigns] = await Promise.all([
    deps.source.schoolVisits(input.schoolId, from, to),
    // Households have no groups: with a group filter there is nothing to read.
    input.group ? [] : deps.source.schoolCampaigns(input.schoolId, from, addDays(to, CAMPAIGN_MAX_DAYS)),
  ]);
  const planned = visits.filter((v) => v.status === 'planned');
  const plans = new Map((await deps.source.plans([...new Set(planned.map((v) => v.planId))])).map((p) => [p.id, p]));
  const visitRows: DueVisitRow[] = [];
  for (const v of planned) {
    const plan = plans.get(v.planId);
    if (!planShows(plan, input.forPersonId)) continue;
    const row = dueVisitRow(plan, v, now);
    if (input.group && !row.priorityGroups.includes(input.group)) continue;
    visitRows.push(row);
  }
  const households: DueHouseholdRow[] = campaigns
    .filter((c) => c.start <= to && c.end >= from)
    .flatMap((c) => dueHouseholdRows(c, now, input.forPersonId));
  return {
    schoolId: input.schoolId,
    from,
    to,
    visits: visitRows.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.planId.localeCompare(b.planId)),
    households: households.sort((a, b) => a.end.localeCompare(b.end) || a.ref.localeCompare(b.ref)),
  };
}

/** A planned visit of an active plan as a due-list row (overdue past its deadline). */
export function dueVisitRow(plan: Plan, v: PlanVisit, now: Date): DueVisitRow {
  return {
    planId: plan.id,
    kind: plan.kind,
    ...(plan.caseId ? { caseId: plan.caseId } : {}),
    studentName: plan.studentName,
    no: v.no,
    of: plan.visitCount,
    dueDate: v.dueDate,
    deadline: v.deadline,
    overdue: now.toISOString() > v.deadline,
    escalated: v.escalated,
    ...(v.acknowledged ? { acknowledged: v.acknowledged } : {}),
    responsibleIds: plan.responsibleIds,
    ...(plan.mentorId ? { mentorId: plan.mentorId } : {}),
    priorityGroups: groupsOfCase(plan),
    schoolId: plan.schoolId,
    townshipId: plan.townshipId,
  };
}

/** The households of a campaign not visited yet (a teacher's own only, with `forPersonId`), in the stored order. */
export function dueHouseholdRows(c: SchoolCampaign, now: Date, forPersonId?: string): DueHouseholdRow[] {
  return c.households
    .filter((h) => !h.visitedOn && (!forPersonId || h.teacherId === forPersonId))
    .map((h) => ({
      campaignId: c.campaignId,
      campaignName: c.name,
      ref: h.ref,
      studentName: h.studentName,
      teacherId: h.teacherId,
      start: c.start,
      end: c.end,
      deadline: c.deadline,
      overdue: now.toISOString() > c.deadline,
      schoolId: c.schoolId,
      townshipId: c.townshipId,
    }));
}

/** Whether a plan's visits show to the caller: the plan is active, and a teacher's (`forPersonId`) own. */
export const planShows = (plan: Plan | undefined, forPersonId?: string): plan is Plan =>
  plan?.status === 'active' &&
  (!forPersonId || plan.responsibleIds.includes(forPersonId) || plan.mentorId === forPersonId);
