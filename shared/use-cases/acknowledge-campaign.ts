import type { SchoolCampaign } from '../domain/campaign.ts';
import { parseInput } from '../domain/case.ts';
import { NotFoundError, StateConflictError } from '../domain/errors.ts';
import { acknowledgementBy } from '../domain/escalation.ts';
import type { FollowUpRepository } from '../domain/followup-ports.ts';
import type { Clock, Log } from '../domain/ports.ts';
import type { Principal } from '../domain/scope.ts';
import { retryOnConflict } from './case-deps.ts';
import { acknowledgeInputSchema } from './escalations.ts';

/**
 * An official takes a school's late 大家访 on after it escalated (the head, the township's 包乡镇人员, the area's
 * 包片领导, the office: the caller checks who): who, when, a note. Its later escalation steps are not sent
 * (PagerDuty-style); teachers still record their households and still get their reminders. The first
 * acknowledgement stands.
 */
export async function acknowledgeCampaignEscalationUseCase(
  deps: { plans: Pick<FollowUpRepository, 'getCampaign' | 'saveCampaign'>; clock: Clock; log: Log },
  ref: { campaignId: string; schoolId: string },
  input: { note?: string },
  by: Principal,
): Promise<{ campaign: SchoolCampaign; changed: boolean }> {
  const body = parseInput(acknowledgeInputSchema, input);
  return retryOnConflict(async () => {
    const c = await deps.plans.getCampaign(ref.campaignId, ref.schoolId);
    if (!c) throw new NotFoundError('campaign', `${ref.campaignId}/${ref.schoolId}`);
    if (c.acknowledged) return { campaign: c, changed: false };
    if (!c.escalated || c.completedAt)
      throw new StateConflictError('该校大家访没有逾期上报（或已完成），无需确认跟进', 'CAMPAIGN_NOT_ESCALATED');
    const next: SchoolCampaign = {
      ...c,
      acknowledged: acknowledgementBy(by, deps.clock.now(), body.note),
      version: c.version + 1,
    };
    await deps.plans.saveCampaign(next, []);
    deps.log.info('campaign escalation acknowledged', {
      campaignId: c.campaignId,
      schoolId: c.schoolId,
      role: by.role,
    });
    return { campaign: next, changed: true };
  });
}
