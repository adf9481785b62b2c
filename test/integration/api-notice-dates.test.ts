import { describe, expect, it } from 'vitest';
import { createNoticeDeadlineHandler } from '../../functions/notice-deadline/index.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { openCaseBody, who } from '../support/api-world.ts';

/** A case with two refused visits, ready for a notice, on a world whose clock starts at `startIso`. */
async function caseReadyForNotice(startIso: string, ref: string) {
  const { call } = await apiCallerWorld('ntd', startIso);
  const opened = await call({
    method: 'POST',
    path: '/api/cases',
    as: who.headS1,
    body: { ...openCaseBody('s1'), studentRef: ref },
  });
  expect(opened.status).toBe(201);
  const caseId = opened.body.case.id as string;
  for (const _ of [1, 2]) {
    const v = await call({
      method: 'POST',
      path: `/api/cases/${caseId}/visits`,
      as: who.headS1,
      body: { at: new Date(startIso).toISOString(), outcome: 'refused', note: '家长不同意' },
    });
    expect(v.status).toBe(201);
  }
  const issue = (body: unknown) => call({ method: 'POST', path: `/api/cases/${caseId}/notices`, as: who.headS1, body });
  return { issue, call, caseId };
}

describe('POST /api/cases/:caseId/notices warns about dates before it issues', () => {
  it('a notice issued Thursday 2026-09-24 would be due on 国庆 2026-10-01: 422 with the dates, then 201 when confirmed', async () => {
    const { issue, call, caseId } = await caseReadyForNotice(
      cstInstant('2026-09-24', '10:00').toISOString(),
      'TEST-XJ-9001',
    );

    const first = await issue({});

    expect(first.status).toBe(422);
    expect(first.body.error).toEqual({
      code: 'NOTICE_NEEDS_CONFIRMATION',
      message: expect.stringContaining('返校期限 2026-10-01 不是上课日（法定节假日（国庆节））'),
      warnings: ['返校期限 2026-10-01 不是上课日（法定节假日（国庆节））'],
      issuedAt: '2026-09-24T02:00:00.000Z',
      deadline: '2026-10-01T02:00:00.000Z',
      reminderAt: '2026-09-29T02:00:00.000Z',
    });
    const nothing = await call({ method: 'GET', path: `/api/cases/${caseId}`, as: who.headS1 });
    expect(nothing.body.case.state).toBe('persuading');

    const confirmed = await issue({ confirm: true });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.notice.deadline).toBe('2026-10-01T02:00:00.000Z');
  });

  it('issued in term with the deadline on a school day (reminder on a Sunday): 201 at once, no confirmation', async () => {
    const { issue } = await caseReadyForNotice(cstInstant('2026-03-10', '10:00').toISOString(), 'TEST-XJ-9002');
    expect((await issue({})).status).toBe(201);
  });

  it('issued in the summer break: both the issue date and the deadline are named', async () => {
    const { issue } = await caseReadyForNotice(cstInstant('2026-07-20', '10:00').toISOString(), 'TEST-XJ-9003');
    const res = await issue({});
    expect(res.status).toBe(422);
    expect(res.body.error.warnings).toEqual([
      '签发日 2026-07-20 不在学期内（学期外）',
      '返校期限 2026-07-27 不是上课日（学期外）',
    ]);
    expect((await issue({ confirm: false })).status).toBe(400);
  });

  it('a reminder on a public holiday is named: issued 2026-09-29, reminder on 国庆 10-04, deadline 10-06 also 国庆', async () => {
    const { issue } = await caseReadyForNotice(cstInstant('2026-09-29', '10:00').toISOString(), 'TEST-XJ-9004');
    const res = await issue({});
    expect(res.body.error.warnings).toEqual([
      '返校期限 2026-10-06 不是上课日（法定节假日（国庆节））',
      '家长提醒短信 2026-10-04 在法定节假日（国庆节）',
    ]);
  });
});

