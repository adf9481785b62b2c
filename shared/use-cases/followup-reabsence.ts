import { closePlan, type ReopenDecision, reopenDecision } from '../domain/followup.ts';
import type { CstDate } from '../domain/time.ts';
import type { FollowUpDeps } from './followup-deps.ts';

/**
 * The hook for the cases code: a returned pupil is reported absent again. Within the follow-up window the
 * plan closes as `reopened` (its pending visits are cancelled) and the decision tells the caller to reopen the
 * case with the plan's history; otherwise the caller opens a new case as usual.
 * 1. Find the case's follow-up plans; take the latest that is not closed.
 * 2. Decide; on reopen, close the plan and cancel its visits in one transaction.
 */
export async function onReabsenceUseCase(
  deps: FollowUpDeps,
  input: { caseId: string; absentOn: CstDate },
): Promise<ReopenDecision> {
  const plans = (await deps.repo.plansOfCase(input.caseId))
    .filter((p) => p.kind === 'followup' && (p.status === 'active' || p.status === 'completed'))
    .sort((a, b) => b.startsOn.localeCompare(a.startsOn));
  const latest = plans[0];
  if (!latest) return { reopen: false, reason: 'no follow-up plan for this case' };
  const found = await deps.repo.getPlan(latest.id);
  if (!found) return { reopen: false, reason: 'no follow-up plan for this case' };
  const decision = reopenDecision(found.plan, found.visits, input.absentOn);
  if (!decision.reopen) return decision;
  const closed = closePlan(found.plan, found.visits, 'reopened', decision.reason, deps.clock.now());
  await deps.repo.savePlan(closed.plan, closed.cancelled);
  deps.log.info('follow-up plan closed: case to reopen', { planId: found.plan.id, caseId: input.caseId });
  return decision;
}
