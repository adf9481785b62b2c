import type { SchoolCampaign } from '../domain/campaign.ts';
import { recordHouseholdVisit } from '../domain/campaign.ts';
import { NotFoundError } from '../domain/errors.ts';
import { completeIfDone, type PlanVisit, type RecordVisitInput, recordVisit } from '../domain/followup.ts';
import type { CstDate } from '../domain/time.ts';
import type { FollowUpDeps } from './followup-deps.ts';

/**
 * Records a follow-up or 送教上门 visit.
 * 1. Load the plan and the visit; record it (validation, state).
 * 2. Save the visit, and the plan when this was its last planned visit, in one guarded transaction.
 */
export async function recordFollowUpVisitUseCase(
  deps: FollowUpDeps,
  input: { planId: string; no: number } & RecordVisitInput,
): Promise<PlanVisit> {
  const found = await deps.repo.getPlan(input.planId);
  if (!found) throw new NotFoundError('plan', input.planId);
  const visit = found.visits.find((v) => v.no === input.no);
  if (!visit) throw new NotFoundError('visit', `${input.planId}/${input.no}`);
  const now = deps.clock.now();
  const done = recordVisit(found.plan, visit, input, now);
  const completed = completeIfDone(
    found.plan,
    found.visits.map((v) => (v.no === done.no ? done : v)),
    now,
  );
  await deps.repo.saveVisit(done, [], completed);
  deps.log.info('plan visit recorded', {
    planId: input.planId,
    no: input.no,
    late: now.toISOString() > visit.deadline,
  });
  return done;
}

/** Records one household visit of a 大家访 campaign. */
export async function recordCampaignVisitUseCase(
  deps: FollowUpDeps,
  input: { campaignId: string; schoolId: string; ref: string; visitedOn: CstDate; byId: string; note?: string },
): Promise<SchoolCampaign> {
  const c = await deps.repo.getCampaign(input.campaignId, input.schoolId);
  if (!c) throw new NotFoundError('campaign', `${input.campaignId}/${input.schoolId}`);
  const next = recordHouseholdVisit(c, input, deps.clock.now());
  await deps.repo.saveCampaign(next, []);
  return next;
}
