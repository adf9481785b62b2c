import { sweepCampaign } from '../domain/campaign.ts';
import { ConcurrentUpdateError } from '../domain/errors.ts';
import { type Plan, sweepVisit } from '../domain/followup.ts';
import { type FollowUpDeps, smsOf } from './followup-deps.ts';

export interface SweepResult {
  visits: number;
  campaigns: number;
  messages: number;
  /** Items someone else changed first (another sweep, a visit recorded meanwhile): left for the next run. */
  conflicts: number;
  /** Roles nobody holds for a step (e.g. a township without contact): logged for the office to fix the directory. */
  unresolved: string[];
}

/**
 * Reminders and escalations of follow-up/送教 visits and 大家访 campaigns (R6, R7). Idempotent: each item's
 * step cursor moves in the same guarded transaction that enqueues its messages (deterministic ids), so a
 * second run, or a run racing this one, sends nothing twice.
 * 1. Read what is due from the sparse due index (DUE#VISIT, DUE#CAMPAIGN), never every school.
 * 2. For each item, compute the steps that fire now and write the item + messages atomically.
 */
export async function sweepFollowUpUseCase(deps: FollowUpDeps, options: { limit?: number } = {}): Promise<SweepResult> {
  const now = deps.clock.now();
  const limit = options.limit ?? 500;
  const sms = smsOf(deps);
  const result: SweepResult = { visits: 0, campaigns: 0, messages: 0, conflicts: 0, unresolved: [] };
  const [dueVisits, dueCampaigns] = await Promise.all([
    deps.repo.dueVisits(now, limit),
    deps.repo.dueCampaigns(now, limit),
  ]);
  if (dueVisits.length === 0 && dueCampaigns.length === 0) return result;
  const directory = await deps.directory.load();
  const plans = new Map<string, Plan | undefined>();

  for (const visit of dueVisits) {
    if (!plans.has(visit.planId)) plans.set(visit.planId, (await deps.repo.getPlan(visit.planId))?.plan);
    const plan = plans.get(visit.planId);
    if (!plan) {
      deps.log.error('due visit without its plan', { planId: visit.planId, no: visit.no });
      continue;
    }
    const out = sweepVisit(plan, visit, now, directory, sms);
    try {
      await deps.repo.saveVisit(out.visit, out.messages);
      result.visits++;
      result.messages += out.messages.length;
      result.unresolved.push(...out.unresolved.map((u) => `plan ${plan.id} visit ${visit.no}: ${u}`));
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      result.conflicts++;
    }
  }

  for (const c of dueCampaigns) {
    const out = sweepCampaign(c, now, directory, sms);
    try {
      await deps.repo.saveCampaign(out.campaign, out.messages);
      result.campaigns++;
      result.messages += out.messages.length;
      result.unresolved.push(...out.unresolved.map((u) => `campaign ${c.campaignId} school ${c.schoolId}: ${u}`));
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      result.conflicts++;
    }
  }

  if (result.unresolved.length) deps.log.warn('follow-up steps without recipients', { unresolved: result.unresolved });
  deps.log.info('follow-up sweep done', { ...result, unresolved: result.unresolved.length });
  return result;
}
