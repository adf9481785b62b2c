import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseKeys, caseToItem, DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { type Case, openCase } from '../../shared/domain/case.ts';
import { ConcurrentUpdateError, DuplicateCaseError } from '../../shared/domain/errors.ts';
import { pupilKeyOf } from '../../shared/domain/pupil-key.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { openCaseBody, who } from '../support/api-world.ts';

/**
 * One open case per pupil, held by the database: the `PUPIL#<key>` item is written in the transaction that opens,
 * reopens or intakes a case and deleted in the one that ends it. DynamoDB Local, through the API handler.
 */
async function setUp(prefix: string) {
  const world = await apiCallerWorld(prefix); // Tuesday 2026-03-10 10:00 CST
  const repo = new DynamoCaseRepository(world.doc, world.tableName);
  return { ...world, repo };
}
type World = Awaited<ReturnType<typeof setUp>>;

const open = (w: World, extra: Record<string, unknown>, as: Principal = who.headS1, key?: string) =>
  w.call({
    method: 'POST',
    path: '/api/cases',
    as,
    body: { ...openCaseBody('s1'), ...extra },
    ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
  });

/** Every case item of the table for a pupil name (the table, not the eventually consistent owner index). */
async function casesNamed(w: World, name: string): Promise<Case[]> {
  const all = await w.call({ method: 'GET', path: '/api/cases', as: who.office, query: { state: 'all' } });
  return (all.body.cases as Case[]).filter((c) => c.studentName === name);
}

async function keyItem(w: World, key: string) {
  const out = await w.doc.send(
    new GetCommand({ TableName: w.tableName, Key: caseKeys.pupil(key), ConsistentRead: true }),
  );
  return out.Item;
}

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((t, s) => {
    t[s] = (t[s] ?? 0) + 1;
    return t;
  }, {});

const dailyReport = (periodKey: string, notBack: Record<string, unknown>[], cadence = 'daily') => ({
  schoolId: 's1',
  cadence,
  periodKey,
  submission: {
    counts: { enrolled: 300, returned: 300 - notBack.length, notReturned: notBack.length, droppedOut: 0 },
    notBack,
  },
});

describe('50 concurrent openings of one pupil', () => {
  let w: World;
  beforeAll(async () => {
    w = await setUp('uniq-50');
  });

  it('same 学籍号, no Idempotency-Key: 1 case (201) and 49 × 409 DUPLICATE_CASE naming it', async () => {
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        open(w, { studentName: `测试并发甲${i % 3}`, studentRef: 'G45TEST0000050' }),
      ),
    );

    expect(tally(replies.map((r) => r.status))).toEqual({ 201: 1, 409: 49 });
    const created = replies.find((r) => r.status === 201)!.body.case.id as string;
    for (const r of replies.filter((x) => x.status === 409))
      expect(r.body.error).toMatchObject({ code: 'DUPLICATE_CASE', existingCaseId: created });
    const stored = [0, 1, 2].flatMap((i) => casesNamed(w, `测试并发甲${i}`));
    expect((await Promise.all(stored)).flat().map((c) => c.id)).toEqual([created]);
    expect(
      await keyItem(w, pupilKeyOf({ schoolId: 's1', studentName: '', studentRef: 'G45TEST0000050' })),
    ).toMatchObject({ entity: 'PUPIL', caseId: created });
  });

  it('same name + grade, a head and the office at once, each request with its own Idempotency-Key: 1 case, 49 × 409', async () => {
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        open(w, { studentName: '测试并发乙', grade: '八年级' }, i % 2 ? who.office : who.headS1, `idem-own-${i}-key`),
      ),
    );

    expect(tally(replies.map((r) => r.status))).toEqual({ 201: 1, 409: 49 });
    expect(new Set(replies.filter((r) => r.status === 409).map((r) => r.body.error.code))).toEqual(
      new Set(['DUPLICATE_CASE']),
    );
    expect(await casesNamed(w, '测试并发乙')).toHaveLength(1);
  });

  it('same name written with a full-width space and full-width letters is the same pupil', async () => {
    const replies = await Promise.all([
      open(w, { studentName: '测试 并发丙', grade: '九年级' }),
      open(w, { studentName: '测试并发丙', grade: '九年级' }),
      open(w, { studentName: '测试　并发丙', grade: ' 九年级' }),
    ]);

    expect(tally(replies.map((r) => r.status))).toEqual({ 201: 1, 409: 2 });
  });

  it('50 retries of one request under the same Idempotency-Key: 1 case; the others replay it or are told to wait', async () => {
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => open(w, { studentName: '测试并发丁' }, who.headS1, 'idem-shared-key-1')),
    );

    const cases = await casesNamed(w, '测试并发丁');
    expect(cases).toHaveLength(1);
    const t = tally(replies.map((r) => r.status));
    expect((t[201] ?? 0) + (t[409] ?? 0)).toBe(50);
    expect(new Set(replies.filter((r) => r.status === 201).map((r) => r.body.case.id))).toEqual(
      new Set([cases[0]!.id]),
    );
    for (const r of replies.filter((x) => x.status === 409))
      expect(['IDEMPOTENCY_IN_PROGRESS', 'DUPLICATE_CASE']).toContain(r.body.error.code);
  });

  it('allowDuplicate without a 学籍号 opens a keyless second case; with a 学籍号 the key still refuses', async () => {
    const first = await open(w, { studentName: '测试同名戊' });
    const confirmed = await open(w, { studentName: '测试同名戊', allowDuplicate: true });
    const sameRef = await open(w, { studentName: '测试其他名', studentRef: 'G45TEST0000050', allowDuplicate: true });

    expect([first.status, confirmed.status, sameRef.status]).toEqual([201, 201, 409]);
    const second = (await w.repo.getCase(confirmed.body.case.id))!;
    expect(second).toMatchObject({ duplicateConfirmed: true });
    expect(second.pupilKey).toBeUndefined();
    expect((await keyItem(w, pupilKeyOf({ schoolId: 's1', studentName: '测试同名戊', grade: '七年级' })))?.caseId).toBe(
      first.body.case.id,
    );
  });
});

