import { beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { DynamoCaseExtras } from '../../shared/adapters/dynamo/case-read-models.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { sweepFollowUpUseCase } from '../../shared/use-cases/sweep-followup.ts';
import { apiEvent, apiWorld, openCaseBody, who } from '../support/api-world.ts';
import { freshTable } from '../support/dynamo.ts';

/** A teacher of 测试乙乡小学 (s3): signed in, but none of s1's plans or households are theirs. */
const teacherS3: Principal = { personId: 'teacher-s3', name: '测试教师三', role: 'teacher', schoolId: 's3' };

async function setUp(prefix: string, startIso?: string) {
  const { doc, tableName } = await freshTable(prefix);
  const world = await apiWorld(doc, tableName, startIso);
  const handler = createApiHandler(world.deps);
  const call = async (input: Parameters<typeof apiEvent>[0]) => {
    const res = await handler(apiEvent(input));
    return {
      status: res.statusCode,
      body: JSON.parse(res.body),
      headers: (res.headers ?? {}) as Record<string, string>,
    };
  };
  const sweep = () => sweepFollowUpUseCase(followUpDepsOf(world.deps));
  const messages = (schoolId: string, subjectId: string) =>
    new DynamoCaseExtras(doc, tableName).messages(schoolId, [subjectId]);
  return { ...world, doc, tableName, call, sweep, messages };
}

type World = Awaited<ReturnType<typeof setUp>>;
const fieldsOf = (body: { error: { issues?: { field: string }[] } }) => body.error.issues?.map((i) => i.field);

describe('follow-up visits through the API on the 2026 calendar (R6)', () => {
  let w: World;
  let planId: string;
  beforeAll(async () => {
    // Tuesday 2026-03-10 10:00 CST: a pupil returns; visits due Tue 03-17, 03-24, 03-31 and 04-07.
    w = await setUp('fu-api');
    const opened = await w.call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: { ...openCaseBody('s1'), studentName: '测试复学学生' },
    });
    const returned = await w.call({
      method: 'POST',
      path: `/api/cases/${opened.body.case.id}/return`,
      as: who.headS1,
      body: { returnedOn: '2026-03-10' },
    });
    expect(returned.body.followUpPlan).toBe('created');
    const [plan] = await new DynamoFollowUpRepository(w.doc, w.tableName).plansOfCase(opened.body.case.id);
    planId = plan!.id;
  });

  it('the responsible teacher records visit 1; a retry with the same Idempotency-Key replays the reply', async () => {
    w.clock.set('2026-03-13T07:00:00Z'); // Fri 15:00 CST, before visit 1 is due
    const request = {
      method: 'POST',
      path: `/api/followup/plans/${planId}/visits`,
      as: who.teacherS1,
      body: { doneOn: '2026-03-13', note: '家中学习情况良好' },
      headers: { 'idempotency-key': 'fu-visit-1-key' },
    };

    const first = await w.call(request);
    const retry = await w.call(request);

    expect(first.status).toBe(201);
    expect(first.body.visit).toMatchObject({
      no: 1,
      status: 'done',
      statusLabel: '已完成',
      doneOn: '2026-03-13',
      doneBy: { id: 'teacher-s1', name: '测试教师一' },
      note: '家中学习情况良好',
    });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    const plan = await w.call({ method: 'GET', path: `/api/followup/plans/${planId}`, as: who.headS1 });
    expect(plan.body.visits.filter((v: { status: string }) => v.status === 'done')).toHaveLength(1);
  });

  it('the sweep reminds nobody of the recorded visit 1 but escalates the missed visit 2 to the head', async () => {
    w.clock.set('2026-03-16T02:00:00Z'); // Mon 10:00, after visit 1's reminder time (08:00)
    const monday = await w.sweep();
    w.clock.set('2026-03-26T02:00:00Z'); // Thu 10:00: visit 2 (due 03-24) missed, level 1 fired 03-25 09:00
    const thursday = await w.sweep();

    expect(monday.messages).toBe(0);
    expect(thursday.messages).toBe(1);
    const sent = await w.messages('s1', planId);
    expect(sent.map((m) => m.id)).toEqual([`visit-${planId}-2-s1-head-s1`]);
    expect(sent[0]!.text).toContain('测****生');
    expect(sent[0]!.text).not.toContain('测试复学学生');
  });

  it('the plan record shows every visit: done, missed (escalated), pending', async () => {
    const res = await w.call({ method: 'GET', path: `/api/followup/plans/${planId}`, as: who.headS1 });

    expect(res.status).toBe(200);
    expect(res.body.plan).toMatchObject({ kind: 'followup', studentName: '测试复学学生', masked: false });
    expect(
      res.body.visits.map((v: { no: number; statusLabel: string; escalated: boolean }) => [
        v.no,
        v.statusLabel,
        v.escalated,
      ]),
    ).toEqual([
      [1, '已完成', false],
      [2, '逾期未完成', true],
      [3, '待完成', false],
      [4, '待完成', false],
    ]);
    expect(res.body.visits.map((v: { dueDate: string }) => v.dueDate)).toEqual([
      '2026-03-17',
      '2026-03-24',
      '2026-03-31',
      '2026-04-07',
    ]);
  });

  it('a township contact reads the plan masked, notes through the scrubber; the read is audited', async () => {
    const res = await w.call({ method: 'GET', path: `/api/followup/plans/${planId}`, as: who.contactA });

    expect(res.status).toBe(200);
    expect(res.body.plan).toMatchObject({ studentName: '测****生', masked: true });
    // No name or number in this note: it reads as typed (api-masking.test.ts has one that is scrubbed).
    expect(res.body.visits[0].note).toBe('家中学习情况良好');
    const plan = await new DynamoFollowUpRepository(w.doc, w.tableName).getPlan(planId);
    const audit = await new DynamoAuditLog(w.doc, w.tableName).listForCase(plan!.plan.caseId!);
    expect(audit.filter((a) => a.action === 'read-plan').map((a) => [a.personId, a.sensitive])).toContainEqual([
      'contact-a',
      false,
    ]);
  });

  it('the due list: the teacher sees visit 2 overdue, 3 and 4 coming; another school is refused', async () => {
    const mine = await w.call({
      method: 'GET',
      path: '/api/followup/due',
      as: who.teacherS1,
      query: { schoolId: 's1' },
    });
    const other = await w.call({ method: 'GET', path: '/api/followup/due', as: teacherS3, query: { schoolId: 's1' } });
    const contact = await w.call({
      method: 'GET',
      path: '/api/followup/due',
      as: who.contactA,
      query: { schoolId: 's1' },
    });

    expect(mine.status).toBe(200);
    expect(mine.body.visits.map((v: { no: number; overdue: boolean }) => [v.no, v.overdue])).toEqual([
      [2, true],
      [3, false],
      [4, false],
    ]);
    expect(mine.body.visits[0].studentName).toBe('测试复学学生');
    expect(other.status).toBe(403);
    expect(contact.status).toBe(200);
    expect(contact.body.visits[0].studentName).toBe('测****生');
  });

  it('refusals: another school’s teacher 403, a township contact may not record, a colleague not assigned 403', async () => {
    const body = { doneOn: '2026-03-26' };
    const path = `/api/followup/plans/${planId}/visits`;

    const fromS3 = await w.call({ method: 'POST', path, as: teacherS3, body });
    const contact = await w.call({ method: 'POST', path, as: who.contactA, body });
    const colleague = await w.call({ method: 'POST', path, as: who.teacherS1b, body });
    const readByColleague = await w.call({ method: 'GET', path: `/api/followup/plans/${planId}`, as: who.teacherS1b });

    expect([fromS3.status, contact.status, colleague.status, readByColleague.status]).toEqual([403, 403, 403, 403]);
  });

  it('validation: 400 naming the field', async () => {
    const path = `/api/followup/plans/${planId}/visits`;

    const badDate = await w.call({ method: 'POST', path, as: who.teacherS1, body: { doneOn: '2026-02-30' } });
    const future = await w.call({ method: 'POST', path, as: who.teacherS1, body: { doneOn: '2026-04-01' } });
    const unknown = await w.call({
      method: 'POST',
      path,
      as: who.headS1,
      body: { doneOn: '2026-03-26', byId: 'nobody' },
    });
    const noSchool = await w.call({ method: 'GET', path: '/api/followup/due', as: who.headS1, query: {} });
    const missing = await w.call({ method: 'GET', path: '/api/followup/plans/nope', as: who.office });

    expect(badDate.status).toBe(400);
    expect(fieldsOf(badDate.body)).toEqual(['body.doneOn']);
    expect(future.status).toBe(400);
    expect(fieldsOf(future.body)).toEqual(['doneOn']);
    expect(fieldsOf(unknown.body)).toEqual(['body.byId']);
    expect(fieldsOf(noSchool.body)).toEqual(['query.schoolId']);
    expect(missing.status).toBe(404);
  });

  it('the head records visit 2 late for the teacher: done late (逾期完成)', async () => {
    const res = await w.call({
      method: 'POST',
      path: `/api/followup/plans/${planId}/visits`,
      as: who.headS1,
      body: { doneOn: '2026-03-26', byId: 'teacher-s1' },
    });

    expect(res.status).toBe(201);
    expect(res.body.visit).toMatchObject({ no: 2, statusLabel: '逾期完成', doneBy: { id: 'teacher-s1' } });
  });
});

