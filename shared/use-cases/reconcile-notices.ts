import { timerName } from '../domain/notice.ts';
import type { CaseDeps } from './case-deps.ts';
import { handleNoticeDeadlineUseCase } from './handle-notice-deadline.ts';

export interface ReconcileReport {
  open: number;
  /** Past their deadline and processed now (same path as the timer target). */
  processedLate: number;
  /** Timers found missing and created again. */
  timersRecreated: number;
  failed: { noticeId: string; error: string }[];
}

/**
 * Daily safety net so that losing a timer is impossible, not unlikely (R3).
 * 1. Read the open notices from the sparse due index (only pending notices are in it).
 * 2. Deadline passed: process it now (handleNoticeDeadline — idempotent with a late timer).
 * 3. Deadline ahead: if the schedule is missing (CreateSchedule failed, deleted by hand), create it again.
 * One failing notice does not stop the others; the run fails at the end so the alarm sees it.
 */
export async function reconcileNoticesUseCase(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'timers' | 'clock' | 'newId' | 'log' | 'config'>,
): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const open = await deps.repo.listOpenNotices();
  const report: ReconcileReport = { open: open.length, processedLate: 0, timersRecreated: 0, failed: [] };
  for (const notice of open) {
    try {
      if (new Date(notice.deadline).getTime() <= now.getTime()) {
        const outcome = await handleNoticeDeadlineUseCase(deps, { caseId: notice.caseId, noticeId: notice.id });
        if (outcome === 'escalated') report.processedLate++;
        deps.log.warn('reconcile: missed notice deadline processed', { noticeId: notice.id, outcome });
        continue;
      }
      const name = timerName(notice.id);
      if (await deps.timers.exists(name)) continue;
      const result = await deps.timers.createAt({
        name,
        at: new Date(notice.deadline),
        payload: { caseId: notice.caseId, noticeId: notice.id },
      });
      if (result === 'created') report.timersRecreated++;
      deps.log.warn('reconcile: missing notice timer recreated', { noticeId: notice.id, result });
    } catch (error) {
      report.failed.push({ noticeId: notice.id, error: (error as Error).message });
      deps.log.error('reconcile: notice failed', { noticeId: notice.id, error: (error as Error).message });
    }
  }
  deps.log.info('reconcile done', { ...report, failed: report.failed.length });
  return report;
}
