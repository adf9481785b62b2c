import { type Actor, actorSchema, parseInput } from '../domain/case.ts';
import { cstDateSchema } from '../domain/input.ts';
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
  const returnedOn = parseInput(cstDateSchema, input.returnedOn, 'returnedOn');
  const result = await endCase(deps, {
    caseId,
    effective: { field: 'returnedOn', date: returnedOn },
    action: 'record-return',
    eventType: 'returned',
    by,
    data: {
      returnedOn,
      evidence: input.evidence ?? [],
      note: input.note ?? '',
      followUpRequired: true,
    },
  });
  await deps.onReturned?.({ ...result, returnedOn });
  return result;
}
