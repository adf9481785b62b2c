import { type Actor, type Case, type CaseState, openCaseFromReport } from '../domain/case.ts';
import { ConcurrentUpdateError, DuplicateCaseError, NotFoundError } from '../domain/errors.ts';
import { deterministicId } from '../domain/ids.ts';
import type { DirectoryReader } from '../domain/ladder.ts';
import type { NotBackStudent } from '../domain/report-slot.ts';
import type { CaseDeps } from './case-deps.ts';
import { withPupilGroups } from './case-groups.ts';
import type { FollowUpDeps } from './followup-deps.ts';
import { matchCases, type ReopenOutcome, reopenOnReportUseCase } from './reopen-on-report.ts';
import type { NotBackOutcome, NotBackReport } from './submit-report.ts';

export interface IntakeDeps {
  cases: Pick<CaseDeps, 'repo' | 'clock' | 'newId' | 'log'> & Pick<Partial<CaseDeps>, 'groups'>;
  followUp: FollowUpDeps;
  /** The school's head (responsible teacher of an auto-opened case) and township. */
  directory: DirectoryReader;
}

/** A case in one of these states is not re-opened as a new case when its pupil is listed: the school reviews it. */
const settledStates: ReadonlySet<CaseState> = new Set(['exempted', 'transferred', 'suspended']);

/**
 * The `onNotBack` hook of submit-report (R2, R6): the pupils a report lists as not back open cases
 * or feed them.
 * 1. Reopen first (shared/use-cases/reopen-on-report.ts): a returned pupil within the follow-up window gets the same
 *    case back, with its history.
 * 2. A pupil matching one OPEN case of the school (same matcher) feeds it: a `reported-absent` event, once per case
 *    per report (deterministic event id and instant, conditional put), unless this report opened or reopened it.
 * 3. A pupil matching no case opens one (kind from the listed status, reason from the report or 报表列为未返校/辍学,
 *    去向 待核实, the head as responsible teacher, guardian unknown). The case id derives from the slot and the
 *    pupil, so a re-filing or a concurrent filing finds it (conditional create; ConcurrentUpdateError = done), and
 *    the pupil's uniqueness key is taken in the same transaction: when another case holds it (opened by hand or by
 *    another report meanwhile), that case is fed instead.
 * Several candidates (ambiguous), a pupil whose case was exempted/transferred/suspended, or whose report period
 * predates their return: nothing is guessed; counted and logged without names.
 */
export async function intakeFromReportUseCase(
  deps: IntakeDeps,
  report: NotBackReport & { by: Actor },
): Promise<NotBackOutcome> {
  const reopen = await reopenOnReportUseCase(deps, report);
  const repo = deps.cases.repo;
  const open = await repo.listBySchool(report.schoolId, 'open');
  const settled = (await repo.listBySchool(report.schoolId, 'closed')).filter((c) => settledStates.has(c.state));
  const out: NotBackOutcome = {
    reopenedCaseIds: reopen.reopenedCaseIds,
    fedCaseIds: [],
    openedCaseIds: [],
    unchangedCaseIds: [],
    ambiguous: 0,
    skipped: [],
  };
  const note = (list: string[], id: string) => {
    if (!list.includes(id)) list.push(id);
  };
  let head: Actor | undefined;
  let townshipId = '';

  for (const [i, pupil] of report.notBack.entries()) {
    const before: ReopenOutcome = reopen.outcomes[i] ?? { kind: 'no-match' };
    if (before.kind === 'reopened') continue;
    if (before.kind === 'ambiguous') {
      out.ambiguous++;
      continue;
    }
    if (before.kind === 'raced') {
      note(out.unchangedCaseIds, before.caseId);
      continue;
    }
    if (before.kind === 'held') {
      // The pupil's key is held by another open case (e.g. one opened since the list was read): feed that one.
      await feedHolder(deps, before.caseId, pupil, report, out, note);
      continue;
    }
    const candidates = matchCases(open, pupil);
    if (candidates.length > 1) {
      out.ambiguous++;
      continue;
    }
    const c = candidates[0];
    if (c) {
      if (out.reopenedCaseIds.includes(c.id)) continue;
      note((await feed(deps, c, pupil, report)) ? out.fedCaseIds : out.unchangedCaseIds, c.id);
      continue;
    }
    if (before.kind === 'not-reopened' && before.reason === 'absence before the return') {
      out.skipped.push({ caseId: before.caseId, reason: 'absence-before-return' });
      continue;
    }
    const closed = matchCases(settled, pupil)[0];
    if (closed) {
      out.skipped.push({ caseId: closed.id, reason: closed.state });
      continue;
    }
    if (!head) ({ head, townshipId } = await headOf(deps.directory, report.schoolId));
    const opened = await openFor(deps, pupil, report, head, townshipId);
    if ('heldBy' in opened) await feedHolder(deps, opened.heldBy, pupil, report, out, note);
    else note(opened.created ? out.openedCaseIds : out.unchangedCaseIds, opened.caseId);
  }
  // The same pupil listed twice: the first entry did the work, the second found it done.
  out.unchangedCaseIds = out.unchangedCaseIds.filter(
    (id) => !out.openedCaseIds.includes(id) && !out.fedCaseIds.includes(id),
  );

  deps.cases.log.info('report pupils taken in', {
    slotId: report.slotId,
    listed: report.notBack.length,
    reopened: out.reopenedCaseIds.length,
    fed: out.fedCaseIds.length,
    opened: out.openedCaseIds.length,
    unchanged: out.unchangedCaseIds.length,
    ambiguous: out.ambiguous,
    skipped: out.skipped.length,
  });
  if (out.ambiguous > 0)
    deps.cases.log.warn('report lists pupils matching several cases; nothing guessed for them', {
      slotId: report.slotId,
      ambiguous: out.ambiguous,
    });
  return out;
}

