import { beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { apiEvent, apiWorld, openCaseBody, who } from '../support/api-world.ts';
import { freshTable } from '../support/dynamo.ts';

/** The pupils a filed report lists as not back reopen, feed or open cases, idempotently. */
async function setUp(prefix: string) {
  const { doc, tableName } = await freshTable(prefix);
  const world = await apiWorld(doc, tableName); // Tuesday 2026-03-10 10:00 CST
  const handler = createApiHandler(world.deps);
  const call = async (input: Parameters<typeof apiEvent>[0]) => {
    const res = await handler(apiEvent(input));
    return { status: res.statusCode, body: JSON.parse(res.body ?? '{}') };
  };
  return { ...world, call };
}
type World = Awaited<ReturnType<typeof setUp>>;

const report = (periodKey: string, notBack: Record<string, unknown>[]) => ({
  schoolId: 's1',
  cadence: 'daily',
  periodKey,
  submission: {
    counts: {
      enrolled: 300,
      returned: 300 - notBack.length,
      notReturned: notBack.filter((p) => p.status === 'not-returned').length,
      droppedOut: notBack.filter((p) => p.status === 'dropped-out').length,
    },
    notBack,
  },
});

async function openCase(w: World, extra: Record<string, unknown>) {
  const res = await w.call({
    method: 'POST',
    path: '/api/cases',
    as: who.headS1,
    body: { ...openCaseBody('s1'), ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.case as { id: string };
}

async function eventsOf(w: World, caseId: string, as: Principal = who.headS1) {
  const res = await w.call({ method: 'GET', path: `/api/cases/${caseId}/timeline`, as });
  return (res.body.timeline as { kind: string; type: string; data: Record<string, unknown> }[]).filter(
    (i) => i.kind === 'event',
  );
}

async function casesNamed(w: World, name: string) {
  const all = await w.call({ method: 'GET', path: '/api/cases', as: who.headS1, query: { state: 'all' } });
  return (all.body.cases as { id: string; studentName: string }[]).filter((c) => c.studentName === name);
}

describe('a report listing three pupils: one with an open case, one unknown, one returned within the window', () => {
  let w: World;
  let openId: string;
  let returnedId: string;
  let first: Awaited<ReturnType<World['call']>>;
  let again: Awaited<ReturnType<World['call']>>;
  const listed = [
    { studentName: '测试在办生', grade: '七年级', status: 'not-returned' },
    { studentName: '测试新报生', grade: '八年级', status: 'dropped-out' },
    { studentName: '测试复学生', status: 'not-returned' },
  ];

  beforeAll(async () => {
    w = await setUp('intake');
    openId = (await openCase(w, { studentName: '测试在办生' })).id;
    returnedId = (await openCase(w, { studentName: '测试复学生', grade: undefined })).id;
    const ret = await w.call({
      method: 'POST',
      path: `/api/cases/${returnedId}/return`,
      as: who.headS1,
      body: { returnedOn: '2026-03-10' },
    });
    expect(ret.status).toBe(200);
    w.clock.set('2026-03-20T02:00:00Z'); // Friday 10:00 CST, within the 保学 window
    first = await w.call({ method: 'POST', path: '/api/reports', as: who.headS1, body: report('2026-03-20', listed) });
    again = await w.call({ method: 'POST', path: '/api/reports', as: who.headS1, body: report('2026-03-20', listed) });
  });

  it('the reply gives the figures and the case ids: reopened, fed and opened once each', () => {
    expect(first.status).toBe(201);
    expect(first.body.cases).toMatchObject({
      reopened: 1,
      fed: 1,
      opened: 1,
      unchanged: 0,
      ambiguous: 0,
      skipped: 0,
      reopenedCaseIds: [returnedId],
      fedCaseIds: [openId],
    });
    expect(first.body.cases.openedCaseIds).toHaveLength(1);
    expect(first.body.reopenedCaseIds).toEqual([returnedId]);
  });

  it('re-filing the same report changes nothing: every case is reported unchanged', () => {
    expect(again.status).toBe(200);
    expect(again.body.cases).toMatchObject({ reopened: 0, fed: 0, opened: 0, unchanged: 3, ambiguous: 0 });
    expect([...again.body.cases.unchangedCaseIds].sort()).toEqual(
      [openId, returnedId, first.body.cases.openedCaseIds[0]].sort(),
    );
  });

  it('the open case is fed once: one reported-absent event with the period and status', async () => {
    const fed = (await eventsOf(w, openId)).filter((e) => e.type === 'reported-absent');

    expect(fed).toHaveLength(1);
    expect(fed[0]!.data).toMatchObject({ cadence: 'daily', periodKey: '2026-03-20', status: 'not-returned' });
  });

  it('the returned pupil reopens the same case as before, and is not fed on top', async () => {
    expect((await eventsOf(w, returnedId)).map((e) => e.type)).toEqual(['opened', 'returned', 'reopened']);
    expect(await casesNamed(w, '测试复学生')).toHaveLength(1);
  });

  it('the unknown pupil gets one case: 待核实, the head responsible, no guardian, marked as from the report', async () => {
    const [only, ...more] = await casesNamed(w, '测试新报生');
    expect(more).toEqual([]);

    const res = await w.call({ method: 'GET', path: `/api/cases/${only!.id}`, as: who.headS1 });

    expect(res.body.case).toMatchObject({
      id: first.body.cases.openedCaseIds[0],
      kind: 'dropped-out',
      state: 'opened',
      grade: '八年级',
      reason: '报表列为未返校/辍学',
      whereabouts: '待核实',
      responsibleTeacher: { personId: 'head-s1', name: '测试校长一' },
      guardian: {},
      openedFrom: { slotId: 's1:daily:2026-03-20', cadence: 'daily', periodKey: '2026-03-20' },
    });
    expect((await eventsOf(w, only!.id)).map((e) => e.type)).toEqual(['opened']);
  });

  it('an official outside the school sees the auto-opened case masked, without a guardian, without crashing', async () => {
    const res = await w.call({ method: 'GET', path: '/api/cases', as: who.contactA });

    const auto = res.body.cases.find((c: { id: string }) => c.id === first.body.cases.openedCaseIds[0]);
    expect(auto).toMatchObject({ studentName: '测***生', guardian: {}, whereabouts: '待核实', masked: true });
  });

  it('no log line holds a listed pupil full name', () => {
    const text = JSON.stringify(w.log.lines);
    for (const p of listed) expect(text).not.toContain(p.studentName);
  });
});

describe('intake edge cases', () => {
  let w: World;
  beforeAll(async () => {
    w = await setUp('intake-edge');
  });

  it('two concurrent filings of the same report open one case', async () => {
    const body = report('2026-03-09', [{ studentName: '测试并发生', status: 'not-returned', reason: '外出打工' }]);

    const replies = await Promise.all([
      w.call({ method: 'POST', path: '/api/reports', as: who.headS1, body }),
      w.call({ method: 'POST', path: '/api/reports', as: who.headS1, body }),
    ]);

    expect(replies.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(replies.map((r) => r.body.cases.opened).sort()).toEqual([0, 1]);
    const cases = await casesNamed(w, '测试并发生');
    expect(cases).toEqual([expect.objectContaining({ reason: '外出打工', kind: 'not-returned' })]);
  });

  it('a pupil matching two open cases is not guessed: counted as ambiguous, nothing fed or opened', async () => {
    await openCase(w, { studentName: '测试同名在办', grade: undefined });
    await openCase(w, { studentName: '测试同名在办', grade: undefined, allowDuplicate: true });

    const res = await w.call({
      method: 'POST',
      path: '/api/reports',
      as: who.headS1,
      body: report('2026-03-10', [{ studentName: '测试同名在办', status: 'not-returned' }]),
    });

    expect(res.body.cases).toMatchObject({ ambiguous: 1, fed: 0, opened: 0, reopened: 0 });
    expect(await casesNamed(w, '测试同名在办')).toHaveLength(2);
  });

  it('a notice on an auto-opened case is refused until the guardian is filled in (400 naming the field), then goes', async () => {
    const filed = await w.call({
      method: 'POST',
      path: '/api/reports',
      as: who.headS1,
      body: report('2026-03-06', [
        { studentName: '测试待补监护', studentId: 'G450000000000001', status: 'not-returned' },
      ]),
    });
    const caseId = filed.body.cases.openedCaseIds[0] as string;
    for (const outcome of ['not-home', 'refused'])
      await w.call({
        method: 'POST',
        path: `/api/cases/${caseId}/visits`,
        as: who.headS1,
        body: { at: '2026-03-10T01:00:00Z', outcome },
      });

    const refused = await w.call({ method: 'POST', path: `/api/cases/${caseId}/notices`, as: who.headS1, body: {} });
    const { case: read } = (await w.call({ method: 'GET', path: `/api/cases/${caseId}`, as: who.headS1 })).body;
    const patched = await w.call({
      method: 'PATCH',
      path: `/api/cases/${caseId}`,
      as: who.headS1,
      body: { version: read.version, guardianName: '测试监护人', guardianPhone: '+8613800000951' },
    });
    const issued = await w.call({ method: 'POST', path: `/api/cases/${caseId}/notices`, as: who.headS1, body: {} });

    expect(refused.status).toBe(400);
    expect(refused.body.error.issues.map((i: { field: string }) => i.field)).toContain('guardian.phone');
    expect(patched.status).toBe(200);
    expect(patched.body.changed).toEqual(['guardianName', 'guardianPhone']);
    expect(issued.status).toBe(201);
    expect(issued.body.notice).toMatchObject({ caseId, status: 'pending' });
  });
});
