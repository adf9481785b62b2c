import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiDeps, createApiHandler } from '../../functions/api/index.ts';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { apiEvent, apiWorld, openCaseBody, openDailySlots, who } from '../support/api-world.ts';
import { freshTable } from '../support/dynamo.ts';

type Handler = ReturnType<typeof createApiHandler>;
let handler: Handler;
let deps: ApiDeps;

const call = async (input: Parameters<typeof apiEvent>[0]) => {
  const res = await handler(apiEvent(input));
  return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers ?? {} };
};

/** Each case these tests open is a different pupil of the same name: a distinct (invented) 学籍号 tells them apart. */
let pupilNo = 0;
const pupilRef = () => ({ studentRef: `TEST-XJ-${String(++pupilNo).padStart(4, '0')}` });

async function openCase(schoolId = 's1', as: Principal = who.headS1) {
  const res = await call({
    method: 'POST',
    path: '/api/cases',
    as,
    body: { ...openCaseBody(schoolId), ...pupilRef() },
  });
  expect(res.status).toBe(201);
  return res.body.case.id as string;
}

async function visit(caseId: string, as: Principal = who.headS1) {
  return call({
    method: 'POST',
    path: `/api/cases/${caseId}/visits`,
    as,
    body: { at: '2026-03-10T01:00:00Z', outcome: 'refused', note: '家长不同意' },
  });
}

/**
 * Each describe block gets its own table and API (called inside the block): no test reads what another block
 * wrote, so any block runs alone (`-t`) or in any order.
 */
function freshWorld(): void {
  beforeAll(async () => {
    const { doc, tableName } = await freshTable('api');
    const world = await apiWorld(doc, tableName);
    deps = world.deps;
    handler = createApiHandler(deps);
    await openDailySlots(deps, '2026-03-09');
  });
}

describe('authentication and routing', () => {
  freshWorld();

  it('401 without claims, 404 for an unknown route, 405 for a wrong method', async () => {
    expect((await call({ method: 'GET', path: '/api/cases' })).status).toBe(401);
    expect((await call({ method: 'GET', path: '/api/nothing', as: who.office })).status).toBe(404);
    expect((await call({ method: 'DELETE', path: '/api/cases', as: who.office })).status).toBe(405);
  });

  it('the dev sign-in does not exist unless the local flag (devAuthSecret) is set', async () => {
    const res = await call({ method: 'POST', path: '/api/dev/sign-in', body: { personId: 'head-s1' } });
    expect(res.status).toBe(404);
  });

  it('GET /api/me returns the caller and only the organisation in scope', async () => {
    const res = await call({ method: 'GET', path: '/api/me', as: who.contactB });
    expect(res.status).toBe(200);
    expect(res.body.org.townships.map((t: { id: string }) => t.id)).toEqual(['tb']);
    expect(res.body.org.schools.map((s: { id: string }) => s.id)).toEqual(['s3']);
  });
});

describe('validation', () => {
  freshWorld();

  it('400 names each field and its reason', async () => {
    const res = await call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: { ...openCaseBody('s1'), kind: 'gone', guardian: { name: '测试家长', phone: '12345' } },
    });
    expect(res.status).toBe(400);
    const fields = res.body.error.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['body.kind', 'body.guardian.phone']));
  });

  it('400 for a body that is not JSON, for unknown fields and for a bad query', async () => {
    const notJson = await call({ method: 'POST', path: '/api/cases', as: who.headS1, body: '{oops' });
    expect(notJson.body.error.issues[0]).toMatchObject({ field: '(body)' });
    const extra = await call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: { ...openCaseBody('s1'), openedBy: { name: 'x' } },
    });
    expect(extra.status).toBe(400);
    const query = await call({ method: 'GET', path: '/api/cases', as: who.office, query: { state: 'sometimes' } });
    expect(query.status).toBe(400);
    expect(query.body.error.issues[0].field).toBe('query.state');
  });
});

describe('scope: reports', () => {
  freshWorld();

  const report = (schoolId: string) => ({
    schoolId,
    cadence: 'daily',
    periodKey: '2026-03-09',
    submission: { counts: { enrolled: 300, returned: 300, notReturned: 0, droppedOut: 0 }, notBack: [] },
  });

  it('a township contact sees only the late reports of their township, with the ladder level', async () => {
    const res = await call({ method: 'GET', path: '/api/reports/late', as: who.contactA });
    expect(res.status).toBe(200);
    expect(res.body.townships.map((t: { townshipId: string }) => t.townshipId)).toEqual(['ta']);
    const schools = res.body.townships[0].reports.map((r: { schoolId: string }) => r.schoolId).sort();
    expect(schools).toEqual(['s1', 's2']);
    expect(res.body.townships[0].reports[0]).toMatchObject({ cadenceLabel: '日报', level: 0, levelCount: 4 });
  });

  it('a school head files their own report (201) but not another school’s (403)', async () => {
    expect((await call({ method: 'POST', path: '/api/reports', as: who.headS3, body: report('s1') })).status).toBe(403);
    const ok = await call({ method: 'POST', path: '/api/reports', as: who.headS3, body: report('s3') });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ state: 'SUBMITTED', onTime: false });
    const late = await call({ method: 'GET', path: '/api/reports/late', as: who.office });
    const all = late.body.townships.flatMap((t: { reports: { schoolId: string }[] }) =>
      t.reports.map((r) => r.schoolId),
    );
    expect(all).not.toContain('s3');
  });

  it('township contacts, leaders and teachers may not file reports', async () => {
    for (const as of [who.contactA, who.leaderA, who.teacherS1])
      expect((await call({ method: 'POST', path: '/api/reports', as, body: report('s1') })).status).toBe(403);
  });
});

