import { SchoolCalendar } from '../domain/calendar.ts';
import type { Message } from '../domain/message.ts';
import { type Notice, noticeMessageIds, timerName } from '../domain/notice.ts';
import type { DirectorySnapshot } from '../domain/ports.ts';
import { caseRef, noticeTemplates, renderNoticeSms } from '../domain/templates/notice-templates.ts';
import { cstDate, cstInstant, cstMonthDay } from '../domain/time.ts';
import { type CaseDeps, queuedMessage } from './case-deps.ts';
import { handleNoticeDeadlineUseCase } from './handle-notice-deadline.ts';

export interface ReconcileReport {
  open: number;
  /** Past their deadline and processed now (same path as the timer target). */
  processedLate: number;
  /** Timers found missing and created again. */
  timersRecreated: number;
  /** Timers found at another instant than the notice's deadline (a receipt's move was lost) and moved. */
  timersMoved: number;
  /** Heads reminded to record the receipt (送达) of a notice (school days only, once per notice per day). */
  receiptReminders: number;
  failed: { noticeId: string; error: string }[];
}

/** EventBridge `at()` has one-second resolution and we round deadlines up: within this, a timer matches. */
const SAME_INSTANT_MS = 1000;

/**
 * Daily safety net so that losing a timer is impossible, not unlikely (R3).
 * 1. Read the open notices from the sparse due index (only pending notices are in it).
 * 2. Deadline passed: process it now (handleNoticeDeadline — idempotent with a late timer).
 * 3. Deadline ahead: the schedule must fire at the deadline. Missing (CreateSchedule failed, deleted by hand):
 *    create it again; at another instant (the move after a receipt was lost): move it.
 * 4. No receipt (送达) recorded yet and today is a school day: remind the school head to record it (the week runs
 *    from receipt), one SMS per notice per day under a deterministic id, so a second run the same day sends none.
 * One failing notice does not stop the others; the run fails at the end so the alarm sees it.
 */
export async function reconcileNoticesUseCase(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'timers' | 'clock' | 'newId' | 'log' | 'config'> & {
    outbox?: { enqueue(message: Message): Promise<boolean> };
  },
): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const open = await deps.repo.listOpenNotices();
  const report: ReconcileReport = {
    open: open.length,
    processedLate: 0,
    timersRecreated: 0,
    timersMoved: 0,
    receiptReminders: 0,
    failed: [],
  };
  let directory: DirectorySnapshot | undefined;
  const today = cstDate(now);
  const schoolDay = new SchoolCalendar(deps.config.calendar, (m) => deps.log.warn(m)).describe(today).kind === 'school';
  for (const notice of open) {
    try {
      const deadline = new Date(notice.deadline);
      if (deadline.getTime() <= now.getTime()) {
        const outcome = await handleNoticeDeadlineUseCase(deps, { caseId: notice.caseId, noticeId: notice.id });
        if (outcome === 'escalated') report.processedLate++;
        deps.log.warn('reconcile: missed notice deadline processed', { noticeId: notice.id, outcome });
        continue;
      }
      const name = timerName(notice.id);
      const payload = { caseId: notice.caseId, noticeId: notice.id };
      const at = await deps.timers.scheduledAt(name);
      if (at === undefined) {
        const result = await deps.timers.createAt({ name, at: deadline, payload });
        if (result === 'created') report.timersRecreated++;
        deps.log.warn('reconcile: missing notice timer recreated', { noticeId: notice.id, result });
      } else if (Math.abs(at.getTime() - deadline.getTime()) >= SAME_INSTANT_MS) {
        const result = await deps.timers.moveTo({ name, at: deadline, payload });
        if (result !== 'unchanged') report.timersMoved++;
        deps.log.warn('reconcile: notice timer did not match its deadline; moved', {
          noticeId: notice.id,
          was: at.toISOString(),
          deadline: notice.deadline,
          result,
        });
      }
      if (!notice.receipt && schoolDay && deps.outbox && cstDate(new Date(notice.issuedAt)) < today) {
        directory ??= await deps.directory.load();
        const message = await receiptReminder(deps, directory, notice, now);
        if (message && (await deps.outbox.enqueue(message))) report.receiptReminders++;
      }
    } catch (error) {
      report.failed.push({ noticeId: notice.id, error: (error as Error).message });
      deps.log.error('reconcile: notice failed', { noticeId: notice.id, error: (error as Error).message });
    }
  }
  deps.log.info('reconcile done', { ...report, failed: report.failed.length });
  return report;
}

/** The head's reminder to record the receipt, sent at 08:00 CST at the earliest (the sweep runs at 07:30). */
async function receiptReminder(
  deps: Pick<CaseDeps, 'repo' | 'log' | 'config'>,
  directory: DirectorySnapshot,
  notice: Notice,
  now: Date,
): Promise<Message | undefined> {
  const school = directory.schools.find((s) => s.id === notice.schoolId);
  const head = directory.people.find((p) => p.id === school?.headId && p.active);
  const c = await deps.repo.getCase(notice.caseId);
  if (!school || !head || !c) {
    deps.log.warn('receipt reminder: no school head (or case) in the directory', { noticeId: notice.id });
    return undefined;
  }
  const today = cstDate(now);
  const morning = cstInstant(today, '08:00');
  return queuedMessage({
    id: noticeMessageIds.receiptReminder(notice.id, today),
    audience: 'official',
    recipient: { personId: head.id, role: 'school-head', phone: head.phone, label: head.name },
    // studentName goes in as is: the renderer masks it for officials (R9).
    rendered: renderNoticeSms(
      noticeTemplates.receiptMissingSchoolHead,
      {
        studentName: c.studentName,
        school: school.name,
        issuedOn: cstMonthDay(new Date(notice.issuedAt)),
        caseRef: caseRef(c.id),
      },
      deps.config.sms,
    ),
    notBefore: morning.getTime() > now.getTime() ? morning : now,
    now,
    subject: { kind: 'notice', id: notice.id },
    schoolId: c.schoolId,
    townshipId: c.townshipId,
    caseId: c.id,
  });
}
