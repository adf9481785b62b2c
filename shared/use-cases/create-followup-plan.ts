import { campaignWindows, createSchoolCampaign, type SchoolCampaign } from '../domain/campaign.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { type CreateFollowUpInput, createFollowUpPlan, type Plan, type PlanVisit } from '../domain/followup.ts';
import { scheduleOf } from '../domain/followup-config.ts';
import { type CreateSendTeachingInput, createSendTeachingPlan } from '../domain/send-teaching.ts';
import { calendarOf, dutyTimeOf, type FollowUpDeps } from './followup-deps.ts';

/**
 * Creates the 保学 follow-up plan of a returned pupil (R6). Called by record-return.
 * 1. Build the plan and its visits on the school calendar (id deterministic per case and return date).
 * 2. Store them; a retry of the same return finds the plan already there and returns it.
 */
export async function createFollowUpPlanUseCase(
  deps: FollowUpDeps,
  input: CreateFollowUpInput,
): Promise<{ plan: Plan; visits: PlanVisit[]; created: boolean }> {
  const id = `fu-${input.caseId}-${input.returnedOn}`.toLowerCase();
  const built = createFollowUpPlan(input, {
    id,
    now: deps.clock.now(),
    config: deps.config.followup,
    calendar: calendarOf(deps),
    time: dutyTimeOf(deps),
  });
  const created = await deps.repo.createPlan(built.plan, built.visits);
  if (!created) {
    const existing = await deps.repo.getPlan(id);
    if (existing) return { ...existing, created: false };
  }
  deps.log.info('follow-up plan created', { planId: id, caseId: input.caseId, visits: built.visits.length });
  return { ...built, created };
}

/** Creates a 送教上门 一人一案 plan (R6, §四(三)3). */
export async function createSendTeachingPlanUseCase(
  deps: FollowUpDeps,
  input: CreateSendTeachingInput,
): Promise<{ plan: Plan; visits: PlanVisit[] }> {
  const built = createSendTeachingPlan(input, {
    id: `st-${deps.newId()}`,
    now: deps.clock.now(),
    config: deps.config.followup,
    calendar: calendarOf(deps),
    time: dutyTimeOf(deps),
  });
  await deps.repo.createPlan(built.plan, built.visits);
  deps.log.info('send-teaching plan created', { planId: built.plan.id, visits: built.visits.length });
  return built;
}

/** Assigns a school's households for a configured 大家访 window (R7); idempotent per window and school. */
export async function createSchoolCampaignUseCase(
  deps: FollowUpDeps,
  input: { windowId: string; schoolId: string; households: { ref: string; studentName: string; teacherId: string }[] },
): Promise<{ campaign: SchoolCampaign; created: boolean }> {
  const window = campaignWindows(deps.config.calendar.terms, deps.config.followup.campaigns).find(
    (w) => w.id === input.windowId,
  );
  if (!window) throw new ValidationError([{ field: 'windowId', reason: '配置中没有这个大家访时段' }]);
  const directory = await deps.directory.load();
  const school = directory.schools.find((s) => s.id === input.schoolId);
  if (!school) throw new NotFoundError('school', input.schoolId);
  const campaign = createSchoolCampaign(
    window,
    { schoolId: school.id, townshipId: school.townshipId },
    input.households,
    scheduleOf(deps.config.followup, 'campaigns'),
    deps.clock.now(),
    dutyTimeOf(deps),
  );
  const created = await deps.repo.createCampaign(campaign);
  if (!created) return { campaign: (await deps.repo.getCampaign(window.id, school.id)) ?? campaign, created };
  return { campaign, created };
}