describe('dates that cannot be true are refused, naming the field, and nothing is written', () => {
  it('a return dated 2026-03-11 (tomorrow), 9999-12-31, 2026-03-09 (before the case opened) or 2026-02-30', async () => {
    const { call, caseId } = await caseReadyForNotice(cstInstant('2026-03-10', '10:00').toISOString(), 'TEST-XJ-9101');
    const ret = (returnedOn: string) =>
      call({ method: 'POST', path: `/api/cases/${caseId}/return`, as: who.headS1, body: { returnedOn } });

    for (const [date, reason] of [
      ['2026-03-11', '不能晚于今天（2026-03-10）'],
      ['9999-12-31', '不能晚于今天（2026-03-10）'],
      ['2026-03-09', '不能早于立案日期（2026-03-10）'],
      ['2026-02-30', '不是真实存在的日期'],
    ]) {
      const res = await ret(date!);
      expect(res.status, date).toBe(400);
      expect(res.body.error.issues).toEqual([{ field: expect.stringMatching(/returnedOn$/), reason }]);
    }
    const still = await call({ method: 'GET', path: `/api/cases/${caseId}`, as: who.headS1 });
    expect(still.body.case.state).toBe('persuading');
    expect((await ret('2026-03-10')).status).toBe(200);
  });

  it('a visit in the future (beyond 5 minutes of clock skew) or before the case opened is refused', async () => {
    const { call, caseId } = await caseReadyForNotice(cstInstant('2026-03-10', '10:00').toISOString(), 'TEST-XJ-9102');
    const visit = (at: string) =>
      call({
        method: 'POST',
        path: `/api/cases/${caseId}/visits`,
        as: who.headS1,
        body: { at, outcome: 'refused', note: '' },
      });

    expect((await visit(cstInstant('2026-03-10', '10:30').toISOString())).body.error.issues).toEqual([
      { field: 'at', reason: '不能是将来的时间' },
    ]);
    expect((await visit(cstInstant('2026-03-09', '16:00').toISOString())).body.error.issues).toEqual([
      { field: 'at', reason: '不能早于立案日期（2026-03-10）' },
    ]);
    expect((await visit(cstInstant('2026-03-10', '10:04').toISOString())).status).toBe(201);
  });
});

