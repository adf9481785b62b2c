import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import { DuplicatePlanError } from '../../shared/domain/errors.ts';
import type { Plan } from '../../shared/domain/followup.ts';
import { pupilKeyOf } from '../../shared/domain/pupil-key.ts';
import { createFollowUpPlanUseCase } from '../../shared/use-cases/create-followup-plan.ts';
import { onReabsenceUseCase } from '../../shared/use-cases/followup-reabsence.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { who } from '../support/api-world.ts';

/** One active 送教上门 plan and one active follow-up plan per pupil, held by `PUPIL#<key>` / `PLAN#<kind>`. */
async function setUp(prefix: string) {
  const world = await apiCallerWorld(prefix); // Tuesday 2026-03-10 10:00 CST
  const { doc, tableName } = world;
  const repo = new DynamoFollowUpRepository(doc, tableName);
  const planKey = async (pupilKey: string, kind: Plan['kind']) =>
    (
      await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `PUPIL#${pupilKey}`, sk: `PLAN#${kind}` },
          ConsistentRead: true,
        }),
      )
    ).Item;
  return { ...world, repo, planKey, followUp: followUpDepsOf(world.deps) };
}
type World = Awaited<ReturnType<typeof setUp>>;

const sendTeaching = (studentName: string, extra: Record<string, unknown> = {}) => ({
  studentName,
  schoolId: 's1',
  teacherIds: ['teacher-s1b'],
  content: '生活自理与语文识字训练',
  from: '2026-03-10',
  to: '2026-04-30',
  ...extra,
});

describe('送教上门: one active plan per pupil', () => {
  let w: World;
  beforeAll(async () => {
    w = await setUp('plan-st');
  });

  it('20 concurrent creations for one pupil (head and office, own Idempotency-Keys): 1 × 201, 19 × 409 DUPLICATE_PLAN', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        w.call({
          method: 'POST',
          path: '/api/followup/send-teaching-plans',
          as: i % 2 ? who.office : who.headS1,
          body: sendTeaching('测试送教并发'),
          headers: { 'Idempotency-Key': `st-concurrent-${i}` },
        }),
      ),
    );

    const created = replies.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    const planId = created[0]!.body.plan.id as string;
    const refused = replies.filter((r) => r.status === 409);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.body.error).toMatchObject({ code: 'DUPLICATE_PLAN', existingPlanId: planId });
    expect(refused[0]!.body.error.message).toContain('送教上门');
    expect(await w.planKey(pupilKeyOf({ schoolId: 's1', studentName: '测试送教并发' }), 'send-teaching')).toMatchObject(
      {
        planId,
        endsOn: '2026-04-30',
      },
    );
  });

  it('another pupil, or the same name at another school, is not refused', async () => {
    const other = await w.call({
      method: 'POST',
      path: '/api/followup/send-teaching-plans',
      as: who.office,
      body: sendTeaching('测试送教另一生'),
    });
    const elsewhere = await w.call({
      method: 'POST',
      path: '/api/followup/send-teaching-plans',
      as: who.office,
      body: sendTeaching('测试送教并发', { schoolId: 's3', teacherIds: ['head-s3'] }),
    });

    expect([other.status, elsewhere.status]).toEqual([201, 201]);
  });

  it('after the plan’s last day the key no longer protects anything: a new plan for the pupil opens', async () => {
    w.clock.set('2026-05-11T02:00:00Z');

    const next = await w.call({
      method: 'POST',
      path: '/api/followup/send-teaching-plans',
      as: who.headS1,
      body: sendTeaching('测试送教并发', { from: '2026-05-11', to: '2026-06-30' }),
    });

    expect(next.status).toBe(201);
    expect(
      (await w.planKey(pupilKeyOf({ schoolId: 's1', studentName: '测试送教并发' }), 'send-teaching'))?.planId,
    ).toBe(next.body.plan.id);
    w.clock.set('2026-03-10T02:00:00Z');
  });
});

describe('保学 follow-up: one active plan per pupil', () => {
  let w: World;
  beforeAll(async () => {
    w = await setUp('plan-fu');
  });
  const input = (caseId: string, returnedOn: string) => ({
    caseId,
    studentName: '测试跟踪生',
    schoolId: 's1',
    townshipId: 'ta',
    returnedOn,
    responsibleIds: ['teacher-s1'],
    mentorId: 'teacher-s1',
    pupilKey: pupilKeyOf({ schoolId: 's1', studentName: '测试跟踪生', grade: '七年级' }),
  });

  it('two plans for one pupil at once (two cases returned together): one created, the other refused naming it', async () => {
    const results = await Promise.allSettled([
      createFollowUpPlanUseCase(w.followUp, input('case-a', '2026-03-10')),
      createFollowUpPlanUseCase(w.followUp, input('case-b', '2026-03-10')),
    ]);

    const done = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBeInstanceOf(DuplicatePlanError);
    const winner = (done[0] as PromiseFulfilledResult<{ plan: Plan }>).value.plan;
    expect(refused[0]!.reason).toMatchObject({ existingPlanId: winner.id });
    expect(await w.repo.getPlan(winner.id.includes('case-a') ? 'fu-case-b-2026-03-10' : 'fu-case-a-2026-03-10')).toBe(
      undefined,
    );
  });

  it('a retry of the winner’s creation is idempotent (same plan); the loser’s retry is still refused', async () => {
    const holder = (await w.planKey(input('x', 'x').pupilKey, 'followup'))!.planId as string;
    const [winner, loser] = holder.includes('case-a') ? ['case-a', 'case-b'] : ['case-b', 'case-a'];

    const again = await createFollowUpPlanUseCase(w.followUp, input(winner, '2026-03-10'));
    const refused = createFollowUpPlanUseCase(w.followUp, input(loser, '2026-03-10'));

    expect(again).toMatchObject({ created: false, plan: { id: holder } });
    await expect(refused).rejects.toBeInstanceOf(DuplicatePlanError);
  });

  it('the plan closing on a re-absence gives the key back in the same write; the next plan takes it', async () => {
    const key = input('x', 'x').pupilKey;
    const holder = (await w.planKey(key, 'followup'))!.planId as string;
    const caseId = holder.includes('case-a') ? 'case-a' : 'case-b';

    const decision = await onReabsenceUseCase(w.followUp, { caseId, absentOn: '2026-03-12' });

    expect(decision.reopen).toBe(true);
    expect((await w.repo.getPlan(holder))!.plan.status).toBe('reopened');
    expect(await w.planKey(key, 'followup')).toBeUndefined();
    const next = await createFollowUpPlanUseCase(w.followUp, input(caseId, '2026-03-20'));
    expect(next.created).toBe(true);
    expect((await w.planKey(key, 'followup'))?.planId).toBe(next.plan.id);
  });
});
