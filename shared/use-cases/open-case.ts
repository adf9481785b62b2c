import {
  type Case,
  closedStates,
  type OpenCaseInput,
  openCase,
  openCaseInputSchema,
  parseInput,
} from '../domain/case.ts';
import { ConcurrentUpdateError, DuplicateCaseError, NotFoundError } from '../domain/errors.ts';
import { cstDate } from '../domain/time.ts';
import type { CaseDeps } from './case-deps.ts';
import { withPupilGroups } from './case-groups.ts';
import type { FollowUpDeps } from './followup-deps.ts';
import { matchCases, reopenReturnedCase } from './reopen-on-report.ts';

/**
 * `allowDuplicate`: the caller confirms the pupil is not the one of a matching open case (two pupils of the same
 * name and grade, no 学籍号); the case opens and its `opened` event records the confirmation.
 */
export type OpenCaseRequest = OpenCaseInput & { allowDuplicate?: boolean };

type OpenDeps = Pick<CaseDeps, 'repo' | 'directory' | 'clock' | 'newId' | 'log'> & Pick<Partial<CaseDeps>, 'groups'>;

/**
 * Opens a case for a pupil not at school (R2).
 * 1. Validate the input (kind, reason, 去向, 科任教师包人, guardian).
 * 2. Resolve the school's township from the directory (unknown school: NotFoundError).
 * 3. Refuse a duplicate early: the pupil (matched as a filed report matches: `matchCases`, 学籍号 first, else exact
 *    name + grade) already has an open case at the school → DuplicateCaseError naming it, unless `allowDuplicate`.
 * 4. Write the case, its `opened` timeline event and the pupil's uniqueness item (`PUPIL#<key>`) in one
 *    transaction: of openings racing for one pupil exactly one commits, the others get DuplicateCaseError naming it.
 *    `allowDuplicate` without a 学籍号 opens a keyless case (a different pupil of the same name); with a 学籍号 the
 *    key still holds (a 学籍号 is one pupil, county-wide). The case carries its pupil's priority groups from the
 *    latest term's roll that holds the pupil (`deps.groups`), 脱贫户 consistent with `povertyRegistered`.
 */
export async function openCaseUseCase(deps: OpenDeps, input: OpenCaseRequest): Promise<Case> {
  const { allowDuplicate, ...rest } = input;
  const v = parseInput(openCaseInputSchema, rest);
  const directory = await deps.directory.load();
  const school = directory.schools.find((s) => s.id === v.schoolId && s.active);
  if (!school) throw new NotFoundError('school', v.schoolId);
  if (!allowDuplicate) refuseOpenDuplicate(await deps.repo.listBySchool(v.schoolId, 'open'), v);
  const now = deps.clock.now();
  const opened = openCase(v, { id: deps.newId(), townshipId: school.townshipId, now });
  const { pupilKey, ...keyless } = opened;
  const c: Case = await withPupilGroups(
    deps.groups,
    allowDuplicate && !v.studentRef ? { ...keyless, duplicateConfirmed: true } : opened,
  );
  await deps.repo.commit({
    case: c,
    expectedVersion: 0,
    ...(c.pupilKey ? { pupilKey: { claim: c.pupilKey } } : {}),
    events: [
      {
        id: deps.newId(),
        caseId: c.id,
        at: now.toISOString(),
        type: 'opened',
        by: v.openedBy,
        data: {
          kind: c.kind,
          reason: c.reason,
          whereabouts: c.whereabouts,
          ...(allowDuplicate ? { allowDuplicate: true } : {}),
        },
      },
    ],
  });
  deps.log.info('case opened', { caseId: c.id, schoolId: c.schoolId, kind: c.kind, allowDuplicate: !!allowDuplicate });
  return { ...c, version: 1 };
}

/**
 * Opening a case by hand (API, CLI): as `openCaseUseCase`, but a pupil who matches exactly one RETURNED case of
 * the school whose follow-up plan is still within its window gets that case reopened instead of a new one (the
 * same path a filed report takes: `reopenReturnedCase`). Outside the window, without a plan, or with several
 * returned candidates, a new case opens as usual. `allowDuplicate` skips both checks.
 */
export async function openOrReopenCaseUseCase(
  deps: { cases: OpenDeps; followUp: FollowUpDeps },
  input: OpenCaseRequest,
): Promise<{ reopened: boolean; case: Case }> {
  if (input.allowDuplicate) return { reopened: false, case: await openCaseUseCase(deps.cases, input) };
  const { allowDuplicate: _, ...rest } = input;
  const v = parseInput(openCaseInputSchema, rest);
  const all = await deps.cases.repo.listBySchool(v.schoolId);
  refuseOpenDuplicate(
    all.filter((c) => !closedStates.has(c.state)),
    v,
  );
  const returned = matchCases(
    all.filter((c) => c.state === 'returned'),
    pupilOf(v),
  );
  if (returned.length === 1) {
    const done = await reopenReturnedCase(deps, returned[0]!, {
      absentOn: cstDate(deps.cases.clock.now()),
      by: v.openedBy,
      origin: { openedByHand: { kind: v.kind, reason: v.reason, whereabouts: v.whereabouts } },
    });
    if (done === 'raced') throw new ConcurrentUpdateError(`case ${returned[0]!.id}`);
    if (typeof done === 'object') return { reopened: true, case: done };
    deps.cases.log.info('returned case not reopened: opening a new case', { caseId: returned[0]!.id, why: done });
  }
  return { reopened: false, case: await openCaseUseCase(deps.cases, input) };
}

function pupilOf(v: { studentName: string; studentRef?: string | undefined; grade?: string | undefined }) {
  return {
    studentName: v.studentName,
    ...(v.studentRef ? { studentId: v.studentRef } : {}),
    ...(v.grade ? { grade: v.grade } : {}),
  };
}

function refuseOpenDuplicate(
  open: readonly Case[],
  v: { studentName: string; studentRef?: string | undefined; grade?: string | undefined },
): void {
  const matches = matchCases(open, pupilOf(v));
  if (matches.length > 0) throw new DuplicateCaseError(matches.map((c) => c.id));
}
