import { completion, completionBySchool, type SchoolCampaign } from '../campaign.ts';
import { acknowledgementView } from '../escalation.ts';
import type { CampaignWindow } from '../followup-config.ts';
import { maskName, scrubFreeText } from '../privacy.ts';
import { type OrgNames, personName, schoolName, townshipName } from './names.ts';

// Views of 大家访 campaigns (R7, R9). `names`: whether the caller reads the households' full names and notes
// (`canSeeSensitive` in shared/domain/scope.ts: the school and the office). Pure.

/**
 * A school's campaign: completion, per-teacher counts and its households. Outside the school a household reference
 * (it may be a 学籍号) and notes pass the scrubber and names are masked. `onlyTeacherId`: a teacher sees the school's
 * counts but only their own households.
 */
export function campaignView(c: SchoolCampaign, names: boolean, org: OrgNames, onlyTeacherId?: string) {
  const { done, total, byTeacher } = completion(c);
  return {
    campaignId: c.campaignId,
    name: c.name,
    schoolId: c.schoolId,
    schoolName: schoolName(org, c.schoolId),
    townshipId: c.townshipId,
    start: c.start,
    end: c.end,
    deadline: c.deadline,
    done,
    total,
    escalated: c.escalated,
    acknowledged: c.acknowledged ? acknowledgementView(c.acknowledged) : null,
    ...(c.completedAt ? { completedAt: c.completedAt } : {}),
    byTeacher: [...byTeacher.entries()].map(([id, t]) => ({ teacherId: id, name: personName(org, id), ...t })),
    households: c.households
      .filter((h) => onlyTeacherId === undefined || h.teacherId === onlyTeacherId)
      .map((h) => ({
        // A household reference may be a 学籍号.
        ref: names ? h.ref : scrubFreeText(h.ref),
        studentName: names ? h.studentName : maskName(h.studentName),
        teacherId: h.teacherId,
        ...(h.visitedOn ? { visitedOn: h.visitedOn } : {}),
        ...(h.note ? { note: names ? h.note : scrubFreeText(h.note, [h.studentName]) } : {}),
      })),
    masked: !names,
    version: c.version,
  };
}

/**
 * A 大家访 window across schools: completion per school with a list (worst first), and the schools without one.
 * `campaigns` and `withoutList` are what the caller may see; `mayAcknowledge` is the caller's access per school.
 * Aggregates only: no household or name.
 */
export function campaignWindowView(
  window: CampaignWindow,
  campaigns: readonly SchoolCampaign[],
  withoutList: readonly { id: string; name: string; townshipId: string }[],
  now: Date,
  org: OrgNames,
  mayAcknowledge: (c: { schoolId: string; townshipId: string }) => boolean,
) {
  const bySchool = new Map(campaigns.map((c) => [c.schoolId, c]));
  return {
    asOf: now.toISOString(),
    window,
    schools: completionBySchool(campaigns, now).map((r) => {
      const c = bySchool.get(r.schoolId);
      return {
        ...r,
        schoolName: schoolName(org, r.schoolId),
        townshipName: townshipName(org, r.townshipId),
        escalated: c?.escalated ?? false,
        acknowledged: c?.acknowledged ? acknowledgementView(c.acknowledged) : null,
        mayAcknowledge: mayAcknowledge(r),
      };
    }),
    withoutList: withoutList.map((s) => ({ schoolId: s.id, schoolName: s.name, townshipId: s.townshipId })),
  };
}