describe('scope: cases', () => {
  freshWorld();

  it('a school head opens cases only at their school', async () => {
    const refused = await call({ method: 'POST', path: '/api/cases', as: who.headS1, body: openCaseBody('s3') });
    expect(refused.status).toBe(403);
    await openCase('s1');
  });

  it('reads: head, office, leader and contact of the area see the case; others get 403', async () => {
    const caseId = await openCase('s1');
    for (const as of [who.headS1, who.office, who.leaderA, who.contactA, who.teacherS1])
      expect((await call({ method: 'GET', path: `/api/cases/${caseId}`, as })).status, as.personId).toBe(200);
    for (const as of [who.headS3, who.contactB, who.teacherS1b])
      expect((await call({ method: 'GET', path: `/api/cases/${caseId}`, as })).status, as.personId).toBe(403);
  });

  it('R9: officials outside the school see masked names, no phone and no 脱贫户 flag; reads are audited', async () => {
    const caseId = await openCase('s1');
    const contact = await call({ method: 'GET', path: `/api/cases/${caseId}`, as: who.contactA });
    expect(contact.body.case).toMatchObject({
      studentName: '测****明',
      masked: true,
      guardian: { phone: '138****0901' },
    });
    expect(contact.body.case).not.toHaveProperty('povertyRegistered');
    const head = await call({ method: 'GET', path: `/api/cases/${caseId}`, as: who.headS1 });
    expect(head.body.case).toMatchObject({ studentName: '测试学生小明', povertyRegistered: true, masked: false });
    const audit = await new DynamoAuditLog(deps.doc, deps.tableName).listForCase(caseId);
    expect(audit.map((a) => [a.personId, a.action, a.sensitive])).toEqual([
      // The reply to the opening shows the case: audited like a read.
      ['head-s1', 'open-case', true],
      ['contact-a', 'read-case', false],
      ['head-s1', 'read-case', true],
    ]);
  });

  it('lists: a township contact lists only their township’s open cases', async () => {
    await openCase('s3', who.headS3);
    const res = await call({ method: 'GET', path: '/api/cases', as: who.contactB });
    expect(res.status).toBe(200);
    expect(new Set(res.body.cases.map((c: { schoolId: string }) => c.schoolId))).toEqual(new Set(['s3']));
  });

  it('a teacher logs visits on their own cases only; a contact may not log visits', async () => {
    const caseId = await openCase('s1');
    expect((await visit(caseId, who.teacherS1)).status).toBe(201);
    expect((await visit(caseId, who.teacherS1b)).status).toBe(403);
    expect((await visit(caseId, who.contactA)).status).toBe(403);
  });

  it('issue a notice for a pupil and a guardian with 20- and 32-character names: 201, the SMS within 2 parts', async () => {
    for (const [pupil, guardian] of [
      [20, 20],
      [32, 32],
    ] as const) {
      const res = await call({
        method: 'POST',
        path: '/api/cases',
        as: who.headS1,
        body: {
          ...openCaseBody('s1'),
          ...pupilRef(),
          studentName: `${'测'.repeat(pupil - 1)}生`,
          guardian: { name: `${'家'.repeat(guardian - 1)}长`, phone: '+8613800000902' },
        },
      });
      expect(res.status).toBe(201);
      const caseId = res.body.case.id as string;
      await visit(caseId);
      await visit(caseId);
      const issued = await call({ method: 'POST', path: `/api/cases/${caseId}/notices`, as: who.headS1, body: {} });
      expect(issued.status).toBe(201);
      const messages = await call({ method: 'GET', path: `/api/cases/${caseId}/messages`, as: who.headS1 });
      const guardianSms = messages.body.messages.filter((m: { template: string }) => m.template === 'notice.guardian');
      expect(guardianSms).toHaveLength(1);
      expect(guardianSms[0].parts).toBeLessThanOrEqual(2);
    }
  });

  it('issue a notice: 201 with the deadline; the countdown shows in the list; 409 for a second notice', async () => {
    const caseId = await openCase('s1');
    await visit(caseId);
    await visit(caseId);
    const issued = await call({ method: 'POST', path: `/api/cases/${caseId}/notices`, as: who.headS1, body: {} });
    expect(issued.status).toBe(201);
    expect(issued.body.notice.deadline).toBe('2026-03-17T02:00:00.000Z');
    const list = await call({ method: 'GET', path: '/api/cases', as: who.headS1 });
    const row = list.body.cases.find((c: { id: string }) => c.id === caseId);
    expect(row.notice.deadline).toBe('2026-03-17T02:00:00.000Z');
    const again = await call({ method: 'POST', path: `/api/cases/${caseId}/notices`, as: who.headS1, body: {} });
    expect(again.status).toBe(409);
    const messages = await call({ method: 'GET', path: `/api/cases/${caseId}/messages`, as: who.headS1 });
    expect(messages.body.messages.map((m: { status: string }) => m.status)).toContain('QUEUED');
    const timeline = await call({ method: 'GET', path: `/api/cases/${caseId}/timeline`, as: who.contactA });
    expect(timeline.status).toBe(200);
    const kinds = new Set(timeline.body.timeline.map((i: { kind: string }) => i.kind));
    expect(kinds).toEqual(new Set(['event', 'notice', 'message']));
    expect(JSON.stringify(timeline.body)).not.toContain('测试学生小明');
  });

  it('a notice before enough visits is a 400 naming the field; an unknown case is 404', async () => {
    const caseId = await openCase('s1');
    await visit(caseId);
    const res = await call({ method: 'POST', path: `/api/cases/${caseId}/notices`, as: who.headS1, body: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].field).toBe('visits');
    expect((await call({ method: 'GET', path: '/api/cases/nope', as: who.office })).status).toBe(404);
  });

  it('return, transfer and exemption close the case; acting on a closed case is 409', async () => {
    const a = await openCase('s1');
    const ret = await call({
      method: 'POST',
      path: `/api/cases/${a}/return`,
      as: who.headS1,
      body: { returnedOn: '2026-03-10' },
    });
    expect([ret.status, ret.body.case.state]).toEqual([200, 'returned']);
    expect((await visit(a)).status).toBe(409);
    const b = await openCase('s1');
    const tr = await call({
      method: 'POST',
      path: `/api/cases/${b}/transfer`,
      as: who.headS1,
      body: { effectiveOn: '2026-03-10', destination: '广东东莞某校', evidence: ['转学证明 2026-01'] },
    });
    expect([tr.status, tr.body.case.state]).toEqual([200, 'transferred']);
    const c = await openCase('s1');
    const ex = await call({
      method: 'POST',
      path: `/api/cases/${c}/exemption`,
      as: who.office,
      body: {
        applicationRef: '申请-1',
        townshipApprovalRef: '批复-1',
        filedWithBureauOn: '2026-03-10',
        reason: '病休',
      },
    });
    expect([ex.status, ex.body.case.state]).toEqual([200, 'exempted']);
  });
});

