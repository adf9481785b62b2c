import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { DynamoCaseExtras } from '../../shared/adapters/dynamo/case-read-models.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { sweepFollowUpUseCase } from '../../shared/use-cases/sweep-followup.ts';
import { apiEvent, apiWorld, who } from '../support/api-world.ts';
import { runCliInProcess } from '../support/cli.ts';
import { freshTable } from '../support/dynamo.ts';

const WINDOW = '2026-summer-before';

/**
 * 测试甲镇第一小学 (s1, township ta, area area-a) lists two households for the 2026 暑假前大家访 (ends Friday
 * 2026-07-10, deadline 20:00) and visits none. In officials' working time the head is alerted Monday 07-13 09:00,
 * the 包乡镇人员 Wednesday 07-15 09:00, the 包片领导 Monday 07-20 09:00 (docs/followup.md).
 */
async function lateCampaign() {
  const { doc, tableName, endpoint } = await freshTable('campaign-ack');
  const world = await apiWorld(doc, tableName, '2026-06-20T02:00:00Z');
  const handler = createApiHandler(world.deps);
  const call = async (as: Principal, method: string, path: string, body?: unknown) => {
    const res = await handler(apiEvent({ method, path, as, ...(body === undefined ? {} : { body }) }));
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  const created = await call(who.headS1, 'POST', '/api/followup/campaigns', {
    windowId: WINDOW,
    schoolId: 's1',
    households: [
      { ref: 'xj-001', studentName: '测试家访甲', teacherId: 'teacher-s1' },
      { ref: 'xj-002', studentName: '测试家访乙', teacherId: 'teacher-s1b' },
    ],
  });
  expect(created.status).toBe(201);
  const sweep = (at: string) => {
    world.clock.set(at);
    return sweepFollowUpUseCase(followUpDepsOf(world.deps));
  };
  const ack = (as: Principal, body: unknown = { note: '已约谈校长，周三前完成' }, schoolId = 's1') =>
    call(as, 'POST', `/api/followup/campaigns/${WINDOW}/${schoolId}/acknowledge`, body);
  const escalationsTo = async () =>
    (await new DynamoCaseExtras(doc, tableName).messages('s1', [`campaign-${WINDOW}-s1`]))
      .filter((m) => m.template === 'campaign-escalation')
      .map((m) => m.recipient.personId)
      .sort();
  const repo = new DynamoFollowUpRepository(doc, tableName);
  return { call, sweep, ack, escalationsTo, repo, endpoint, tableName };
}

const MONDAY = '2026-07-13T01:05:00Z';
const WEDNESDAY = '2026-07-15T01:05:00Z';
const NEXT_MONDAY = '2026-07-20T01:05:00Z';

describe('acknowledging a late 大家访', () => {
  it('refused before it escalated (409); taken on, none of the later steps is sent; teachers still record', async () => {
    const t = await lateCampaign();
    await t.sweep('2026-07-09T01:05:00Z'); // reminders only
    expect((await t.ack(who.headS1)).status).toBe(409);
    await t.sweep('2026-07-11T01:05:00Z'); // Saturday: nothing to officials
    expect(await t.escalationsTo()).toEqual([]);
    await t.sweep(MONDAY);
    expect(await t.escalationsTo()).toEqual(['head-s1']);

    const first = await t.ack(who.contactA);
    const again = await t.ack(who.headS1, { note: '另一条' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(first.body).toMatchObject({
      windowId: WINDOW,
      schoolId: 's1',
      changed: true,
      acknowledged: { by: '测试联络甲', role: 'township-contact', note: '已约谈校长，周三前完成' },
    });
    expect(again.body).toMatchObject({ changed: false, acknowledged: { by: '测试联络甲' } });

    await t.sweep(WEDNESDAY);
    await t.sweep(NEXT_MONDAY);
    expect(await t.escalationsTo()).toEqual(['head-s1']);
    const stored = (await t.repo.getCampaign(WINDOW, 's1'))!;
    expect(stored.acknowledged).toMatchObject({ by: { personId: 'contact-a' }, note: '已约谈校长，周三前完成' });
    expect(stored.nextStep).toBe(stored.steps.length);

    const visited = await t.call(who.teacherS1, 'POST', `/api/followup/campaigns/${WINDOW}/s1/visits`, {
      ref: 'xj-001',
      visitedOn: '2026-07-18',
    });
    expect(visited.status).toBe(201);
    const view = await t.call(who.office, 'GET', `/api/followup/campaigns/${WINDOW}`);
    expect(view.body.schools).toEqual([
      expect.objectContaining({
        schoolId: 's1',
        done: 1,
        escalated: true,
        acknowledged: expect.objectContaining({ by: '测试联络甲' }),
        mayAcknowledge: true,
      }),
    ]);
  });

  it('without an acknowledgement the 包乡镇人员 and then the 包片领导 are alerted (the control)', async () => {
    const t = await lateCampaign();
    await t.sweep(MONDAY);
    await t.sweep(WEDNESDAY);
    expect(await t.escalationsTo()).toEqual(['contact-a', 'head-s1']);
    await t.sweep(NEXT_MONDAY);
    expect(await t.escalationsTo()).toEqual(['contact-a', 'head-s1', 'leader-a']);
  });

  it('every role: head, 包乡镇人员, 包片领导 and office act; teachers 403; outside the scope 404; bad input 400', async () => {
    const t = await lateCampaign();
    await t.sweep(MONDAY);
    const outcomes: Record<string, number> = {};
    for (const [name, p] of Object.entries(who)) outcomes[name] = (await t.ack(p)).status;
    expect(outcomes).toEqual({
      office: 201,
      leaderA: 200,
      contactA: 200,
      contactB: 404,
      headS1: 200,
      headS3: 404,
      teacherS1: 403, // teachers read their school's figures but do not take escalations on
      teacherS1b: 403,
    });
    const view = async (as: Principal) =>
      (await t.call(as, 'GET', `/api/followup/campaigns/${WINDOW}`)).body.schools[0].mayAcknowledge;
    expect([await view(who.leaderA), await view(who.headS1), await view(who.teacherS1)]).toEqual([true, true, false]);
    expect((await t.ack(who.office, { note: 'x', extra: 1 })).status).toBe(400);
    expect((await t.ack(who.office, { note: '长'.repeat(301) })).status).toBe(400);
    expect((await t.ack(who.office, {}, 's2')).status).toBe(404); // s2 has no list
    expect(
      (await t.call(who.office, 'POST', '/api/followup/campaigns/2019-summer-before/s1/acknowledge', {})).status,
    ).toBe(404);
    expect((await t.repo.getCampaign(WINDOW, 's1'))!.acknowledged).toMatchObject({ by: { personId: 'office-1' } });
  });

  it('five acknowledgements at once: one recorded, the others see it', async () => {
    const t = await lateCampaign();
    await t.sweep(MONDAY);
    const all = await Promise.all([1, 2, 3, 4, 5].map((i) => t.ack(who.headS1, { note: `第${i}次` })));
    expect(all.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const notes = new Set(all.map((r) => r.body.acknowledged.note));
    expect(notes.size).toBe(1);
  });
});

describe('operator CLI: acknowledge-campaign', () => {
  it('every directory person held to the API rule, Chinese output, the first acknowledgement stands', async () => {
    const t = await lateCampaign();
    const cli = (...args: string[]) =>
      runCliInProcess([
        'acknowledge-campaign',
        WINDOW,
        's1',
        '--endpoint',
        t.endpoint,
        '--table',
        t.tableName,
        '--real-clock',
        ...args,
      ]);
    const before = await cli('--person', 'head-s1');
    expect(before.stderr).toContain('该校大家访没有逾期上报');
    await t.sweep(MONDAY);
    for (const person of ['teacher-s1', 'contact-b', 'head-s3', 'leader-b']) {
      const run = await cli('--person', person);
      expect(run.exitCode, person).toBe(1);
      expect(run.stderr, person).toContain(
        '只有本校校长、本乡镇的包乡镇人员、本片包片领导或控辍办可以确认跟进逾期大家访',
      );
    }
    expect((await cli('--person', 'nobody')).stderr).toContain('通讯录中没有在职人员 nobody');
    const noList = await runCliInProcess([
      'acknowledge-campaign',
      WINDOW,
      's2',
      '--endpoint',
      t.endpoint,
      '--table',
      t.tableName,
      '--real-clock',
      '--person',
      'office-1',
    ]);
    expect(noList.stderr).toContain('学校 s2 在时段 2026-summer-before 没有大家访名单');
    expect((await t.repo.getCampaign(WINDOW, 's1'))!.acknowledged).toBeUndefined();

    const ok = await cli('--person', 'leader-a', '--note', '已督促学校');
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(
      /^已确认跟进 测试甲镇第一小学 2026年暑假前大家访（测试片长甲，\d{4}-\d\d-\d\d \d\d:\d\d），不再继续向上级上报。$/,
    );
    const again = await cli('--person', 'office-1');
    expect(again.stdout).toContain('已由 测试片长甲 于');
    expect(again.stdout).toContain('未作改动');
    await t.sweep(WEDNESDAY);
    expect(await t.escalationsTo()).toEqual(['head-s1']);
  }, 60_000);
});
