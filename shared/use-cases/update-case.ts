import {
  type Actor,
  actorSchema,
  applyUpdate,
  type Case,
  parseInput,
  type UpdateCaseInput,
  updateCaseInputSchema,
} from '../domain/case.ts';
import { ConcurrentUpdateError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { maskName, maskPhone } from '../domain/privacy.ts';
import type { CaseDeps } from './case-deps.ts';

/**
 * Corrects an open case: guardian name and mobile, reason, 去向, responsible teacher (R2).
 * 1. Validate (mainland mobile in E.164; a responsible teacher from the directory must be staff of the case's school).
 * 2. Load the case; the caller's `expectedVersion` must be the stored one (someone else changed it: 409), a closed
 *    case is refused (409).
 * 3. Write the case and an `updated` timeline event (who, which fields, old → new with the phone masked), guarded
 *    by the version read. No retry: the caller decided on the version it saw and must look again.
 */
export async function updateCaseUseCase(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'clock' | 'newId' | 'log'>,
  caseId: string,
  input: { by: Actor; expectedVersion: number; changes: UpdateCaseInput },
): Promise<{ case: Case; changed: string[] }> {
  const by = parseInput(actorSchema, input.by, 'by');
  const changes = parseInput(updateCaseInputSchema, input.changes);
  if (!Number.isInteger(input.expectedVersion) || input.expectedVersion < 1)
    throw new ValidationError([{ field: 'version', reason: '应为读取时案件的版本号（≥ 1）' }]);
  const c = await deps.repo.getCase(caseId);
  if (!c) throw new NotFoundError('case', caseId);
  if (c.version !== input.expectedVersion) throw new ConcurrentUpdateError(`case ${caseId} (version ${c.version})`);

  let teacher = changes.responsibleTeacher;
  if (teacher?.personId) {
    const directory = await deps.directory.load();
    const person = directory.people.find((p) => p.id === teacher!.personId && p.active !== false);
    if (!person || person.schoolId !== c.schoolId)
      throw new ValidationError([{ field: 'responsibleTeacher.personId', reason: '不是该案件所在学校的在职教职工' }]);
    teacher = { personId: person.id, name: person.name };
  }

  const now = deps.clock.now();
  const { case: next, changed } = applyUpdate(c, { ...changes, responsibleTeacher: teacher }, now);
  if (changed.length === 0) return { case: c, changed };
  await deps.repo.commit({
    case: next,
    expectedVersion: c.version,
    events: [
      {
        id: deps.newId(),
        caseId,
        at: now.toISOString(),
        type: 'updated',
        by,
        data: { fields: changed, before: summary(c, changed), after: summary(next, changed) },
      },
    ],
  });
  deps.log.info('case updated', { caseId, fields: changed });
  return { case: { ...next, version: c.version + 1 }, changed };
}

/** The changed fields as the timeline keeps them: the guardian's phone and name masked, like any log. */
function summary(c: Case, fields: string[]): Record<string, string | undefined> {
  const all: Record<string, string | undefined> = {
    guardianName: c.guardian.name ? maskName(c.guardian.name) : undefined,
    guardianPhone: c.guardian.phone ? maskPhone(c.guardian.phone) : undefined,
    reason: c.reason,
    whereabouts: c.whereabouts,
    responsibleTeacher: c.responsibleTeacher.name,
  };
  return Object.fromEntries(fields.map((f) => [f, all[f]]));
}