describe('idempotency', () => {
  freshWorld();

  it('a retry with the same key replays the first response and creates nothing new', async () => {
    const headers = { 'idempotency-key': 'open-case-retry-0001' };
    const body = { ...openCaseBody('s3'), ...pupilRef() };
    const first = await call({ method: 'POST', path: '/api/cases', as: who.headS3, body, headers });
    const retry = await call({ method: 'POST', path: '/api/cases', as: who.headS3, body, headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.case.id).toBe(first.body.case.id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('the same key with a different body is refused with 422', async () => {
    const headers = { 'idempotency-key': 'open-case-retry-0002' };
    const body = { ...openCaseBody('s3'), ...pupilRef() };
    await call({ method: 'POST', path: '/api/cases', as: who.headS3, body, headers });
    const other = await call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS3,
      body: { ...body, reason: '别的原因' },
      headers,
    });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('stores one completed Powertools record per key in the table (pk IDEM#…, TTL expiresAt); keys are per caller', async () => {
    const headers = { 'idempotency-key': 'open-case-retry-0004' };
    const mine = await call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS3,
      body: { ...openCaseBody('s3'), ...pupilRef() },
      headers,
    });
    // The same key from another caller is another request, not a replay or a reuse.
    const theirs = await call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: { ...openCaseBody('s1'), ...pupilRef() },
      headers,
    });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.case.id).not.toBe(mine.body.case.id);

    const { Items = [] } = await deps.doc.send(
      new ScanCommand({
        TableName: deps.tableName,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': 'IDEM#api#' },
      }),
    );
    const completed = Items.filter((i) => i.status === 'COMPLETED');
    expect(completed.length).toBeGreaterThanOrEqual(2);
    for (const item of completed) {
      expect(item.sk).toBe('IDEM');
      // TTL in epoch seconds, about a day ahead of the real clock (Powertools uses Date.now()).
      expect(item.expiresAt * 1000 - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
      expect(JSON.stringify(item)).not.toContain('open-case-retry-0004'); // the key is stored hashed
    }
  });

  it('a refused request does not burn its key; a malformed key is a 400', async () => {
    const headers = { 'idempotency-key': 'open-case-retry-0003' };
    const refused = await call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: openCaseBody('s3'),
      headers,
    });
    expect(refused.status).toBe(403);
    const ok = await call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: { ...openCaseBody('s1'), ...pupilRef() },
      headers,
    });
    expect(ok.status).toBe(201);
    const bad = await call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: openCaseBody('s1'),
      headers: { 'idempotency-key': 'x' },
    });
    expect(bad.body.error.issues[0].field).toBe('Idempotency-Key');
  });
});
