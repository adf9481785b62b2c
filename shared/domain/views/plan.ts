import { acknowledgementView } from '../escalation.ts';
import type { Plan, PlanVisit } from '../followup.ts';
import { maskName, scrubFreeText } from '../privacy.ts';
import { planRecord } from '../send-teaching.ts';
import { type OrgNames, personName, schoolName, townshipName } from './names.ts';

// Views of a follow-up (保学) or 送教上门 plan and its visits (R6, R9). `names`: whether the caller reads the pupil's
// full name (`seesPlanNames` in shared/domain/scope.ts: the school, the office, the plan's own teachers). Pure.

export const planKindLabel: Record<Plan['kind'], string> = { followup: '复学跟踪(保学)', 'send-teaching': '送教上门' };

/** A plan: the pupil's name masked (张*明) and 送教 content scrubbed for callers without `names`. */
export function planView(plan: Plan, names: boolean, org: OrgNames) {
  return {
    id: plan.id,
    kind: plan.kind,
    kindLabel: planKindLabel[plan.kind],
    ...(plan.caseId ? { caseId: plan.caseId } : {}),
    studentName: names ? plan.studentName : maskName(plan.studentName),
    masked: !names,
    schoolId: plan.schoolId,
    schoolName: schoolName(org, plan.schoolId),
    townshipId: plan.townshipId,
    townshipName: townshipName(org, plan.townshipId),
    responsible: plan.responsibleIds.map((id) => ({ id, name: personName(org, id) })),
    ...(plan.mentorId ? { mentor: { id: plan.mentorId, name: personName(org, plan.mentorId) } } : {}),
    startsOn: plan.startsOn,
    endsOn: plan.endsOn,
    // 送教 content may name the pupil or hold numbers: outside the school it passes the one scrubber.
    ...(plan.content ? { content: names ? plan.content : scrubFreeText(plan.content, [plan.studentName]) } : {}),
    visitCount: plan.visitCount,
    status: plan.status,
    createdAt: plan.createdAt,
    ...(plan.closedAt ? { closedAt: plan.closedAt, closedReason: plan.closedReason } : {}),
    version: plan.version,
  };
}

/**
 * The 一人一案 record: every visit with what happened, in visit order. Notes and content may name the family or hold
 * numbers: as typed for callers with `names`; scrubbed (known name, 学籍号, ID, mobile) for others.
 */
export function planVisitsView(plan: Plan, visits: readonly PlanVisit[], now: Date, names: boolean, org: OrgNames) {
  const byNo = new Map(visits.map((v) => [v.no, v]));
  return planRecord(visits, now).map((line) => {
    const v = byNo.get(line.no)!;
    return {
      no: line.no,
      dueDate: line.dueDate,
      deadline: v.deadline,
      status: v.status,
      statusLabel: line.status,
      escalated: v.escalated,
      acknowledged: v.acknowledged ? acknowledgementView(v.acknowledged) : null,
      ...(line.doneOn ? { doneOn: line.doneOn, doneBy: { id: line.doneBy, name: personName(org, line.doneBy) } } : {}),
      ...(names
        ? { content: line.content, note: line.note }
        : {
            ...(line.content !== undefined ? { content: scrubFreeText(line.content, [plan.studentName]) } : {}),
            ...(line.note !== undefined ? { note: scrubFreeText(line.note, [plan.studentName]) } : {}),
          }),
    };
  });
}
