import { applyAction, type Case, parseInput, type VisitInput, visitInputSchema } from '../domain/case.ts';
import { NotFoundError } from '../domain/errors.ts';
import { assertNotBeforeOpening, assertNotFuture } from '../domain/input.ts';
import { cstDate } from '../domain/time.ts';
import { type CaseDeps, retryOnConflict } from './case-deps.ts';

/**
 * Logs a persuasion visit (家访/劝返) on a case (R2).
 * 1. Validate who, when, outcome, note.
 * 2. Load the case; the lifecycle decides (opened → persuading; later states keep their state; closed: refused).
 * 3. Write the case (visit count + 1) and the visit event, guarded by the version read.
 */
export async function logVisitUseCase(
  deps: Pick<CaseDeps, 'repo' | 'clock' | 'newId' | 'log'>,
  caseId: string,
  input: VisitInput,
): Promise<Case> {
  const visit = parseInput(visitInputSchema, input);
  return retryOnConflict(async () => {
    const c = await deps.repo.getCase(caseId);
    if (!c) throw new NotFoundError('case', caseId);
    const now = deps.clock.now();
    assertNotFuture('at', visit.at, now);
    assertNotBeforeOpening('at', cstDate(new Date(visit.at)), c.openedAt);
    const next = applyAction(c, 'log-visit', now, { visitCount: c.visitCount + 1 });
    await deps.repo.commit({
      case: next,
      expectedVersion: c.version,
      events: [{ id: deps.newId(), caseId, at: now.toISOString(), type: 'visit', by: visit.by, data: visit }],
    });
    deps.log.info('visit logged', { caseId, outcome: visit.outcome, visits: next.visitCount });
    return { ...next, version: c.version + 1 };
  });
}
