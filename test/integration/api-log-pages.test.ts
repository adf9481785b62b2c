import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { backfillCaseLog } from '../../shared/adapters/dynamo/case-log-backfill.ts';
import { caseToItem, noticeToItem } from '../../shared/adapters/dynamo/case-repository.ts';
import { campaignItem, planItem, visitItem } from '../../shared/adapters/dynamo/followup-repository.ts';
import { messageToItem } from '../../shared/adapters/dynamo/message-items.ts';
import { putNote } from '../../shared/adapters/dynamo/note-repository.ts';
import type { AuditEntry } from '../../shared/domain/access.ts';
import type { SchoolCampaign } from '../../shared/domain/campaign.ts';
import type { Case } from '../../shared/domain/case.ts';
import type { Plan, PlanVisit } from '../../shared/domain/followup.ts';
import type { Message } from '../../shared/domain/message.ts';
import type { Notice } from '../../shared/domain/notice.ts';
import { noteFromMessage } from '../../shared/domain/official-round.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { apiEvent, apiWorld, who } from '../support/api-world.ts';
import { countRequests, putAll } from '../support/county.ts';
import { freshTable } from '../support/dynamo.ts';

/**
 * The case's message log, the follow-up due list and the case's audit read, paged: every row once over the pages
 * while rows are written, the same requests per page for a small and a 10× larger data set, bad ?limit / ?cursor
 * refused naming the field.
 */

const at = (minute: number) => new Date(Date.parse('2026-03-02T01:00:00Z') + minute * 60_000).toISOString();

function storedCase(id: string): Case {
  return {
    id,
    schoolId: 's1',
    townshipId: 'ta',
    studentName: '测试学生',
    kind: 'not-returned',
    reason: '测试原因',
    whereabouts: '测试去向',
    responsibleTeacher: { name: '测试教师' },
    guardian: { name: '测试家长', phone: '+8613800000901' },
    povertyRegistered: false,
    state: 'persuading',
    openedAt: at(0),
    updatedAt: at(0),
    visitCount: 2,
    version: 1,
  } as Case;
}

function message(id: string, caseId: string | undefined, minute: number, extra: Partial<Message> = {}): Message {
  return {
    id,
    audience: 'official',
    recipient: { personId: 'head-s1', role: 'school-head', phone: '+8613800000902', label: '测试校长一' },
    template: 'notice.escalation',
    text: `测试短信${id}`,
    parts: 1,
    notBefore: at(minute),
    status: 'SENT',
    createdAt: at(minute),
    attempts: 1,
    subject: { kind: 'notice', id: `n-${caseId ?? 'none'}` },
    schoolId: 's1',
    townshipId: 'ta',
    ...(caseId ? { caseId } : {}),
    version: 1,
    ...extra,
  };
}

/** A fresh table with the API directory, the API on a client that counts requests, and `get` for one route. */
async function world(prefix: string) {
  const { doc, tableName } = await freshTable(prefix);
  const { deps } = await apiWorld(doc, tableName);
  const sent = countRequests(doc, 'countLogRequests');
  const handler = createApiHandler(deps);
  const get = async (path: string, query: Record<string, string> = {}, as: Principal = who.office) => {
    sent.length = 0;
    const res = await handler(apiEvent({ method: 'GET', path, as, query }));
    return { status: res.statusCode, body: JSON.parse(res.body ?? '{}'), sent: [...sent] };
  };
  await get('/api/me'); // the directory snapshot is cached per container: count the requests of warm calls
  return { doc, tableName, deps, get };
}

type World = Awaited<ReturnType<typeof world>>;

/** Pages a route to its end (at most `max` pages); `between` runs after each page. */
async function pageAll(
  w: World,
  path: string,
  query: Record<string, string>,
  rows: (body: Record<string, unknown>) => string[],
  between: (page: number) => Promise<void> = async () => {},
  max = 60,
) {
  const seen: string[] = [];
  const sent: string[][] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await w.get(path, { ...query, ...(cursor ? { cursor } : {}) });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    seen.push(...rows(page.body));
    sent.push(page.sent);
    cursor = page.body.nextCursor ?? undefined;
    pages++;
    await between(pages);
  } while (cursor && pages < max);
  expect(cursor, 'the pages come to an end').toBeUndefined();
  return { seen, sent, pages };
}

