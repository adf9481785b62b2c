import { pupilKeyToHold } from '../domain/case.ts';
import type { DirectorySnapshot } from '../domain/ports.ts';
import { groupsOfCase } from '../domain/priority-groups.ts';
import { cstDate } from '../domain/time.ts';
import { createFollowUpPlanUseCase } from './create-followup-plan.ts';
import type { FollowUpDeps } from './followup-deps.ts';
import type { OnReturned } from './record-return.ts';

/**
 * The `onReturned` hook of record-return / record-status-change (复学 opens follow-up, R5/R6): creates the 保学
 * plan. The responsible teacher (科任教师包人) does the visits and is the 结对帮扶 mentor unless one is named
 * later; a teacher without a directory id falls back to the school head, so reminders still reach someone.
 * The plan starts on the return date given to the use case (`returnedOn`), else on the day it was recorded.
 */
export function followUpOnReturned(deps: FollowUpDeps): OnReturned {
  let directory: DirectorySnapshot | undefined;
  return async (result) => {
    const c = result.case;
    let teacherId = c.responsibleTeacher.personId;
    if (!teacherId) {
      directory ??= await deps.directory.load();
      teacherId = directory.schools.find((s) => s.id === c.schoolId)?.headId;
    }
    if (!teacherId) {
      deps.log.error('follow-up plan not created: no teacher or school head to visit', { caseId: c.id });
      return;
    }
    await createFollowUpPlanUseCase(deps, {
      caseId: c.id,
      studentName: c.studentName,
      schoolId: c.schoolId,
      townshipId: c.townshipId,
      returnedOn: result.returnedOn ?? cstDate(new Date(c.closedAt ?? deps.clock.now().toISOString())),
      responsibleIds: [teacherId],
      mentorId: teacherId,
      priorityGroups: groupsOfCase(c),
      // One active follow-up plan per pupil: a second return while one runs is refused (DuplicatePlanError).
      ...(pupilKeyToHold(c) ? { pupilKey: pupilKeyToHold(c) } : {}),
    });
  };
}
