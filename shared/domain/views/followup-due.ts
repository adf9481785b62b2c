import { acknowledgementView } from '../escalation.ts';
import type { DueList } from '../followup.ts';
import { visibleGroups } from '../priority-groups.ts';
import { maskName, scrubFreeText } from '../privacy.ts';
import { type OrgNames, personName, schoolName } from './names.ts';

// The follow-up due list of a school (R6, R7): visits and 大家访 households due or overdue. `names`: whether the
// caller reads full names (`canSeeSensitive`: the school and the office); without them the 脱贫户 group is never
// shown either (R9). Pure.

/**
 * The due list as shown: names masked and household references scrubbed without `names`; `mayAcknowledge` is the
 * caller's access to take a missed visit on (`canAcknowledgeDuty`), per row.
 */
export function followUpDueView(
  list: DueList,
  names: boolean,
  now: Date,
  org: OrgNames,
  mayAcknowledge: (row: { schoolId: string; townshipId: string }) => boolean,
) {
  return {
    asOf: now.toISOString(),
    schoolId: list.schoolId,
    schoolName: schoolName(org, list.schoolId),
    range: { from: list.from, to: list.to },
    masked: !names,
    visits: list.visits.map(({ acknowledged, ...v }) => ({
      ...v,
      acknowledged: acknowledged ? acknowledgementView(acknowledged) : null,
      mayAcknowledge: mayAcknowledge(v),
      studentName: names ? v.studentName : maskName(v.studentName),
      priorityGroups: visibleGroups(v.priorityGroups, names),
      responsible: v.responsibleIds.map((id) => ({ id, name: personName(org, id) })),
    })),
    households: list.households.map((h) => ({
      ...h,
      ref: names ? h.ref : scrubFreeText(h.ref),
      studentName: names ? h.studentName : maskName(h.studentName),
      teacherName: personName(org, h.teacherId),
    })),
  };
}

/** What the due list shows, for the audit trail: one subject per plan (its case, else the plan) and per campaign. */
export function followUpDueSubjects(list: DueList) {
  return [
    ...new Map(
      list.visits.map((v) => [v.planId, { id: v.caseId ?? v.planId, schoolId: v.schoolId, townshipId: v.townshipId }]),
    ).values(),
    ...new Map(
      list.households.map((h) => [
        h.campaignId,
        { id: `campaign-${h.campaignId}-${h.schoolId}`, schoolId: h.schoolId, townshipId: h.townshipId },
      ]),
    ).values(),
  ];
}
