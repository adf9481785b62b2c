import { type Actor, actorSchema, parseInput } from '../domain/case.ts';
import { ValidationError } from '../domain/errors.ts';
import type { CaseDeps } from './case-deps.ts';
import { type EndCaseResult, endCase } from './end-case.ts';

/**
 * Records a transfer out (转出, R5): the case ends as `transferred` with its destination; a pending notice is
 * withdrawn and its timer and reminders are cancelled.
 */
export async function recordTransferUseCase(
  deps: Pick<CaseDeps, 'repo' | 'clock' | 'newId' | 'log'>,
  caseId: string,
  input: { by: Actor; destination: string; effectiveOn: string; evidence: string[]; note?: string },
): Promise<EndCaseResult> {
  const by = parseInput(actorSchema, input.by, 'by');
  const issues: { field: string; reason: string }[] = [];
  if (!input.destination?.trim()) issues.push({ field: 'destination', reason: '转出 needs the destination' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.effectiveOn))
    issues.push({ field: 'effectiveOn', reason: '日期格式应为 YYYY-MM-DD' });
  if (!input.evidence?.length) issues.push({ field: 'evidence', reason: '至少需要一项证明材料' });
  if (issues.length) throw new ValidationError(issues);
  return endCase(deps, {
    caseId,
    action: 'record-transfer',
    eventType: 'transferred',
    by,
    data: {
      destination: input.destination,
      effectiveOn: input.effectiveOn,
      evidence: input.evidence,
      note: input.note ?? '',
    },
    patch: { transfer: { destination: input.destination, effectiveOn: input.effectiveOn } },
  });
}
