import { type Actor, type Case, pupilKeyToHold, reopenCase } from '../domain/case.ts';
import { ConcurrentUpdateError, DuplicateCaseError } from '../domain/errors.ts';
import type { ReopenDecision } from '../domain/followup.ts';
import type { Cadence } from '../domain/periods.ts';
import type { NotBackStudent } from '../domain/report-slot.ts';
import { addDays, type CstDate, cstDate } from '../domain/time.ts';
import type { CaseDeps } from './case-deps.ts';
import type { FollowUpDeps } from './followup-deps.ts';
import { onReabsenceUseCase } from './followup-reabsence.ts';
import { firstDayOfPeriod, type NotBackReport } from './submit-report.ts';

/**
 * The `onNotBack` hook of submit-report (R6: the case reopens with its history): each pupil a report lists
 * as not back who has a returned case at that school is handed to the follow-up; within the follow-up window the
 * plan closes and the same case reopens with the plan's history as a timeline event, so no duplicate case is made.
 * 1. Match each listed pupil to a returned case of the school: by 学籍号 (`studentId` = the case's `studentRef`)
 *    when both have one, else by the exact name (and grade, when both give one). Two candidates: nothing is
 *    guessed; the school sees the pupil as not matched and opens or reopens the case by hand.
 * 2. Ask the follow-up (`onReabsenceUseCase`): it closes the plan when the absence is within the window.
 * 3. Reopen the case (returned → opened, guarded by the version read) with a `reopened` event carrying the history.
 * A re-filed report finds the plan already reopened: a case still `returned` then is reopened (the first attempt
 * stopped half-way); one already open is left alone.
 */
export async function reopenOnReportUseCase(
  deps: { cases: Pick<CaseDeps, 'repo' | 'clock' | 'newId' | 'log'>; followUp: FollowUpDeps },
  report: NotBackReport & { by: Actor },
): Promise<{ reopenedCaseIds: string[]; ambiguous: number; outcomes: ReopenOutcome[] }> {
  const returned = await deps.cases.repo.listBySchool(report.schoolId, 'returned');
  if (returned.length === 0)
    return { reopenedCaseIds: [], ambiguous: 0, outcomes: report.notBack.map(() => ({ kind: 'no-match' as const })) };
  const absentOn = absenceDateOf(report.cadence, report.periodKey, cstDate(deps.cases.clock.now()));
  const reopened: string[] = [];
  const outcomes: ReopenOutcome[] = [];
  let ambiguous = 0;
  for (const pupil of report.notBack) {
    const candidates = matchCases(returned, pupil);
    if (candidates.length > 1) ambiguous++;
    if (candidates.length !== 1) {
      outcomes.push({ kind: candidates.length > 1 ? 'ambiguous' : 'no-match' });
      continue;
    }
    const c = candidates[0]!;
    if (reopened.includes(c.id)) {
      outcomes.push({ kind: 'reopened', caseId: c.id });
      continue;
    }
    let done: true | 'raced' | string;
    try {
      done = await reopenOne(deps, c, absentOn, report);
    } catch (error) {
      if (!(error instanceof DuplicateCaseError)) throw error;
      outcomes.push({ kind: 'held', caseId: error.existingCaseIds[0]! });
      continue;
    }
    if (done === true) reopened.push(c.id);
    outcomes.push(
      done === true
        ? { kind: 'reopened', caseId: c.id }
        : done === 'raced'
          ? { kind: 'raced', caseId: c.id }
          : { kind: 'not-reopened', caseId: c.id, reason: done },
    );
  }
  if (ambiguous > 0)
    deps.cases.log.warn('report lists pupils matching several returned cases; none reopened for them', {
      schoolId: report.schoolId,
      ambiguous,
    });
  return { reopenedCaseIds: reopened, ambiguous, outcomes };
}

/**
 * What became of one listed pupil (same order as `notBack`), for the intake that runs next: `raced` means another
 * filing of the same report is reopening that case; `not-reopened` carries the follow-up's reason (outside the
 * window, absence before the return, no plan).
 */
export type ReopenOutcome =
  | { kind: 'no-match' | 'ambiguous' }
  | { kind: 'reopened' | 'raced'; caseId: string }
  /** The pupil has another open case (`caseId`, the holder of the pupil's key): the returned one stays closed. */
  | { kind: 'held'; caseId: string }
  | { kind: 'not-reopened'; caseId: string; reason: string };