describe('two concurrent report filings listing the same new pupil', () => {
  let w: World;
  beforeAll(async () => {
    w = await setUp('uniq-reports');
  });

  it('a daily and a weekly report at once (different slots, different case ids): one case, the other filing feeds it', async () => {
    const pupil = [{ studentName: '测试报并发', grade: '七年级', status: 'not-returned' }];
    const replies = await Promise.all([
      w.call({ method: 'POST', path: '/api/reports', as: who.headS1, body: dailyReport('2026-03-09', pupil) }),
      w.call({
        method: 'POST',
        path: '/api/reports',
        as: who.headS1,
        body: dailyReport('2026-W10', pupil, 'weekly'),
      }),
    ]);

    expect(replies.map((r) => r.status)).toEqual([201, 201]);
    const opened = replies.flatMap((r) => r.body.cases.openedCaseIds as string[]);
    expect(opened).toHaveLength(1);
    expect(await casesNamed(w, '测试报并发')).toEqual([expect.objectContaining({ id: opened[0] })]);
    const other = replies.find((r) => r.body.cases.opened === 0)!;
    expect([...other.body.cases.fedCaseIds, ...other.body.cases.unchangedCaseIds]).toEqual(opened);
  });

  it('20 filings of different days at once for one 学籍号: 1 case', async () => {
    const pupil = [{ studentName: '测试报并发二', studentId: 'G45TEST0000077', status: 'not-returned' }];
    const days = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'];
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        w.call({ method: 'POST', path: '/api/reports', as: who.headS1, body: dailyReport(days[i % 5]!, pupil) }),
      ),
    );

    expect(replies.filter((r) => ![200, 201, 409].includes(r.status)).map((r) => r.body)).toEqual([]);
    expect(replies.flatMap((r) => r.body.cases?.openedCaseIds ?? [])).toHaveLength(1);
    expect(await casesNamed(w, '测试报并发二')).toHaveLength(1);
  });

  it('a report listing a pupil opened by hand a moment before (the list read missed it) feeds that case', async () => {
    const byHand = await open(w, { studentName: '测试手开', grade: '七年级' });
    expect(byHand.status).toBe(201);

    const filed = await w.call({
      method: 'POST',
      path: '/api/reports',
      as: who.headS1,
      body: dailyReport('2026-03-10', [{ studentName: '测试手开', grade: '七年级', status: 'not-returned' }]),
    });

    expect(filed.body.cases).toMatchObject({ opened: 0, fedCaseIds: [byHand.body.case.id] });
  });
});