/** The pupil's identity within one report: 学籍号 when given, else name + grade + class. */
function pupilKey(p: NotBackStudent): string {
  return p.studentId ? `id:${p.studentId}` : `name:${p.studentName}|${p.grade ?? ''}|${p.className ?? ''}`;
}

/** The id of the case a report opens for a pupil: the same for every filing of the same report. */
export const reportCaseId = (slotId: string, p: NotBackStudent) => deterministicId('rc', slotId, pupilKey(p));

/** The open case holding the pupil's key is fed as if the list had matched it; gone or closed meanwhile: unchanged. */
async function feedHolder(
  deps: IntakeDeps,
  caseId: string,
  pupil: NotBackStudent,
  report: NotBackReport & { by: Actor },
  out: NotBackOutcome,
  note: (list: string[], id: string) => void,
): Promise<void> {
  const holder = await deps.cases.repo.getCase(caseId);
  const fed = holder && !out.reopenedCaseIds.includes(caseId) ? await feed(deps, holder, pupil, report) : false;
  note(fed ? out.fedCaseIds : out.unchangedCaseIds, caseId);
}

/** Adds the `reported-absent` event unless this report already opened, reopened or fed the case. */
async function feed(
  deps: IntakeDeps,
  c: Case,
  pupil: NotBackStudent,
  report: NotBackReport & { by: Actor },
): Promise<boolean> {
  if (c.openedFrom?.slotId === report.slotId) return false;
  const events = await deps.cases.repo.listEvents(c.id);
  const sameReport = (d: Record<string, unknown>) => {
    const r = d.report as { cadence?: string; periodKey?: string } | undefined;
    return r?.cadence === report.cadence && r?.periodKey === report.periodKey;
  };
  if (events.some((e) => e.type === 'reopened' && sameReport(e.data))) return false;
  const added = await deps.cases.repo.appendEvent({
    id: deterministicId('ra', report.slotId, c.id),
    caseId: c.id,
    // The first filing's instant: every filing of this report writes the very same key.
    at: report.filedAt,
    type: 'reported-absent',
    by: report.by,
    data: {
      report: { cadence: report.cadence, periodKey: report.periodKey },
      cadence: report.cadence,
      periodKey: report.periodKey,
      status: pupil.status,
    },
  });
  return added === 'added';
}

async function headOf(directory: DirectoryReader, schoolId: string): Promise<{ head: Actor; townshipId: string }> {
  const snapshot = await directory.loadFor([schoolId]);
  const school = snapshot.schools.find((s) => s.id === schoolId);
  if (!school) throw new NotFoundError('school', schoolId);
  const person = snapshot.people.find((p) => p.id === school.headId);
  return { head: { personId: school.headId, name: person?.name ?? '校长' }, townshipId: school.townshipId };
}

async function openFor(
  deps: IntakeDeps,
  pupil: NotBackStudent,
  report: NotBackReport & { by: Actor },
  head: Actor,
  townshipId: string,
): Promise<{ caseId: string; created: boolean } | { heldBy: string }> {
  const id = reportCaseId(report.slotId, pupil);
  const now = deps.cases.clock.now();
  const opened = openCaseFromReport({
    id,
    schoolId: report.schoolId,
    townshipId,
    pupil,
    head,
    source: { slotId: report.slotId, cadence: report.cadence, periodKey: report.periodKey },
    now,
  });
  const c = await withPupilGroups(deps.cases.groups, opened);
  try {
    await deps.cases.repo.commit({
      case: c,
      expectedVersion: 0,
      ...(c.pupilKey ? { pupilKey: { claim: c.pupilKey } } : {}),
      events: [
        {
          id: deterministicId('ev', id, 'opened'),
          caseId: id,
          at: now.toISOString(),
          type: 'opened',
          by: report.by,
          data: {
            kind: c.kind,
            reason: c.reason,
            whereabouts: c.whereabouts,
            source: 'report',
            report: { cadence: report.cadence, periodKey: report.periodKey },
          },
        },
      ],
    });
  } catch (error) {
    // The case exists: an earlier or concurrent filing of this report opened it (checked: a write that only lost
    // to contention wrote nothing, and must not be reported as done).
    if (error instanceof ConcurrentUpdateError && (await deps.cases.repo.getCase(id)))
      return { caseId: id, created: false };
    // Another open case holds the pupil (its own key); this report's case would be the second.
    if (error instanceof DuplicateCaseError) return { heldBy: error.existingCaseIds[0]! };
    throw error;
  }
  deps.cases.log.info('case opened from a report', { caseId: id, schoolId: c.schoolId, kind: c.kind });
  return { caseId: id, created: true };
}
