import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { DynamoCaseExtras } from '../../shared/adapters/dynamo/case-read-models.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { sweepFollowUpUseCase } from '../../shared/use-cases/sweep-followup.ts';
import { apiEvent, apiWorld, openCaseBody, who } from '../support/api-world.ts';
import { runCliInProcess } from '../support/cli.ts';
import { freshTable } from '../support/dynamo.ts';

/**
 * A pupil returns on Tuesday 2026-03-10; visit 1 is due Tuesday 03-17. Not recorded, it escalates to the head one
 * school day later and to the township's 包乡镇人员 three school days later (docs/followup.md).
 */
async function missedVisit() {
  const { doc, tableName, endpoint } = await freshTable('visit-ack');
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
  return {
    plan: plan!,
    sweep,
    ack,
    toContact,
    endpoint,
    tableName,
    repo: new DynamoFollowUpRepository(doc, tableName),
  };
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

describe('operator CLI: acknowledge-visit', () => {
  it('every directory person held to the API rule, Chinese output, the first acknowledgement stands', async () => {
    const t = await missedVisit();
    // The CLI runs on the machine's clock (--real-clock): the visit escalated in March 2026, long before.
    const cli = (no: string, ...args: string[]) =>
      runCliInProcess([
        'acknowledge-visit',
        t.plan.id,
        no,
        '--endpoint',
        t.endpoint,
        '--table',
        t.tableName,
        '--real-clock',
        ...args,
      ]);
    const before = await cli('1', '--person', 'head-s1');
    expect(before.exitCode).toBe(1);
    expect(before.stderr).toContain('该次走访没有逾期上报');
    await t.sweep('2026-03-18T01:05:00Z');

    const refused: Record<string, string> = {};
    for (const person of ['leader-a', 'teacher-s1', 'teacher-s1b', 'contact-b', 'head-s3', 'nobody']) {
      const run = await cli('1', '--person', person);
      expect(run.exitCode, person).toBe(1);
      expect(run.stdout, person).toBe('');
      refused[person] = run.stderr;
    }
    expect(refused['leader-a']).toContain('只有本校校长、本乡镇的包乡镇人员或控辍办可以确认跟进逾期走访');
    expect(refused['teacher-s1']).toContain('只有本校校长');
    expect(refused['contact-b']).toContain('只有本校校长');
    expect(refused['head-s3']).toContain('只有本校校长');
    expect(refused.nobody).toContain('通讯录中没有在职人员 nobody');
    expect((await t.repo.getPlan(t.plan.id))!.visits[0]!.acknowledged).toBeUndefined();

    expect((await cli('0', '--person', 'head-s1')).stderr).toContain('序号应为正整数');
    expect((await cli('9', '--person', 'head-s1')).stderr).toContain('未找到');
    expect((await cli('1', '--person', 'head-s1', '--note', '长'.repeat(301))).stderr).toContain('note');

    const ok = await cli('1', '--person', 'contact-a', '--note', '已督促学校补访');
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(
      /^已确认跟进 测\*+生 第1\/4次走访（测试联络甲，2\d{3}-\d\d-\d\d \d\d:\d\d），不再继续向上级上报。$/,
    );
    expect(ok.stdout).not.toContain('测试复学学生');
    for (const person of ['office-1', 'head-s1']) {
      const again = await cli('1', '--person', person, '--note', '另一条');
      expect(again.exitCode).toBe(0);
      expect(again.stdout).toContain('第1次走访已由 测试联络甲 于');
      expect(again.stdout).toContain('未作改动');
    }
    const stored = (await t.repo.getPlan(t.plan.id))!.visits[0]!.acknowledged!;
    expect(stored).toMatchObject({ by: { personId: 'contact-a', role: 'township-contact' }, note: '已督促学校补访' });

    await t.sweep('2026-03-20T01:05:00Z'); // the 包乡镇人员's own step is not sent after the acknowledgement
    expect(await t.toContact()).toEqual([]);
  }, 60_000);
});
