import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { caseToItem, noticeToItem } from '../../shared/adapters/dynamo/case-repository.ts';
import type { Case } from '../../shared/domain/case.ts';
import type { Notice } from '../../shared/domain/notice.ts';
import { apiEvent, apiWorld, who } from '../support/api-world.ts';
import { countRequests } from '../support/county.ts';
import { freshTable } from '../support/dynamo.ts';

const CASES = 130;

function storedCase(n: number): Case {
  const openedAt = new Date(Date.parse('2026-03-02T01:00:00Z') + n * 60_000).toISOString();
  return {
    id: `pc-${String(n).padStart(3, '0')}`,
    schoolId: 's1',
    townshipId: 'ta',
    studentName: '测试学生',
    kind: 'not-returned',
    reason: '测试原因',
    whereabouts: '测试去向',
    responsibleTeacher: { name: '测试教师' },
    guardian: { name: '测试家长' },
    povertyRegistered: false,
    state: 'persuading',
    openedAt,
    updatedAt: openedAt,
    visitCount: 2,
    ...(n % 50 === 0 ? { currentNoticeId: `pn-${n}` } : {}),
    version: 1,
  } as Case;
}

/** A school with 130 open cases (three with a pending notice), and the API on a client that counts requests. */
async function world() {
  const { doc, tableName } = await freshTable('case-pages');
  const { deps } = await apiWorld(doc, tableName);
  const items = Array.from({ length: CASES }, (_, n) => storedCase(n)).flatMap((c, n) => {
    const notice: Notice | undefined = c.currentNoticeId
      ? ({
          id: c.currentNoticeId,
          caseId: c.id,
          schoolId: 's1',
          townshipId: 'ta',
          issuedAt: '2026-03-06T02:00:00.000Z',
          deadline: '2026-03-13T02:00:00.000Z',
          status: n === 0 ? 'complied' : 'pending',
          issuedBy: { name: '测试校长' },
          timerName: `timer-${c.id}`,
          reminderMessageIds: [],
          version: 1,
        } as Notice)
      : undefined;
    return [caseToItem(c, 1), ...(notice ? [noticeToItem(notice, 1)] : [])];
  });
  for (let i = 0; i < items.length; i += 25) {
    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
  const sent = countRequests(doc, 'countRequests');
  const handler = createApiHandler(deps);
  const list = async (query: Record<string, string>) => {
    sent.length = 0;
    const res = await handler(apiEvent({ method: 'GET', path: '/api/cases', as: who.office, query }));
    return { status: res.statusCode, body: JSON.parse(res.body ?? '{}'), sent: [...sent] };
  };
  return { doc, tableName, list };
}

describe('GET /api/cases: pages with a cursor, a constant number of requests per page (DynamoDB Local)', () => {
  it("reads a school's 130 cases in a page of 100 and one of 30: one Query, one BatchGet, one audit transaction each", async () => {
    const w = await world();

    const first = await w.list({ schoolId: 's1' });
    expect(first.status).toBe(200);
    expect(first.body.cases).toHaveLength(100);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await w.list({ schoolId: 's1', cursor: first.body.nextCursor });
    expect(second.body.cases).toHaveLength(30);
    expect(second.body.nextCursor).toBeNull();

    const ids = [...first.body.cases, ...second.body.cases].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(CASES);
    // Per page: the case Query, the pending notices by key, the audit entries in one transaction, plus the
    // directory snapshot when the API has not cached it yet (the first request).
    for (const page of [first, second]) {
      expect(page.sent.filter((c) => c === 'BatchGetItemCommand')).toHaveLength(1);
      expect(page.sent.filter((c) => c === 'TransactWriteItemsCommand')).toHaveLength(1);
      expect(page.sent.filter((c) => c === 'PutItemCommand')).toHaveLength(0);
    }
    expect(first.sent.filter((c) => c === 'QueryCommand').length).toBeLessThanOrEqual(2);
    expect(second.sent.filter((c) => c === 'QueryCommand')).toHaveLength(1);
    expect(second.sent).toHaveLength(3);
    // Notices: only the pending ones show, the complied one (case 0) does not.
    const withNotice = [...first.body.cases, ...second.body.cases]
      .filter((c: { notice: unknown }) => c.notice)
      .map((c: { id: string }) => c.id)
      .sort();
    expect(withNotice).toEqual(['pc-050', 'pc-100']);
    // Every case read is audited once: the reader's entries (owner index, READER#<personId>) name each case once.
    const audited = await w.doc.send(
      new QueryCommand({
        TableName: w.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :r',
        ExpressionAttributeValues: { ':r': `READER#${who.office.personId}` },
      }),
    );
    const auditedIds = (audited.Items ?? []).map((a) => String(a.caseId)).sort();
    expect(auditedIds).toEqual([...ids].sort());
  }, 90_000);

  it('honours ?limit (at most 100) and refuses a cursor it did not issue, naming the field', async () => {
    const w = await world();

    const small = await w.list({ schoolId: 's1', limit: '7' });
    expect(small.body.cases).toHaveLength(7);
    expect((await w.list({ limit: '101' })).status).toBe(400);
    const bad = await w.list({ cursor: 'not-a-cursor' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('cursor');
  });
});