describe('送教上门 plans through the API (R6, 一人一案)', () => {
  let w: World;
  beforeAll(async () => {
    w = await setUp('fu-st'); // Tuesday 2026-03-10 10:00 CST
  });
  const body = {
    studentName: '测试送教学生',
    schoolId: 's1',
    teacherIds: ['teacher-s1b'],
    content: '生活自理与语文识字训练',
    from: '2026-03-10',
    to: '2026-04-30',
  };

  it('the head creates the plan: two visits a month; the teacher records one with its content; the record lists all', async () => {
    const created = await w.call({
      method: 'POST',
      path: '/api/followup/send-teaching-plans',
      as: who.headS1,
      body,
      headers: { 'idempotency-key': 'st-plan-0001' },
    });
    expect(created.status).toBe(201);
    const planId = created.body.plan.id as string;
    const first = created.body.visits[0] as { dueDate: string };
    w.clock.set(`${first.dueDate}T08:00:00Z`); // 16:00 CST on the first due day

    const recorded = await w.call({
      method: 'POST',
      path: `/api/followup/plans/${planId}/visits`,
      as: who.teacherS1b,
      body: { doneOn: first.dueDate, content: '识字20个，练习穿衣' },
    });
    const record = await w.call({ method: 'GET', path: `/api/followup/plans/${planId}`, as: who.headS1 });

    expect(created.body.plan).toMatchObject({ kind: 'send-teaching', content: body.content, visitCount: 4 });
    expect(recorded.status).toBe(201);
    expect(record.body.visits).toHaveLength(4);
    expect(record.body.visits[0]).toMatchObject({ statusLabel: '已完成', content: '识字20个，练习穿衣' });
    expect(record.body.visits.slice(1).map((v: { statusLabel: string }) => v.statusLabel)).toEqual([
      '待完成',
      '待完成',
      '待完成',
    ]);
  });

  it('refusals and validation: a township contact may not create; frequency below the minimum; missing content', async () => {
    w.clock.set('2026-03-10T02:00:00Z');
    const path = '/api/followup/send-teaching-plans';

    const contact = await w.call({ method: 'POST', path, as: who.contactA, body });
    const otherHead = await w.call({ method: 'POST', path, as: who.headS3, body });
    const tooFew = await w.call({ method: 'POST', path, as: who.headS1, body: { ...body, visitsPerMonth: 1 } });
    const { content: _content, ...noContent } = body;
    const missing = await w.call({ method: 'POST', path, as: who.headS1, body: noContent });
    const badTeacher = await w.call({ method: 'POST', path, as: who.office, body: { ...body, teacherIds: ['ghost'] } });

    expect(contact.status).toBe(403);
    expect(otherHead.status).toBe(403);
    expect(tooFew.status).toBe(400);
    expect(fieldsOf(tooFew.body)).toEqual(['visitsPerMonth']);
    expect(fieldsOf(missing.body)).toEqual(['body.content']);
    expect(fieldsOf(badTeacher.body)).toEqual(['body.teacherIds.0']);
  });
});

