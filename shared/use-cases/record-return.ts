import { type Actor, actorSchema, parseInput } from '../domain/case.ts';
import { ValidationError } from '../domain/errors.ts';
import type { CaseDeps } from './case-deps.ts';
import { type EndCaseResult, endCase } from './end-case.ts';

/**
 * Hook for follow-up (保学, R6): a returned case is the item `entity=CASE, state=returned`;
 * the follow-up feature subscribes to that stream change (or calls this hook) to open its visit plan.
 */
export type OnReturned = (result: EndCaseResult & { returnedOn?: string }) => Promise<void>;

/**
 * Records that the child is back at school (复学).
 * 1. End the case as `returned` (a pending notice becomes complied; its reminder is cancelled).
 * 2. Call the follow-up hook if one is wired.
 */
export async function recordReturnUseCase(
  deps: Pick<CaseDeps, 'repo' | 'clock' | 'newId' | 'log'> & { onReturned?: OnReturned },
  caseId: string,
  input: { by: Actor; returnedOn: string; evidence?: string[]; note?: string },
): Promise<EndCaseResult> {
  const by = parseInput(actorSchema, input.by, 'by');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.returnedOn))
    throw new ValidationError([{ field: 'returnedOn', reason: 'expected YYYY-MM-DD' }]);
  const result = await endCase(deps, {
    caseId,
    action: 'record-return',
    eventType: 'returned',
    by,
    data: {
      returnedOn: input.returnedOn,
      evidence: input.evidence ?? [],
      note: input.note ?? '',
      followUpRequired: true,
    },
  });
  await deps.onReturned?.({ ...result, returnedOn: input.returnedOn });
  return result;
}