/** The 400 of a bad query field: its code and the field named. */
function expectFieldError(res: { status: number; body: { error?: { issues?: { field: string }[] } } }, field: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error?.issues?.map((f) => f.field)).toContain(field);
}

/** A tampered cursor: the same JSON with the key moved into another partition, re-encoded. */
function tamper(cursor: string, edit: (c: Record<string, unknown>) => void): string {
  const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  edit(c);
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

// ---- the message log ----

/**
 * Case `mc` with `n` messages of its own, `n / 4` alerts merged into round messages (other cases' causes too), one
 * alert sent alone (the note and its message share the id), one alert not merged yet; case `mc-other` with messages
 * of its own, and the school's messages of no case.
 */
async function messageWorld(n: number) {
  const w = await world(`msg-log-${n}`);
  const items: Record<string, unknown>[] = [caseToItem(storedCase('mc'), 1), caseToItem(storedCase('mc-other'), 1)];
  const expected: string[] = [];
  for (let i = 0; i < n; i++) {
    items.push(messageToItem(message(`mine-msg-${i}`, 'mc', i * 3)));
    expected.push(`mine-msg-${i}`);
    items.push(messageToItem(message(`other-msg-${i}`, 'mc-other', i * 3 + 1)));
    items.push(messageToItem(message(`school-msg-${i}`, undefined, i * 3 + 2)));
  }
  const merge = { group: { key: 'g', many: '{n}项' }, item: '测试学校', summary: '测试摘要' };
  for (let i = 0; i < n / 4; i++) {
    const alert = message(`alert-msg-${i}`, 'mc', i * 3 + 1);
    const round = message(`round-msg-${i}`, undefined, i * 3 + 2, {
      subject: { kind: 'system', id: `round-msg-${i}` },
    });
    items.push({ ...putNote(w.tableName, noteFromMessage(alert, merge)).Put!.Item!, mergedInto: `round-msg-${i}` });
    items.push(messageToItem(round));
    expected.push(`round-msg-${i}`);
  }
  const alone = message('alone-msg-1', 'mc', 2);
  items.push({ ...putNote(w.tableName, noteFromMessage(alone, merge)).Put!.Item!, mergedInto: 'alone-msg-1' });
  items.push(messageToItem({ ...alone, createdAt: at(5) }));
  expected.push('alone-msg-1');
  items.push(putNote(w.tableName, noteFromMessage(message('pending-msg-1', 'mc', 4), merge)).Put!.Item!);
  await putAll(w.doc, w.tableName, items);
  return { ...w, expected };
}

const messageIds = (body: Record<string, unknown>) => (body.messages as { id: string }[]).map((m) => m.id);

describe('GET /api/cases/:caseId/messages: pages of the case log (DynamoDB Local)', () => {
  it('every message once over the pages while new ones are written; merged alerts as their round message', async () => {
    const w = await messageWorld(40);
    let added = 0;
    const { seen, pages } = await pageAll(w, '/api/cases/mc/messages', { limit: '7' }, messageIds, async (page) => {
      // Between pages: a new message of the case (newest, so it comes on a last page) and one of the other case.
      if (page > 3) return;
      await w.doc.send(
        new PutCommand({
          TableName: w.tableName,
          Item: messageToItem(message(`new-msg-${page}`, 'mc', 10_000 + page)),
        }),
      );
      await w.doc.send(
        new PutCommand({
          TableName: w.tableName,
          Item: messageToItem(message(`new-o-msg-${page}`, 'mc-other', 10_000)),
        }),
      );
      added++;
    });
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of w.expected) expect(seen).toContain(id);
    expect(seen.filter((id) => id.startsWith('new-') && !id.startsWith('new-o'))).toHaveLength(added);
    expect(seen.filter((id) => /^(other|school|new-o|pending)/.test(id))).toEqual([]);
    expect(pages).toBeGreaterThan(w.expected.length / 7);
    // Oldest first over the pages.
    const first = await w.get('/api/cases/mc/messages', { limit: '100' });
    const times = (first.body.messages as { createdAt: string }[]).map((m) => m.createdAt);
    expect(first.body.messages.length).toBe(w.expected.length + added);
    expect(times.slice(0, 10)).toEqual([...times.slice(0, 10)].sort());
    const merged = (first.body.messages as { id: string; text: string; status: string }[]).find(
      (m) => m.id === 'round-msg-0',
    );
    expect(merged).toMatchObject({ text: '（合并发送）测试摘要', status: 'SENT' });
  }, 120_000);

  it('the same requests per page for 12 and 120 messages: the case, one Query, one BatchGet of rounds, one audit Put', async () => {
    const small = await messageWorld(12);
    const large = await messageWorld(120);
    const a = await small.get('/api/cases/mc/messages', { limit: '10' });
    const b = await large.get('/api/cases/mc/messages', { limit: '10' });
    expect(a.body.messages.length).toBeGreaterThan(0);
    expect(a.sent).toEqual(b.sent);
    expect(a.sent).toEqual(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'PutItemCommand']);
    console.info(`message log page: 12 messages ${a.sent.join(',')}; 120 messages ${b.sent.join(',')}`);
    const all = await pageAll(large, '/api/cases/mc/messages', { limit: '10' }, messageIds);
    for (const s of all.sent) expect(s.length).toBeLessThanOrEqual(4);
    expect(new Set(all.seen).size).toBe(large.expected.length);
  }, 120_000);

  it('refuses ?limit 0, 101, abc and a cursor of another case or tampered, naming the field', async () => {
    const w = await messageWorld(12);
    for (const limit of ['0', '101', 'abc', '1.5'])
      expectFieldError(await w.get('/api/cases/mc/messages', { limit }), 'query.limit');
    const first = await w.get('/api/cases/mc/messages', { limit: '3' });
    const cursor = first.body.nextCursor as string;
    expect(typeof cursor).toBe('string');
    expectFieldError(await w.get('/api/cases/mc-other/messages', { cursor }), 'query.cursor');
    const moved = tamper(cursor, (c) => {
      (c.k as Record<string, string>).gsi3pk = 'CASELOG#mc-other';
    });
    expectFieldError(await w.get('/api/cases/mc/messages', { cursor: moved }), 'query.cursor');
    expectFieldError(await w.get('/api/cases/mc/messages', { cursor: `${cursor.slice(0, -4)}@@@@` }), 'query.cursor');
    expectFieldError(await w.get('/api/cases/mc/messages', { cursor: 'bm90LWpzb24' }), 'query.cursor');
    // Each page read is audited (one entry per read), as before.
    const audited = await new DynamoAuditLog(w.doc, w.tableName).listForCase('mc');
    expect(audited.filter((e) => e.action === 'read-messages')).toHaveLength(1);
  }, 120_000);
});