describe('大家访 campaigns through the API (R7): 2026 summer, before the break (06-27…07-10)', () => {
  let w: World;
  const windowId = '2026-summer-before';
  beforeAll(async () => {
    w = await setUp('fu-camp', '2026-06-29T02:00:00Z'); // Monday 10:00 CST, window open
  });

  it('lists the configured windows newest first, this one among them with its dates', async () => {
    const r = await w.call({ method: 'GET', path: '/api/followup/campaigns', as: who.contactA });

    expect(r.status).toBe(200);
    const windows = (r.body as { windows: { id: string; start: string; end: string }[] }).windows;
    expect(windows.find((x) => x.id === windowId)).toMatchObject({ start: '2026-06-27', end: '2026-07-10' });
    const starts = windows.map((x) => x.start);
    expect(starts).toEqual([...starts].sort().reverse());
  });

  it('head creates s1 with 3 households, the office s2 with 1; 2 of s1 and all of s2 visited → 2/3 and 1/1', async () => {
    const s1 = await w.call({
      method: 'POST',
      path: '/api/followup/campaigns',
      as: who.headS1,
      headers: { 'idempotency-key': 'camp-s1-0001' },
      body: {
        windowId,
        schoolId: 's1',
        households: [
          { ref: 'xj-001', studentName: '测试家访甲', teacherId: 'teacher-s1' },
          { ref: 'xj-002', studentName: '测试家访乙', teacherId: 'teacher-s1' },
          { ref: 'xj-003', studentName: '测试家访丙', teacherId: 'teacher-s1b' },
        ],
      },
    });
    const s2 = await w.call({
      method: 'POST',
      path: '/api/followup/campaigns',
      as: who.office,
      body: {
        windowId,
        schoolId: 's2',
        households: [{ ref: 'xj-101', studentName: '测试家访丁', teacherId: 'head-s2' }],
      },
    });
    expect([s1.status, s2.status]).toEqual([201, 201]);
    const visit = (as: Principal, schoolId: string, ref: string) =>
      w.call({
        method: 'POST',
        path: `/api/followup/campaigns/${windowId}/${schoolId}/visits`,
        as,
        body: { ref, visitedOn: '2026-06-29' },
      });

    const a = await visit(who.teacherS1, 's1', 'xj-001');
    const notHers = await visit(who.teacherS1, 's1', 'xj-003');
    const b = await visit(who.teacherS1, 's1', 'xj-002');
    const d = await visit(who.office, 's2', 'xj-101');
    const completion = await w.call({ method: 'GET', path: `/api/followup/campaigns/${windowId}`, as: who.office });

    expect([a.status, notHers.status, b.status, d.status]).toEqual([201, 403, 201, 201]);
    expect(b.body.campaign).toMatchObject({ done: 2, total: 3 });
    expect(b.body.campaign.households.map((h: { ref: string }) => h.ref)).toEqual(['xj-001', 'xj-002']);
    expect(
      completion.body.schools.map((s: { schoolId: string; done: number; total: number }) => [
        s.schoolId,
        s.done,
        s.total,
      ]),
    ).toEqual([
      ['s1', 2, 3],
      ['s2', 1, 1],
    ]);
    expect(completion.body.withoutList.map((s: { schoolId: string }) => s.schoolId)).toEqual(['s3']);
  });

  it('after the window only the incomplete school escalates (head of s1)', async () => {
    // The deadline is Friday 07-10 20:00; level 1 counts officials' working time: Monday 07-13 09:00.
    w.clock.set('2026-07-12T02:00:00Z'); // Sunday 10:00: nothing on the weekend
    expect((await w.sweep()).messages).toBe(0);
    w.clock.set('2026-07-13T01:05:00Z'); // Monday 09:05

    const result = await w.sweep();

    const s1 = await w.messages('s1', `campaign-${windowId}-s1`);
    const s2 = await w.messages('s2', `campaign-${windowId}-s2`);
    expect(result.messages).toBe(1);
    expect(s1.map((m) => [m.template, m.recipient.role])).toEqual([['campaign-escalation', 'school-head']]);
    expect(s2).toEqual([]);
    const completion = await w.call({ method: 'GET', path: `/api/followup/campaigns/${windowId}`, as: who.headS1 });
    expect(completion.body.schools).toEqual([
      expect.objectContaining({ schoolId: 's1', done: 2, total: 3, late: true, escalated: true }),
    ]);
  });

  it('the due list shows the household left; a township contact sees it masked and may not create or record', async () => {
    const due = await w.call({
      method: 'GET',
      path: '/api/followup/due',
      as: who.contactA,
      query: { schoolId: 's1', from: '2026-06-01', to: '2026-07-31' },
    });
    const create = await w.call({
      method: 'POST',
      path: '/api/followup/campaigns',
      as: who.contactA,
      body: { windowId, schoolId: 's1', households: [{ ref: 'x-1', studentName: '测试', teacherId: 'teacher-s1' }] },
    });
    const record = await w.call({
      method: 'POST',
      path: `/api/followup/campaigns/${windowId}/s1/visits`,
      as: who.contactA,
      body: { ref: 'xj-003', visitedOn: '2026-07-12' },
    });

    expect(due.body.households).toEqual([
      expect.objectContaining({ ref: 'xj-003', studentName: '测***丙', teacherId: 'teacher-s1b', overdue: true }),
    ]);
    expect([create.status, record.status]).toEqual([403, 403]);
  });

  it('validation: unknown window, a teacher of another school, a re-creation with another list (409)', async () => {
    const post = (body: unknown) => w.call({ method: 'POST', path: '/api/followup/campaigns', as: who.headS1, body });
    const households = [{ ref: 'xj-001', studentName: '测试家访甲', teacherId: 'teacher-s1' }];

    const window = await post({ windowId: '2099-summer-before', schoolId: 's1', households });
    const teacher = await post({ windowId, schoolId: 's1', households: [{ ...households[0], teacherId: 'head-s2' }] });
    const again = await post({ windowId, schoolId: 's1', households });
    const empty = await post({ windowId, schoolId: 's1', households: [] });

    expect(fieldsOf(window.body)).toEqual(['windowId']);
    expect(fieldsOf(teacher.body)).toEqual(['body.households.0.teacherId']);
    expect(again.status).toBe(409);
    expect(fieldsOf(empty.body)).toEqual(['body.households']);
  });
});
