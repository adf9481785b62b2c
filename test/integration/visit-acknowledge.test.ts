import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { DynamoCaseExtras } from '../../shared/adapters/dynamo/case-read-models.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { sweepFollowUpUseCase } from '../../shared/use-cases/sweep-followup.ts';
import { apiEvent, apiWorld, openCaseBody, who } from '../support/api-world.ts';
import { freshTable } from '../support/dynamo.ts';

/**
 * A pupil returns on Tuesday 2026-03-10; visit 1 is due Tuesday 03-17. Not recorded, it escalates to the head one
 * school day later and to the township's 包乡镇人员 three school days later (docs/followup.md).
 */
async function missedVisit() {
  const { doc, tableName } = await freshTable('visit-ack');
  const world = await apiWorld(doc, tableName);
  const handler = createApiHandler(world.deps);
  const call = async (as: Principal, method: string, path: string, body?: unknown) => {
    const res = await handler(apiEvent({ method, path, as, ...(body === undefined ? {} : { body }) }));
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  const opened = await call(who.headS1, 'POST', '/api/cases', { ...openCaseBody('s1'), studentName: '测试复学学生' });
  await call(who.headS1, 'POST', `/api/cases/${opened.body.case.id}/return`, { returnedOn: '2026-03-10' });
  const [plan] = await new DynamoFollowUpRepository(doc, tableName).plansOfCase(opened.body.case.id);
  const sweep = (at: string) => {
    world.clock.set(at);
    return sweepFollowUpUseCase(followUpDepsOf(world.deps));
  };
  const ack = (as: Principal, no = 1, body: unknown = { note: '已督促教师本周补访' }) =>
    call(as, 'POST', `/api/followup/plans/${plan!.id}/visits/${no}/acknowledge`, body);
  const toContact = async () =>
    (await new DynamoCaseExtras(doc, tableName).messages('s1', [plan!.id])).filter(
      (m) => m.recipient.personId === 'contact-a',
    );
  return { plan: plan!, sweep, ack, toContact };
}

describe('acknowledging a missed follow-up visit', () => {
  it('refused before it escalated (409); the head takes it on; the 包乡镇人员 is then not alerted', async () => {
    const t = await missedVisit();
    expect((await t.ack(who.headS1)).status).toBe(409);
    await t.sweep('2026-03-18T01:05:00Z'); // Wed 09:05: the head is alerted
    const first = await t.ack(who.headS1);
    const again = await t.ack(who.headS1, 1, { note: '另一条' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(first.body.acknowledged).toMatchObject({
      by: '测试校长一',
      role: 'school-head',
      note: '已督促教师本周补访',
    });
    await t.sweep('2026-03-20T01:05:00Z'); // Fri 09:05: the 包乡镇人员's step comes, and is not sent
    expect(await t.toContact()).toEqual([]);
  });

  it('without an acknowledgement the same step does reach the 包乡镇人员 (the control)', async () => {
    const t = await missedVisit();
    await t.sweep('2026-03-18T01:05:00Z');
    await t.sweep('2026-03-20T01:05:00Z');
    expect((await t.toContact()).length).toBe(1);
  });

  it('every role: head, township contact and office act; others 403, outside the scope 404; bad input 400', async () => {
    const t = await missedVisit();
    await t.sweep('2026-03-18T01:05:00Z');
    const outcomes: Record<string, number> = {};
    for (const [name, p] of Object.entries(who)) outcomes[name] = (await t.ack(p)).status;
    expect(outcomes).toEqual({
      office: 201,
      leaderA: 403,
      contactA: 200,
      contactB: 404,
      headS1: 200,
      headS3: 404,
      teacherS1: 403, // the responsible teacher reads the plan but does not take escalations on
      teacherS1b: 404,
    });
    expect((await t.ack(who.office, 0)).status).toBe(400);
    expect((await t.ack(who.office, 9)).status).toBe(404);
    expect((await t.ack(who.office, 1, { note: 'x', extra: 1 })).status).toBe(400);
  });

  it('five acknowledgements at once: one recorded, the others see it', async () => {
    const t = await missedVisit();
    await t.sweep('2026-03-18T01:05:00Z');
    const all = await Promise.all([1, 2, 3, 4, 5].map((i) => t.ack(who.headS1, 1, { note: `第${i}次` })));
    expect(all.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
  });
});
