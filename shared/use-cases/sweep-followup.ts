import { sweepCampaign } from '../domain/campaign.ts';
import { ConcurrentUpdateError } from '../domain/errors.ts';
import { type Plan, sweepVisit } from '../domain/followup.ts';
import type { Message } from '../domain/message.ts';
import { type Note, noteFromMessage } from '../domain/official-round.ts';
import { maskName } from '../domain/privacy.ts';
import { type FollowUpDeps, smsOf } from './followup-deps.ts';
import { sendOfficialRound } from './send-official-round.ts';

/** How a follow-up step's SMS reads when several are merged for one official (group by template). */
const FOLLOWUP_GROUPS: Record<string, string> = {
  'followup-reminder': '{n}名学生保学家访即将到期',
  'followup-escalation': '{n}名学生保学家访逾期未完成',
  'send-teaching-reminder': '{n}名学生送教上门即将到期',
  'send-teaching-escalation': '{n}名学生送教上门逾期未完成',
  'campaign-reminder': '{n}所学校大家访即将截止',
  'campaign-escalation': '{n}所学校大家访进度落后',
};

/** A follow-up SMS to an official as a note (alone: the same SMS; merged: one list item; pupils masked). */
function noteOf(m: Message, item: string): Note {
  return noteFromMessage(m, {
    group: { key: m.template, many: FOLLOWUP_GROUPS[m.template] ?? `{n}项${m.template}` },
    item,
    summary: m.text.replace(/^【[^】]*】/, ''),
  });
}

export interface SweepResult {
  visits: number;
  campaigns: number;
  /** SMS enqueued: with notes, one per official per round (the merged round), else one per step and recipient. */
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
  // The round: each official's due notes (this sweep's, and any left over or held by the cap) become one SMS.
  const round = async () => {
    if (deps.notes) result.messages = (await sendOfficialRound({ ...deps, notes: deps.notes })).messages;
  };
  if (dueVisits.length === 0 && dueCampaigns.length === 0) {
    await round();
    return result;
  }
  const directory = await deps.directory.load();
  const schoolOf = (id: string) => directory.schools.find((s) => s.id === id)?.name ?? id;
  const plans = new Map<string, Plan | undefined>();

  for (const visit of dueVisits) {
    if (!plans.has(visit.planId)) plans.set(visit.planId, (await deps.repo.getPlan(visit.planId))?.plan);
    const plan = plans.get(visit.planId);
    if (!plan) {
      deps.log.error('due visit without its plan', { planId: visit.planId, no: visit.no });
      continue;
    }
    const out = sweepVisit(plan, visit, now, directory, sms);
    const item = `${schoolOf(plan.schoolId)}${maskName(plan.studentName)}`;
    try {
      if (deps.notes)
        await deps.repo.saveVisit(
          out.visit,
          [],
          undefined,
          out.messages.map((m) => noteOf(m, item)),
        );
      else await deps.repo.saveVisit(out.visit, out.messages);
      result.visits++;
      if (!deps.notes) result.messages += out.messages.length;
      result.unresolved.push(...out.unresolved.map((u) => `plan ${plan.id} visit ${visit.no}: ${u}`));
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      result.conflicts++;
    }
  }

  for (const c of dueCampaigns) {
    const out = sweepCampaign(c, now, directory, sms);
    const item = `${schoolOf(c.schoolId)}（${c.name}）`;
    try {
      if (deps.notes)
        await deps.repo.saveCampaign(
          out.campaign,
          [],
          out.messages.map((m) => noteOf(m, item)),
        );
      else await deps.repo.saveCampaign(out.campaign, out.messages);
      result.campaigns++;
      if (!deps.notes) result.messages += out.messages.length;
      result.unresolved.push(...out.unresolved.map((u) => `campaign ${c.campaignId} school ${c.schoolId}: ${u}`));
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      result.conflicts++;
    }
  }

  await round();
  if (result.unresolved.length) deps.log.warn('follow-up steps without recipients', { unresolved: result.unresolved });
  deps.log.info('follow-up sweep done', { ...result, unresolved: result.unresolved.length });
  return result;
}
