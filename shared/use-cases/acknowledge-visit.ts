import { parseInput } from '../domain/case.ts';
import { NotFoundError, StateConflictError } from '../domain/errors.ts';
import { acknowledgementBy } from '../domain/escalation.ts';
import type { PlanVisit } from '../domain/followup.ts';
import type { FollowUpRepository } from '../domain/followup-ports.ts';
import type { Clock, Log } from '../domain/ports.ts';
import type { Principal } from '../domain/scope.ts';
import { retryOnConflict } from './case-deps.ts';
import { acknowledgeInputSchema } from './escalations.ts';

/**
 * An official takes a missed follow-up / 送教上门 visit on after it escalated (the school head, the township's
 * 包乡镇人员, the office: the route checks who): who, when, a note on the visit. Its later escalation steps are not
 * sent (PagerDuty-style); the teacher still records the visit. The first acknowledgement stands.
 */
export async function acknowledgeVisitEscalationUseCase(
  deps: { plans: Pick<FollowUpRepository, 'getPlan' | 'saveVisit'>; clock: Clock; log: Log },
  ref: { planId: string; no: number },
  input: { note?: string },
  by: Principal,
): Promise<{ visit: PlanVisit; changed: boolean }> {
  const body = parseInput(acknowledgeInputSchema, input);
  return retryOnConflict(async () => {
    const found = await deps.plans.getPlan(ref.planId);
    if (!found) throw new NotFoundError('plan', ref.planId);
    const visit = found.visits.find((v) => v.no === ref.no);
    if (!visit) throw new NotFoundError('visit', String(ref.no));
    if (visit.acknowledged) return { visit, changed: false };
    if (!visit.escalated || visit.status !== 'planned')
      throw new StateConflictError('该次走访没有逾期上报（或已完成），无需确认跟进', 'VISIT_NOT_ESCALATED');
    const next: PlanVisit = {
      ...visit,
      acknowledged: acknowledgementBy(by, deps.clock.now(), body.note),
      version: visit.version + 1,
    };
    await deps.plans.saveVisit(next, []);
    deps.log.info('visit escalation acknowledged', { planId: ref.planId, no: ref.no, role: by.role });
    return { visit: next, changed: true };
  });
}