describe('rebuild-aggregates gives messages written before the paged log their case-log keys', () => {
  it('older notice messages and alert notes show on the paged log after the backfill, once', async () => {
    const w = await world('msg-backfill');
    const notice = {
      id: 'bn-notice-1',
      caseId: 'bc',
      schoolId: 's1',
      townshipId: 'ta',
      issuedAt: at(0),
      deadline: at(7 * 24 * 60),
      status: 'pending',
      issuedBy: { name: '测试校长' },
      timerName: 'timer-bc',
      reminderMessageIds: [],
      version: 1,
    } as Notice;
    // Written as before: no caseId, so no case-log keys.
    const old = (id: string, minute: number) =>
      message(id, undefined, minute, { subject: { kind: 'notice', id: notice.id } });
    const merge = { group: { key: 'g', many: '{n}项' }, item: '测试学校', summary: '测试旧摘要' };
    const round = message('old-round-1', undefined, 9, { subject: { kind: 'system', id: 'old-round-1' } });
    await putAll(w.doc, w.tableName, [
      caseToItem(storedCase('bc'), 1),
      noticeToItem(notice, 1),
      ...[0, 1, 2].map((i) => messageToItem(old(`old-msg-${i}`, i))),
      { ...putNote(w.tableName, noteFromMessage(old('old-alert-1', 5), merge)).Put!.Item!, mergedInto: round.id },
      messageToItem(round),
      messageToItem(message('no-case-msg-1', undefined, 3)),
    ]);
    expect((await w.get('/api/cases/bc/messages')).body.messages).toEqual([]);
    // The school's message of a notice that is not there is skipped (no case to give it to).
    expect(await backfillCaseLog(w.doc, w.tableName)).toEqual({ updated: 4, skipped: 1 });
    const after = await w.get('/api/cases/bc/messages');
    expect(messageIds(after.body)).toEqual(['old-msg-0', 'old-msg-1', 'old-msg-2', 'old-round-1']);
    expect(after.body.messages[3].text).toBe('（合并发送）测试旧摘要');
    expect(await backfillCaseLog(w.doc, w.tableName)).toEqual({ updated: 0, skipped: 1 });
  }, 120_000);
});

