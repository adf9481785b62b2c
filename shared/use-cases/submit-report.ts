import type { AppConfig } from '../config/app-config.ts';
import { SchoolCalendar } from '../domain/calendar.ts';
import { ConcurrentUpdateError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { type DirectoryReader, levelDueAt } from '../domain/ladder.ts';
import { type Cadence, cadenceSchema, deadlineOf, periodOf } from '../domain/periods.ts';
import type { Clock, Log } from '../domain/ports.ts';
import {
  type NotBackOutcome,
  type NotBackStudent,
  newSlot,
  parseSubmission,
  type ReportSlot,
  type SlotRepository,
  slotIdOf,
  submitSlot,
  wasOnTime,
} from '../domain/report-slot.ts';
import { addDays, type CstDate } from '../domain/time.ts';
import { ladderTimeOf } from '../domain/working-time.ts';

export interface SubmitReportDeps {
  slots: SlotRepository;
  directory: DirectoryReader;
  clock: Clock;
  log: Log;
  config: Pick<AppConfig, 'calendar' | 'reports'>;
  /**
   * Hook for the pupils the report lists as not back (R2, R6; shared/use-cases/intake-from-report.ts): a returned
   * pupil listed again within the follow-up window reopens their case, a pupil with an open case feeds it, a pupil
   * with none gets a case opened. Runs after the slot is saved; a re-filing runs it again, which finds the work done.
   */
  onNotBack?: OnNotBack;
}

/** The pupils a filed report lists as not back, for the intake hook. */
export interface NotBackReport {
  schoolId: string;
  cadence: Cadence;
  periodKey: string;
  /** `<schoolId>:<cadence>:<periodKey>`: with the pupil, it derives the ids that make the intake idempotent. */
  slotId: string;
  /** The first filing's time (kept by every re-filing): the instant of the timeline events the report adds. */
  filedAt: string;
  notBack: NotBackStudent[];
  submittedBy: string;
}

export type { NotBackOutcome } from '../domain/report-slot.ts';

export type OnNotBack = (report: NotBackReport) => Promise<NotBackOutcome>;

const noIntake = (): NotBackOutcome => ({
  reopenedCaseIds: [],
  fedCaseIds: [],
  openedCaseIds: [],
  unchangedCaseIds: [],
  ambiguous: 0,
  skipped: [],
});

export interface SubmitReportInput {
  schoolId: string;
  cadence: Cadence;
  /** `2023-02-20` (daily), `2023-W08` (weekly), `2023-02` (monthly). */
  periodKey: string;
  submission: unknown;
}

/** A date inside the period a key names (its first day). */
export function firstDayOfPeriod(cadence: Cadence, key: string): CstDate {
  if (cadence === 'daily' && /^\d{4}-\d{2}-\d{2}$/.test(key)) return key;
  if (cadence === 'monthly' && /^\d{4}-\d{2}$/.test(key)) return `${key}-01`;
  const m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (cadence === 'weekly' && m) {
    // ISO week 1 contains January 4th; its Monday is the start of week 1.
    const jan4 = `${m[1]}-01-04`;
    const weekday = new Date(`${jan4}T00:00:00Z`).getUTCDay() || 7;
    return addDays(addDays(jan4, 1 - weekday), (Number(m[2]) - 1) * 7);
  }
  throw new ValidationError([{ field: 'periodKey', reason: `不是有效的${cadence}期号：${key}` }]);
}

/**
 * A school files (or re-files) its report.
 * 1. Validate the figures and the list of pupils not back (counts must match the list).
 * 2. Load the slot, creating it if the school files before the slot was opened (e.g. a weekly report on Thursday).
 * 3. Close it conditionally: SUBMITTED, out of the due index (the ladder stops); a re-submission keeps the
 *    previous figures in history. A concurrent chase step is retried on the fresh slot.
 * 4. The pupils not back go to the `onNotBack` hook when one is wired: a returned pupil listed within the follow-up
 *    window reopens their case instead of becoming a duplicate; an open case is fed; an unknown pupil gets a case.
 */
export async function submitReport(
  deps: SubmitReportDeps,
  input: SubmitReportInput,
): Promise<{
  slot: ReportSlot;
  resubmission: boolean;
  onTime: boolean;
  reopenedCaseIds: string[];
  intake: NotBackOutcome;
}> {
  const cadence = cadenceSchema.parse(input.cadence);
  const submission = parseSubmission(input.submission);
  const id = slotIdOf(input.schoolId, cadence, input.periodKey);
  let saved: ReportSlot | undefined;
  let resubmission = false;
  for (let attempt = 1; !saved; attempt++) {
    const now = deps.clock.now();
    const current = (await deps.slots.get(id)) ?? (await openOnDemand(deps, input.schoolId, cadence, input.periodKey));
    try {
      saved = await deps.slots.save(submitSlot(current, submission, now));
      resubmission = current.submission !== undefined;
      deps.log.info(resubmission ? 'report re-submitted' : 'report submitted', {
        slotId: id,
        level: current.nextLevel,
        notBack: submission.notBack.length,
      });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= 3) throw error;
    }
  }
  const intake =
    deps.onNotBack && submission.notBack.length > 0
      ? await deps.onNotBack({
          schoolId: input.schoolId,
          cadence,
          periodKey: input.periodKey,
          slotId: saved.id,
          filedAt: saved.firstSubmittedAt ?? saved.submission?.submittedAt ?? deps.clock.now().toISOString(),
          notBack: submission.notBack,
          submittedBy: submission.submittedBy,
        })
      : noIntake();
  return { slot: saved, resubmission, onTime: wasOnTime(saved), reopenedCaseIds: intake.reopenedCaseIds, intake };
}

async function openOnDemand(
  deps: SubmitReportDeps,
  schoolId: string,
  cadence: Cadence,
  periodKey: string,
): Promise<ReportSlot> {
  const directory = await deps.directory.loadFor([schoolId]);
  const school = directory.schools.find((s) => s.id === schoolId && s.active !== false);
  if (!school) throw new NotFoundError('school', schoolId);
  const calendar = new SchoolCalendar(deps.config.calendar, (m) => deps.log.warn(m));
  const period = periodOf(cadence, firstDayOfPeriod(cadence, periodKey), calendar);
  if (period.key !== periodKey || !period.dueDate)
    throw new ValidationError([{ field: 'periodKey', reason: `${periodKey} 没有应交的${cadence}报表` }]);
  const deadline = deadlineOf(period, deps.config.reports.dueTime[cadence])!;
  const slot = newSlot({
    schoolId,
    townshipId: school.townshipId,
    cadence,
    periodKey,
    dueDate: period.dueDate,
    deadline,
    firstDueAt: levelDueAt(
      deadline.toISOString(),
      deps.config.reports.ladders[cadence],
      0,
      ladderTimeOf(calendar, deps.config.reports.officeHours, (m) => deps.log.warn(m)),
    ),
    now: deps.clock.now(),
  });
  await deps.slots.createIfAbsent(slot);
  const stored = await deps.slots.get(slot.id);
  if (!stored) throw new ConcurrentUpdateError(`report slot ${slot.id}`);
  return stored;
}