describe('the key through the lifecycle', () => {
  let w: World;
  beforeAll(async () => {
    w = await setUp('uniq-life');
  });

  const end = (w: World, caseId: string, action: string, body: Record<string, unknown>) =>
    w.call({ method: 'POST', path: `/api/cases/${caseId}/${action}`, as: who.headS1, body });

  it('transfer, exemption and return each give the key back in the same write: the pupil can have a new case', async () => {
    const endings: [string, Record<string, unknown>][] = [
      [
        'transfer',
        { kind: 'transfer-out', effectiveOn: '2026-03-10', evidence: ['转学证明'], destination: '测试外县中学' },
      ],
      [
        'exemption',
        {
          applicationRef: '申请-1',
          townshipApprovalRef: '批复-1',
          filedWithBureauOn: '2026-03-10',
          reason: '因病',
        },
      ],
      ['return', { returnedOn: '2026-03-10' }],
    ];
    for (const [i, [action, body]] of endings.entries()) {
      const name = `测试结案${i}`;
      const key = pupilKeyOf({ schoolId: 's1', studentName: name, grade: '七年级' });
      const first = await open(w, { studentName: name });
      expect(first.status).toBe(201);
      expect((await keyItem(w, key))?.caseId).toBe(first.body.case.id);

      const ended = await end(w, first.body.case.id, action, body);

      expect(ended.status).toBe(200);
      expect(await keyItem(w, key)).toBeUndefined();
      if (action === 'return') continue; // a return reopens within its window: next test
      const second = await open(w, { studentName: name });
      expect(second.status).toBe(201);
      expect((await keyItem(w, key))?.caseId).toBe(second.body.case.id);
    }
  });

  it('reopen takes the key again; 10 concurrent hand openings of a returned pupil: one reopen, 9 × 409', async () => {
    const name = '测试复学并发';
    const key = pupilKeyOf({ schoolId: 's1', studentName: name, grade: '七年级' });
    const first = await open(w, { studentName: name });
    expect((await end(w, first.body.case.id, 'return', { returnedOn: '2026-03-10' })).status).toBe(200);
    expect(await keyItem(w, key)).toBeUndefined();
    w.clock.set('2026-03-17T02:00:00Z'); // within the follow-up window

    const replies = await Promise.all(Array.from({ length: 10 }, () => open(w, { studentName: name })));

    expect(tally(replies.map((r) => r.status))).toEqual({ 200: 1, 409: 9 });
    expect(replies.find((r) => r.status === 200)!.body).toMatchObject({
      reopened: true,
      case: { id: first.body.case.id },
    });
    expect(await casesNamed(w, name)).toEqual([expect.objectContaining({ id: first.body.case.id, state: 'opened' })]);
    expect((await keyItem(w, key))?.caseId).toBe(first.body.case.id);
    w.clock.set('2026-03-10T02:00:00Z');
  });
});