// ---- the audit read ----

async function auditWorld(n: number) {
  const w = await world(`audit-log-${n}`);
  await putAll(w.doc, w.tableName, [caseToItem(storedCase('ac'), 1), caseToItem(storedCase('ac-other'), 1)]);
  const entry = (i: number, caseId: string): AuditEntry => ({
    id: `a-${caseId}-${i}`,
    at: at(i),
    personId: i % 2 ? 'contact-a' : 'head-s1',
    role: i % 2 ? 'township-contact' : 'school-head',
    action: i % 3 ? 'read-case' : 'list-cases',
    caseId,
    schoolId: 's1',
    sensitive: i % 2 === 0,
  });
  const log = new DynamoAuditLog(w.doc, w.tableName);
  const entries = Array.from({ length: n }, (_, i) => entry(i, 'ac'));
  for (let i = 0; i < entries.length; i += 100) await log.record(entries.slice(i, i + 100));
  await log.record(Array.from({ length: 5 }, (_, i) => entry(i, 'ac-other')));
  return { ...w, ids: entries.map((e) => e.id) };
}

const auditIds = (body: Record<string, unknown>) => (body.entries as { at: string; id?: string }[]).map((e) => e.at);

describe('GET /api/cases/:caseId/audit: who read the child’s data, newest first, paged (DynamoDB Local)', () => {
  it('every entry once while the case is read between pages; office only; reading it is not audited', async () => {
    const w = await auditWorld(45);
    const before = (await new DynamoAuditLog(w.doc, w.tableName).listForCase('ac')).length;
    const { seen } = await pageAll(w, '/api/cases/ac/audit', { limit: '8' }, auditIds, async () => {
      // A read of the case between pages writes a new (newest) entry: it belongs on a fresh first page.
      expect((await w.get('/api/cases/ac', {}, who.headS1)).status).toBe(200);
    });
    expect(seen).toHaveLength(45);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(new Set(seen).size).toBe(45);
    const after = await new DynamoAuditLog(w.doc, w.tableName).listForCase('ac');
    // Only the case reads between the pages were audited, not the audit pages themselves.
    expect(after.length - before).toBe(Math.ceil(45 / 8));
    expect(after.filter((e) => e.personId === who.office.personId)).toEqual([]);
    const fresh = await w.get('/api/cases/ac/audit', { limit: '2' });
    expect(fresh.body.entries[0]).toMatchObject({
      reader: { personId: 'head-s1', name: '测试校长一' },
      role: 'school-head',
      action: 'read-case',
      actionLabel: '查看案件',
    });
    const oldest = await w.get('/api/cases/ac/audit', { limit: '100' });
    expect(oldest.body.entries.at(-1)).toMatchObject({ at: at(0), action: 'list-cases', sensitive: true });
    expect(oldest.body.nextCursor).toBeNull();
    for (const as of [who.headS1, who.leaderA, who.contactA, who.teacherS1]) {
      const res = await w.get('/api/cases/ac/audit', {}, as);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect((await w.get('/api/cases/no-such-case/audit')).status).toBe(404);
  }, 120_000);

  it('the same requests per page for 30 and 300 entries: the case and one Query', async () => {
    const small = await auditWorld(30);
    const large = await auditWorld(300);
    const a = await small.get('/api/cases/ac/audit', { limit: '20' });
    const b = await large.get('/api/cases/ac/audit', { limit: '20' });
    expect(a.body.entries).toHaveLength(20);
    expect(a.sent).toEqual(b.sent);
    expect(a.sent).toEqual(['GetItemCommand', 'QueryCommand']);
    const all = await pageAll(large, '/api/cases/ac/audit', { limit: '100' }, auditIds);
    expect(all.seen).toHaveLength(300);
    expect(all.pages).toBe(3);
    for (const s of all.sent) expect(s).toEqual(['GetItemCommand', 'QueryCommand']);
  }, 120_000);

  it('refuses ?limit 0, 101, abc and a cursor of another case or tampered, naming the field', async () => {
    const w = await auditWorld(12);
    for (const limit of ['0', '101', 'abc'])
      expectFieldError(await w.get('/api/cases/ac/audit', { limit }), 'query.limit');
    const cursor = (await w.get('/api/cases/ac/audit', { limit: '3' })).body.nextCursor as string;
    expectFieldError(await w.get('/api/cases/ac-other/audit', { cursor }), 'query.cursor');
    const moved = tamper(cursor, (c) => {
      c.c = 'ac-other';
      (c.k as Record<string, string>).pk = 'AUDIT#ac-other';
    });
    expectFieldError(await w.get('/api/cases/ac/audit', { cursor: moved }), 'query.cursor');
    const foreignKey = tamper(cursor, (c) => {
      (c.k as Record<string, string>).pk = 'AUDIT#ac-other';
    });
    expectFieldError(await w.get('/api/cases/ac/audit', { cursor: foreignKey }), 'query.cursor');
    expectFieldError(await w.get('/api/cases/ac/audit', { cursor: 'x'.repeat(40) }), 'query.cursor');
  }, 120_000);
});

// ---- the follow-up due list ----

const plan = (id: string, responsibleIds: string[], status: Plan['status'] = 'active'): Plan => ({
  id,
  kind: 'followup',
  caseId: `case-${id}`,
  studentName: '测试学生',
  schoolId: 's1',
  townshipId: 'ta',
  responsibleIds,
  mentorId: responsibleIds[0],
  startsOn: '2026-03-01',
  endsOn: '2026-05-30',
  visitCount: 4,
  status,
  createdAt: '2026-03-01T02:00:00.000Z',
  version: 1,
});

const visit = (planId: string, no: number, dueDate: string, status: PlanVisit['status'] = 'planned'): PlanVisit => ({
  planId,
  kind: 'followup',
  no,
  dueDate,
  deadline: `${dueDate}T10:00:00.000Z`,
  steps: [],
  nextStep: 0,
  status,
  escalated: false,
  schoolId: 's1',
  townshipId: 'ta',
  version: 1,
});

const campaign = (id: string, end: string, households: number): SchoolCampaign => ({
  campaignId: id,
  name: `测试大家访${id}`,
  schoolId: 's1',
  townshipId: 'ta',
  start: '2026-03-01',
  end,
  deadline: `${end}T10:00:00.000Z`,
  households: Array.from({ length: households }, (_, h) => ({
    ref: `${id}-h${String(h).padStart(2, '0')}`,
    studentName: '测试学生',
    teacherId: 'teacher-s1',
    ...(h % 5 === 4 ? { visitedOn: '2026-03-05' } : {}),
  })),
  steps: [],
  nextStep: 0,
  escalated: false,
  version: 1,
});

const RANGE = { schoolId: 's1', from: '2026-03-01', to: '2026-04-30' };
const day = (n: number) => `2026-03-${String(1 + (n % 28)).padStart(2, '0')}`;

/**
 * School s1 with `plans` follow-up plans (3 planned visits and 1 done each; every 10th plan closed) and
 * `campaigns` 大家访 campaigns of 9 households (one in five visited already).
 */
async function dueWorld(plans: number, campaigns: number) {
  const w = await world(`due-pages-${plans}`);
  const items: Record<string, unknown>[] = [];
  const expected: string[] = [];
  for (let p = 0; p < plans; p++) {
    const id = `fp-${String(p).padStart(3, '0')}`;
    const closed = p % 10 === 9;
    items.push(planItem(plan(id, ['teacher-s1'], closed ? 'closed' : 'active')));
    items.push(visitItem(visit(id, 1, day(p), 'done')));
    for (let no = 2; no <= 4; no++) {
      items.push(visitItem(visit(id, no, day(p + no * 3))));
      if (!closed) expected.push(`${id}#${no}`);
    }
  }
  for (let c = 0; c < campaigns; c++) {
    const k = campaign(`w${String(c).padStart(2, '0')}`, `2026-04-${String(1 + c).padStart(2, '0')}`, 9);
    items.push(campaignItem(k));
    for (const h of k.households) if (!h.visitedOn) expected.push(h.ref);
  }
  await putAll(w.doc, w.tableName, items);
  return { ...w, expected };
}

const dueRows = (body: Record<string, unknown>) => [
  ...(body.visits as { planId: string; no: number }[]).map((v) => `${v.planId}#${v.no}`),
  ...(body.households as { ref: string }[]).map((h) => h.ref),
];

describe('GET /api/followup/due: pages of visits then households (DynamoDB Local)', () => {
  it('every planned visit and open household once over the pages while visits are recorded', async () => {
    const w = await dueWorld(30, 3);
    const done = new Set<string>();
    const { seen, sent } = await pageAll(w, '/api/followup/due', { ...RANGE, limit: '7' }, dueRows, async (page) => {
      // Between pages: a visit not shown yet is recorded (it leaves the planned visits).
      const id = `fp-${String(29 - page).padStart(3, '0')}`;
      if (29 - page < 0 || (29 - page) % 10 === 9) return;
      await w.doc.send(
        new PutCommand({ TableName: w.tableName, Item: visitItem(visit(id, 4, day(29 - page + 12), 'done')) }),
      );
      done.add(`${id}#4`);
    });
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of w.expected) if (!done.has(id)) expect(seen).toContain(id);
    expect(seen.filter((id) => id.startsWith('fp-009') || id.startsWith('fp-019'))).toEqual([]);
    // Visits first, then households.
    const firstHousehold = seen.findIndex((id) => id.startsWith('w'));
    expect(seen.slice(firstHousehold).every((id) => id.startsWith('w'))).toBe(true);
    for (const s of sent) expect(s.length).toBeLessThanOrEqual(5);
  }, 120_000);

  it('the same requests per page for 10 and 100 plans: one Query of visits, one BatchGet of plans, the audit', async () => {
    const small = await dueWorld(10, 1);
    const large = await dueWorld(100, 10);
    const a = await small.get('/api/followup/due', { ...RANGE, limit: '10' });
    const b = await large.get('/api/followup/due', { ...RANGE, limit: '10' });
    expect(a.body.visits.length).toBeGreaterThan(0);
    expect(a.sent).toEqual(b.sent);
    expect(a.sent).toEqual(['QueryCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']);
    console.info(`due list page: 10 plans ${a.sent.join(',')}; 100 plans ${b.sent.join(',')}`);
    const all = await pageAll(large, '/api/followup/due', { ...RANGE, limit: '50' }, dueRows);
    expect(new Set(all.seen).size).toBe(all.seen.length);
    expect([...all.seen].sort()).toEqual([...large.expected].sort());
    for (const s of all.sent) expect(s.length).toBeLessThanOrEqual(5);
  }, 120_000);

  it('a group keeps the visits of that group, no households; a teacher sees their own plans only', async () => {
    const w = await dueWorld(6, 1);
    const grouped = await pageAll(w, '/api/followup/due', { ...RANGE, limit: '5', group: '留守' }, dueRows);
    expect(grouped.seen).toEqual([]);
    const teacher = await w.get('/api/followup/due', { ...RANGE, limit: '100' }, who.teacherS1b);
    expect(teacher.status).toBe(200);
    expect(teacher.body.visits).toEqual([]);
    expect(teacher.body.households).toEqual([]);
  }, 120_000);

  it('refuses ?limit 0, 101, abc and a cursor of another school, query or tampered, naming the field', async () => {
    const w = await dueWorld(10, 1);
    for (const limit of ['0', '101', 'abc'])
      expectFieldError(await w.get('/api/followup/due', { ...RANGE, limit }), 'query.limit');
    const cursor = (await w.get('/api/followup/due', { ...RANGE, limit: '3' })).body.nextCursor as string;
    expect(typeof cursor).toBe('string');
    expectFieldError(await w.get('/api/followup/due', { ...RANGE, schoolId: 's2', cursor }), 'query.cursor');
    expectFieldError(await w.get('/api/followup/due', { ...RANGE, to: '2026-04-29', cursor }), 'query.cursor');
    expectFieldError(await w.get('/api/followup/due', { ...RANGE, group: '留守', cursor }), 'query.cursor');
    const moved = tamper(cursor, (c) => {
      (c.k as Record<string, string>).gsi2pk = 'SCHOOL#s2';
    });
    expectFieldError(await w.get('/api/followup/due', { ...RANGE, cursor: moved }), 'query.cursor');
    const wide = tamper(cursor, (c) => {
      c.f = '2024-01-01';
    });
    expectFieldError(await w.get('/api/followup/due', { schoolId: 's1', cursor: wide }), 'query.cursor');
    // Without from/to the cursor's range goes on (a default range does not move under the pages).
    const next = await w.get('/api/followup/due', { schoolId: 's1', cursor });
    expect(next.status).toBe(200);
    expect(next.body.range).toEqual({ from: RANGE.from, to: RANGE.to });
  }, 120_000);
});
