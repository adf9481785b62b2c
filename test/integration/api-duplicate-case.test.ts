import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { openCaseBody, who } from '../support/api-world.ts';

/** Opening a case by hand checks for the pupil's existing cases (matchCases: 学籍号 first, else name + grade). */
async function setUp(prefix: string) {
  return apiCallerWorld(prefix); // Tuesday 2026-03-10 10:00 CST
}
type World = Awaited<ReturnType<typeof setUp>>;

const open = (w: World, extra: Record<string, unknown>) =>
  w.call({ method: 'POST', path: '/api/cases', as: who.headS1, body: { ...openCaseBody('s1'), ...extra } });

async function casesNamed(w: World, name: string) {
  const all = await w.call({ method: 'GET', path: '/api/cases', as: who.headS1, query: { state: 'all' } });
  return (all.body.cases as { id: string; studentName: string; state: string }[]).filter((c) => c.studentName === name);
}

async function eventTypes(w: World, caseId: string) {
  const res = await w.call({ method: 'GET', path: `/api/cases/${caseId}/timeline`, as: who.headS1 });
  return (res.body.timeline as { kind: string; type: string; data: Record<string, unknown> }[]).filter(
    (i) => i.kind === 'event',
  );
}

describe('POST /api/cases: a pupil with an open case', () => {
  let w: World;
  beforeAll(async () => {
    w = await setUp('dup-open');
  });

  it('a case opened from a filed report: opening it again by hand is a 409 naming the case, nothing written', async () => {
    const filed = await w.call({
      method: 'POST',
      path: '/api/reports',
      as: who.headS1,
      body: {
        schoolId: 's1',
        cadence: 'daily',
        periodKey: '2026-03-10',
        submission: {
          counts: { enrolled: 300, returned: 299, notReturned: 1, droppedOut: 0 },
          notBack: [{ studentName: '测试报来生', grade: '七年级', status: 'not-returned' }],
        },
      },
    });
    expect(filed.status).toBe(201);
    const [existingId] = filed.body.cases.openedCaseIds as string[];

    const res = await open(w, { studentName: '测试报来生', grade: '七年级' });

    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'DUPLICATE_CASE',
      existingCaseId: existingId,
      existingCaseIds: [existingId],
    });
    expect(res.body.error.message).toContain(existingId);
    expect(res.body.error.message).toContain('未结案');
    expect((await casesNamed(w, '测试报来生')).map((c) => c.id)).toEqual([existingId]);
  });

  it('matched by 学籍号 even when the name is written differently; another 学籍号 is another pupil', async () => {
    const first = await open(w, { studentName: '测试学号生', studentRef: 'TEST-XJ-D1' });
    expect(first.status).toBe(201);

    const same = await open(w, { studentName: '测试学号生二', studentRef: 'TEST-XJ-D1' });
    const other = await open(w, { studentName: '测试学号生', studentRef: 'TEST-XJ-D2' });

    expect(same.status).toBe(409);
    expect(same.body.error.existingCaseId).toBe(first.body.case.id);
    expect(other.status).toBe(201);
  });

  it('allowDuplicate: a different pupil of the same name opens (201), recorded in the opened event', async () => {
    const first = await open(w, { studentName: '测试同名生' });
    expect(first.status).toBe(201);

    const second = await open(w, { studentName: '测试同名生', allowDuplicate: true });

    expect(second.status).toBe(201);
    expect(second.body.case.id).not.toBe(first.body.case.id);
    expect(await casesNamed(w, '测试同名生')).toHaveLength(2);
    const [opened] = await eventTypes(w, second.body.case.id);
    expect(opened).toMatchObject({ type: 'opened', data: { allowDuplicate: true } });
    const [firstOpened] = await eventTypes(w, first.body.case.id);
    expect(firstOpened!.data.allowDuplicate).toBeUndefined();
  });

  it('a different grade with the same name is another pupil: opens', async () => {
    expect((await open(w, { studentName: '测试年级生', grade: '七年级' })).status).toBe(201);
    expect((await open(w, { studentName: '测试年级生', grade: '八年级' })).status).toBe(201);
  });
});

describe('POST /api/cases: a pupil with a returned case', () => {
  let w: World;
  let plans: DynamoFollowUpRepository;
  beforeAll(async () => {
    w = await setUp('dup-returned');
    plans = new DynamoFollowUpRepository(w.doc, w.tableName);
  });

  async function returnedCase(name: string) {
    w.clock.set('2026-03-10T02:00:00Z');
    const opened = await open(w, { studentName: name });
    expect(opened.status).toBe(201);
    const ret = await w.call({
      method: 'POST',
      path: `/api/cases/${opened.body.case.id}/return`,
      as: who.headS1,
      body: { returnedOn: '2026-03-10' },
    });
    expect(ret.status).toBe(200);
    return opened.body.case.id as string;
  }

  it('within the follow-up window: the same case reopens (200, reopened), no new case', async () => {
    const id = await returnedCase('测试复学再缺生');
    w.clock.set('2026-03-20T02:00:00Z'); // day 10 of the 保学 window

    const res = await open(w, { studentName: '测试复学再缺生', reason: '又外出务工' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reopened: true, case: { id, state: 'opened' } });
    expect(await casesNamed(w, '测试复学再缺生')).toEqual([expect.objectContaining({ id, state: 'opened' })]);
    const events = await eventTypes(w, id);
    expect(events.map((e) => e.type)).toEqual(['opened', 'returned', 'reopened']);
    expect(events[2]!.data).toMatchObject({
      absentOn: '2026-03-20',
      openedByHand: { kind: 'not-returned', reason: '又外出务工' },
      followUp: { returnedOn: '2026-03-10' },
    });
    const [plan] = await plans.plansOfCase(id);
    expect(plan!.status).toBe('reopened');
  });

  it('opening it once more is then a 409: the reopened case is open', async () => {
    const res = await open(w, { studentName: '测试复学再缺生' });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DUPLICATE_CASE');
  });

  it('after the follow-up window: a new case opens (201) and the returned one stays closed', async () => {
    const id = await returnedCase('测试期满生');
    w.clock.set('2026-09-10T02:00:00Z'); // long after the 56-day window

    const res = await open(w, { studentName: '测试期满生' });

    expect(res.status).toBe(201);
    expect(res.body.case.id).not.toBe(id);
    const states = (await casesNamed(w, '测试期满生')).map((c) => [c.id === id, c.state]);
    expect(states.sort()).toEqual([
      [false, 'opened'],
      [true, 'returned'],
    ]);
  });
});