describe('atomicity, older data and keys left behind', () => {
  let w: World;
  beforeAll(async () => {
    w = await setUp('uniq-crash');
  });

  const newCase = (w: World, id: string, name: string, extra: Partial<Case> = {}): Case => ({
    ...openCase(
      { ...openCaseBody('s1'), studentName: name, kind: 'not-returned', openedBy: { name: '测试' } },
      { id, townshipId: 'ta', now: w.clock.now() },
    ),
    ...extra,
  });

  it('an opening whose transaction fails on its last item writes neither the case nor the key; the pupil is not blocked', async () => {
    const c = newCase(w, 'crash-open-1', '测试半途');
    const event = { id: 'e1', caseId: c.id, at: w.clock.now().toISOString(), type: 'opened' as const, data: {} };
    // A message id already enqueued: the transaction is cancelled at its last item, after the case and the key.
    const msg = {
      id: 'crash-dup-msg',
      audience: 'official' as const,
      recipient: { role: 'office' as const, phone: '+8613800000999', label: '办公室' },
      template: 't',
      text: 't',
      parts: 1,
      notBefore: w.clock.now().toISOString(),
      status: 'QUEUED' as const,
      createdAt: w.clock.now().toISOString(),
      attempts: 0,
      subject: { kind: 'system' as const, id: 'x' },
      version: 0,
    };
    await w.doc.send(new PutCommand({ TableName: w.tableName, Item: { pk: 'MSG#crash-dup-msg', sk: 'MSG' } }));

    await expect(
      w.repo.commit({ case: c, expectedVersion: 0, events: [event], enqueue: [msg], pupilKey: { claim: c.pupilKey! } }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);

    expect(await w.repo.getCase(c.id)).toBeUndefined();
    expect(await keyItem(w, c.pupilKey!)).toBeUndefined();
    expect((await open(w, { studentName: '测试半途' })).status).toBe(201);
  });

  it('an ending whose transaction fails keeps both the case open and its key; retried, both change together', async () => {
    const opened = await open(w, { studentName: '测试半途结案' });
    const c = (await w.repo.getCase(opened.body.case.id))!;
    const at = w.clock.now().toISOString();
    const clash = { id: 'clash', caseId: c.id, at, type: 'returned' as const, data: {} };
    await w.repo.appendEvent(clash); // the ending's event key is taken: its transaction is cancelled
    const closed = { ...c, state: 'returned' as const, closedAt: at };

    await expect(
      w.repo.commit({ case: closed, expectedVersion: c.version, events: [clash], pupilKey: { release: c.pupilKey! } }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await w.repo.getCase(c.id))!.state).toBe('opened');
    expect((await keyItem(w, c.pupilKey!))?.caseId).toBe(c.id);
    expect((await open(w, { studentName: '测试半途结案' })).status).toBe(409);

    await w.repo.commit({
      case: closed,
      expectedVersion: c.version,
      events: [{ ...clash, id: 'clash-2' }],
      pupilKey: { release: c.pupilKey! },
    });
    expect((await w.repo.getCase(c.id))!.state).toBe('returned');
    expect(await keyItem(w, c.pupilKey!)).toBeUndefined();
  });

  it('cases stored before the keys existed: an open one still refuses (read check), ends without a key, then the pupil opens again', async () => {
    const legacy = newCase(w, 'legacy-open-1', '测试旧数据');
    const { pupilKey: _, ...old } = legacy;
    await w.doc.send(new PutCommand({ TableName: w.tableName, Item: caseToItem(old as Case, 1) }));

    const dup = await open(w, { studentName: '测试旧数据' });
    const ended = await w.call({
      method: 'POST',
      path: `/api/cases/${legacy.id}/return`,
      as: who.headS1,
      body: { returnedOn: '2026-03-10' },
    });

    expect(dup.status).toBe(409);
    expect(dup.body.error.existingCaseId).toBe(legacy.id);
    expect(ended.status).toBe(200);
    // Returned within its window: a hand opening reopens the old case, which now takes the key.
    w.clock.set('2026-03-12T02:00:00Z');
    const again = await open(w, { studentName: '测试旧数据' });
    expect(again.body).toMatchObject({ reopened: true, case: { id: legacy.id } });
    expect((await keyItem(w, legacy.pupilKey!))?.caseId).toBe(legacy.id);
    w.clock.set('2026-03-10T02:00:00Z');
  });

  it('a key left pointing at a closed case (any inconsistency) does not block the pupil: the next opening takes it over', async () => {
    const stale = newCase(w, 'stale-holder-1', '测试遗留键', {
      state: 'returned',
      closedAt: w.clock.now().toISOString(),
    });
    await w.doc.send(new PutCommand({ TableName: w.tableName, Item: caseToItem(stale, 1) }));
    await w.doc.send(
      new PutCommand({
        TableName: w.tableName,
        Item: { ...caseKeys.pupil(stale.pupilKey!), entity: 'PUPIL', caseId: stale.id, version: 1 },
      }),
    );
    w.clock.set('2026-09-10T02:00:00Z'); // long after any follow-up window: a new case, not a reopen

    const res = await open(w, { studentName: '测试遗留键' });

    expect(res.status).toBe(201);
    expect((await keyItem(w, stale.pupilKey!))?.caseId).toBe(res.body.case.id);
    w.clock.set('2026-03-10T02:00:00Z');
  });

  it('the repository refuses a second claim naming the holder; no key item holds a name', async () => {
    const a = newCase(w, 'repo-a', '测试仓库');
    const b = newCase(w, 'repo-b', '测试仓库');
    const event = (c: Case) => ({ id: `o-${c.id}`, caseId: c.id, at: c.openedAt, type: 'opened' as const, data: {} });

    await w.repo.commit({ case: a, expectedVersion: 0, events: [event(a)], pupilKey: { claim: a.pupilKey! } });
    const refused = w.repo.commit({
      case: b,
      expectedVersion: 0,
      events: [event(b)],
      pupilKey: { claim: b.pupilKey! },
    });

    await expect(refused).rejects.toBeInstanceOf(DuplicateCaseError);
    await expect(refused).rejects.toMatchObject({ existingCaseIds: ['repo-a'] });
    expect(await w.repo.getCase('repo-b')).toBeUndefined();
    const keys = await w.doc.send(
      new QueryCommand({
        TableName: w.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `PUPIL#${a.pupilKey}` },
      }),
    );
    expect(JSON.stringify(keys.Items)).not.toContain('测试');
  });
});