describe('POST /api/cases/:caseId/notices/:noticeId/receipt', () => {
  it('every role: the pupil school head and the office record it; everyone else is refused and nothing changes', async () => {
    const { issue, call, caseId, clock } = await caseReadyForNoticeWithClock(
      cstInstant('2026-03-10', '10:00').toISOString(),
      'TEST-XJ-9101',
    );
    const issued = await issue({});
    expect(issued.status).toBe(201);
    expect(issued.body.notice.receipt).toBeNull();
    const noticeId = issued.body.notice.id as string;
    clock.set(cstInstant('2026-03-11', '18:00').toISOString());
    const path = `/api/cases/${caseId}/notices/${noticeId}/receipt`;
    const body = {
      receivedAt: '2026-03-11 17:00',
      method: 'signed-receipt',
      receivedBy: '测试家长',
      evidenceRef: '回证-01',
    };

    for (const as of [who.teacherS1, who.headS3, who.contactA, who.contactB, who.leaderA]) {
      const refused = await call({ method: 'POST', path, as, body });
      expect([403, 404], `${as.personId}`).toContain(refused.status);
    }
    const bad = await call({ method: 'POST', path, as: who.headS1, body: { ...body, receivedAt: '2026-02-30 17:00' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toEqual({ field: 'body.receivedAt', reason: '不是真实存在的日期' });

    const recorded = await call({ method: 'POST', path, as: who.headS1, body });
    expect(recorded.status).toBe(201);
    expect(recorded.body.notice).toMatchObject({
      deadline: cstInstant('2026-03-18', '17:00').toISOString(),
      receipt: {
        method: 'signed-receipt',
        methodLabel: '签收送达回证',
        receivedBy: '测试家长',
        evidenceRef: '回证-01',
      },
    });
    expect(recorded.body.previousDeadline).toBe(cstInstant('2026-03-17', '10:00').toISOString());
    const again = await call({ method: 'POST', path, as: who.office, body });
    expect(again.status).toBe(200);
    expect(again.body.changed).toBe(false);
    const other = await call({ method: 'POST', path, as: who.office, body: { ...body, method: 'post' } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('RECEIPT_ALREADY_RECORDED');

    const timeline = await call({ method: 'GET', path: `/api/cases/${caseId}/timeline`, as: who.headS1 });
    expect(timeline.body.notices[0].receipt.receivedBy).toBe('测试家长');
    expect(timeline.body.timeline.some((i: { type: string }) => i.type === 'notice-received')).toBe(true);
    const list = await call({ method: 'GET', path: '/api/cases', as: who.headS1 });
    expect(list.body.cases.find((c: { id: string }) => c.id === caseId).notice.deadline).toBe(
      cstInstant('2026-03-18', '17:00').toISOString(),
    );
  });
});

async function caseReadyForNoticeWithClock(startIso: string, ref: string) {
  const world = await apiCallerWorld('ntr', startIso);
  const { call } = world;
  const opened = await call({
    method: 'POST',
    path: '/api/cases',
    as: who.headS1,
    body: { ...openCaseBody('s1'), studentRef: ref },
  });
  const caseId = opened.body.case.id as string;
  for (const _ of [1, 2])
    await call({
      method: 'POST',
      path: `/api/cases/${caseId}/visits`,
      as: who.headS1,
      body: { at: new Date(startIso).toISOString(), outcome: 'refused', note: '家长不同意' },
    });
  const issue = (body: unknown) => call({ method: 'POST', path: `/api/cases/${caseId}/notices`, as: who.headS1, body });
  return { issue, call, caseId, clock: world.clock, deps: world.deps };
}

describe('after a lapse: acknowledge and the township order, every role', () => {
  it('only the township’s 包乡镇人员, the area’s 包片领导 and the office act; the view shows who and when', async () => {
    const world = await caseReadyForNoticeWithClock(cstInstant('2026-03-10', '10:00').toISOString(), 'TEST-XJ-9201');
    const { issue, call, caseId, clock } = world;
    const noticeId = (await issue({})).body.notice.id as string;
    clock.set(cstInstant('2026-03-17', '10:00').toISOString());
    const lapsed = await createNoticeDeadlineHandler(world.deps)({ caseId, noticeId });
    expect(lapsed).toMatchObject({ outcome: 'escalated' });
    clock.set(cstInstant('2026-03-17', '11:00').toISOString());
    const ack = (as: Principal, note = '已联系乡镇') =>
      call({ method: 'POST', path: `/api/cases/${caseId}/notices/${noticeId}/acknowledge`, as, body: { note } });
    const order = (as: Principal) =>
      call({
        method: 'POST',
        path: `/api/cases/${caseId}/notices/${noticeId}/township-order`,
        as,
        body: { kind: '限期返校', orderedOn: '2026-03-17', ref: '测试政发〔2026〕1号' },
      });

    for (const as of [who.headS1, who.teacherS1, who.headS3, who.contactB]) {
      expect([403, 404], `ack ${as.personId}`).toContain((await ack(as)).status);
      expect([403, 404], `order ${as.personId}`).toContain((await order(as)).status);
    }
    expect((await order(who.leaderA)).status).toBe(403);
    const first = await ack(who.leaderA, '片长督办，电话 13800000999');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.notice.escalation).toMatchObject({
      level: 0,
      nextAt: null,
      acknowledged: { by: '测试片长甲', role: 'leader', note: expect.not.stringContaining('13800000999') },
    });
    expect((await ack(who.contactA)).body.changed).toBe(false);
    const ordered = await order(who.contactA);
    expect(ordered.status).toBe(201);
    expect(ordered.body.notice.escalation.townshipOrder).toEqual({
      kind: '限期返校',
      orderedOn: '2026-03-17',
      ref: '测试政发〔2026〕1号',
      deadline: '2026-03-24',
      lapsedAt: null,
    });
    const timeline = await call({ method: 'GET', path: `/api/cases/${caseId}/timeline`, as: who.headS1 });
    const types = timeline.body.timeline.map((i: { type: string }) => i.type);
    expect(types).toEqual(expect.arrayContaining(['lapsed', 'escalated', 'escalation-acknowledged', 'township-order']));
  });
});
