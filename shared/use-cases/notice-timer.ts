import { type Notice, type NoticeTimerPayload, timerName } from '../domain/notice.ts';
import type { CaseDeps } from './case-deps.ts';
import { type DeadlineOutcome, handleNoticeDeadlineUseCase } from './handle-notice-deadline.ts';

/**
 * Makes sure a pending notice has its one-week timer (case-reactor on a new notice, reconcile on a lost one).
 * 1. Deadline already passed (stream lag, outage): process the deadline now, same path as the timer target.
 * 2. Otherwise create the `at()` timer under the notice's deterministic name; "already there" is success.
 */
export async function startNoticeTimer(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'timers' | 'clock' | 'newId' | 'log' | 'config'>,
  notice: Pick<Notice, 'id' | 'caseId' | 'deadline'>,
): Promise<'created' | 'exists' | DeadlineOutcome> {
  const deadline = new Date(notice.deadline);
  if (deadline.getTime() <= deps.clock.now().getTime()) {
    return handleNoticeDeadlineUseCase(deps, { caseId: notice.caseId, noticeId: notice.id });
  }
  const payload: NoticeTimerPayload = { caseId: notice.caseId, noticeId: notice.id };
  const result = await deps.timers.createAt({ name: timerName(notice.id), at: deadline, payload: { ...payload } });
  deps.log.info('notice timer', { noticeId: notice.id, deadline: notice.deadline, result });
  return result;
}

/**
 * Moves a pending notice's timer to its (new) deadline, after a receipt moved it (case-reactor, reconcile).
 * A deadline already passed is processed now, as in startNoticeTimer; the same deadline again is `unchanged`.
 */
export async function moveNoticeTimer(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'timers' | 'clock' | 'newId' | 'log' | 'config'>,
  notice: Pick<Notice, 'id' | 'caseId' | 'deadline'>,
): Promise<'moved' | 'unchanged' | 'created' | DeadlineOutcome> {
  const deadline = new Date(notice.deadline);
  if (deadline.getTime() <= deps.clock.now().getTime()) {
    return handleNoticeDeadlineUseCase(deps, { caseId: notice.caseId, noticeId: notice.id });
  }
  const payload: NoticeTimerPayload = { caseId: notice.caseId, noticeId: notice.id };
  const result = await deps.timers.moveTo({ name: timerName(notice.id), at: deadline, payload: { ...payload } });
  deps.log.info('notice timer moved', { noticeId: notice.id, deadline: notice.deadline, result });
  return result;
}

/** Deletes a resolved notice's timer; a timer already gone (fired, or never made) is fine. */
export async function stopNoticeTimer(
  deps: Pick<CaseDeps, 'timers' | 'log'>,
  notice: Pick<Notice, 'id'>,
): Promise<'deleted' | 'absent'> {
  const result = await deps.timers.delete(timerName(notice.id));
  deps.log.info('notice timer stopped', { noticeId: notice.id, result });
  return result;
}
