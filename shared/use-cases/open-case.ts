import { type Case, type OpenCaseInput, openCase, openCaseInputSchema, parseInput } from '../domain/case.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { CaseDeps } from './case-deps.ts';

/**
 * Opens a case for a pupil not at school (R2).
 * 1. Validate the input (kind, reason, 去向, 科任教师包人, guardian).
 * 2. Resolve the school's township from the directory (unknown school: NotFoundError).
 * 3. Write the case and its `opened` timeline event in one transaction.
 */
export async function openCaseUseCase(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'clock' | 'newId' | 'log'>,
  input: OpenCaseInput,
): Promise<Case> {
  const v = parseInput(openCaseInputSchema, input);
  const directory = await deps.directory.load();
  const school = directory.schools.find((s) => s.id === v.schoolId && s.active);
  if (!school) throw new NotFoundError('school', v.schoolId);
  const now = deps.clock.now();
  const c = openCase(v, { id: deps.newId(), townshipId: school.townshipId, now });
  await deps.repo.commit({
    case: c,
    expectedVersion: 0,
    events: [
      {
        id: deps.newId(),
        caseId: c.id,
        at: now.toISOString(),
        type: 'opened',
        by: v.openedBy,
        data: { kind: c.kind, reason: c.reason, whereabouts: c.whereabouts },
      },
    ],
  });
  deps.log.info('case opened', { caseId: c.id, schoolId: c.schoolId, kind: c.kind });
  return { ...c, version: 1 };
}
