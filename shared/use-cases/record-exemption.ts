import { type ExemptionInput, exemptionInputSchema, parseInput } from '../domain/case.ts';
import type { CaseDeps } from './case-deps.ts';
import { type EndCaseResult, endCase } from './end-case.ts';

/**
 * Records an exemption for illness or special circumstances (R4, §四(一)): the guardian's written application,
 * the township's approval and the filing date with 基教股 are all required. An exempted case is not chased:
 * its pending notice is withdrawn, its timer deleted and its reminders cancelled.
 */
export async function recordExemptionUseCase(
  deps: Pick<CaseDeps, 'repo' | 'clock' | 'newId' | 'log'>,
  caseId: string,
  input: ExemptionInput,
): Promise<EndCaseResult> {
  const exemption = parseInput(exemptionInputSchema, input);
  return endCase(deps, {
    effective: { field: 'filedWithBureauOn', date: exemption.filedWithBureauOn, anyPast: true },
    caseId,
    action: 'record-exemption',
    eventType: 'exempted',
    by: exemption.by,
    data: { ...exemption },
    patch: { exemption },
  });
}