async function reopenOne(
  deps: { cases: Pick<CaseDeps, 'repo' | 'clock' | 'newId' | 'log'>; followUp: FollowUpDeps },
  c: Case,
  absentOn: CstDate,
  report: NotBackReport & { by: Actor },
): Promise<true | 'raced' | string> {
  const done = await reopenReturnedCase(deps, c, {
    absentOn,
    by: report.by,
    origin: { report: { cadence: report.cadence, periodKey: report.periodKey } },
  });
  return typeof done === 'object' ? true : done;
}

/**
 * Reopens one returned case when the follow-up says the re-absence is within its window (the path a filed report
 * and a case opened by hand share): the follow-up closes the plan, then the case goes returned → opened (guarded
 * by the version read, and taking the pupil's uniqueness key in the same transaction) with a `reopened` event
 * carrying `origin` and the plan's history.
 * Returns the reopened case, `raced` when another writer got there first, or the follow-up's reason for not
 * reopening (outside the window, no plan…). Throws DuplicateCaseError when the pupil has another open case: checked
 * before the plan is touched, and again by the key's condition at the commit.
 */
export async function reopenReturnedCase(
  deps: { cases: Pick<CaseDeps, 'repo' | 'clock' | 'newId' | 'log'>; followUp: FollowUpDeps },
  c: Case,
  input: { absentOn: CstDate; by: Actor; origin: Record<string, unknown> },
): Promise<Case | 'raced' | string> {
  const { absentOn } = input;
  const key = pupilKeyToHold(c);
  const holder = key ? await deps.cases.repo.pupilKeyHolder(key) : undefined;
  if (holder && holder !== c.id) throw new DuplicateCaseError([holder]);
  let decision: ReopenDecision;
  try {
    decision = await onReabsenceUseCase(deps.followUp, { caseId: c.id, absentOn });
  } catch (error) {
    // Another filing of the same report closed the plan first: it reopens the case.
    if (error instanceof ConcurrentUpdateError) return 'raced';
    throw error;
  }
  if (!decision.reopen && !(await stoppedHalfWay(deps.followUp, c.id))) return decision.reason;
  const now = deps.cases.clock.now();
  const next = reopenCase(c, now);
  try {
    await deps.cases.repo.commit({
      case: next,
      expectedVersion: c.version,
      ...(next.pupilKey ? { pupilKey: { claim: next.pupilKey } } : {}),
      events: [
        {
          id: deps.cases.newId(),
          caseId: c.id,
          at: now.toISOString(),
          type: 'reopened',
          by: input.by,
          data: {
            absentOn,
            ...input.origin,
            reason: decision.reason,
            ...(decision.history ? { followUp: decision.history } : {}),
          },
        },
      ],
    });
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) return 'raced';
    throw error;
  }
  deps.cases.log.info('case reopened: returned pupil reported absent within the follow-up window', {
    caseId: c.id,
    absentOn,
  });
  return { ...next, version: c.version + 1 };
}

/** The case's latest follow-up plan was closed as reopened, yet the case is still returned. */
async function stoppedHalfWay(followUp: FollowUpDeps, caseId: string): Promise<boolean> {
  const latest = (await followUp.repo.plansOfCase(caseId))
    .filter((p) => p.kind === 'followup')
    .sort((a, b) => b.startsOn.localeCompare(a.startsOn))[0];
  return latest?.status === 'reopened';
}

/**
 * The cases a listed pupil may be: by 学籍号 (`studentId` = the case's `studentRef`) when both have one, else by the
 * exact name (and grade, when both give one). More than one candidate means ambiguous: the caller guesses nothing.
 */
export function matchCases(
  cases: readonly Case[],
  pupil: Pick<NotBackStudent, 'studentName' | 'studentId' | 'grade'>,
): Case[] {
  if (pupil.studentId) {
    const byRef = cases.filter((c) => c.studentRef && c.studentRef === pupil.studentId);
    if (byRef.length > 0) return byRef;
  }
  return cases.filter(
    (c) =>
      c.studentName === pupil.studentName &&
      !(pupil.studentId && c.studentRef) &&
      (!pupil.grade || !c.grade || c.grade === pupil.grade),
  );
}

/**
 * The day the report says the pupil was absent: the end of its period (a daily report's day, a week's Sunday,
 * a month's last day), but never later than today.
 */
export function absenceDateOf(cadence: Cadence, periodKey: string, today: CstDate): CstDate {
  const first = firstDayOfPeriod(cadence, periodKey);
  const last =
    cadence === 'daily'
      ? first
      : cadence === 'weekly'
        ? addDays(first, 6)
        : addDays(`${nextMonth(first.slice(0, 7))}-01`, -1);
  return last < today ? last : today;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
