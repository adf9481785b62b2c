import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { runRebuildAggregates } from '../../local/commands/rebuild-aggregates.ts';
import { ensureTable } from '../../local/dynamodb-local.ts';
import { rebuildAggregates } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { localClientConfig } from '../../shared/adapters/dynamo/client.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoSlotRepository, slotToItem } from '../../shared/adapters/dynamo/slot-repository.ts';
import { createTableInput } from '../../shared/adapters/dynamo/table-definition.ts';
import type { ReportSlot } from '../../shared/domain/report-slot.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { apiEvent, apiWorld, openDailySlots, who } from '../support/api-world.ts';
import { countRequests, countyDirectory, putAll } from '../support/county.ts';
import { freshTable } from '../support/dynamo.ts';
import { openSlot } from '../support/slot-fixtures.ts';

/** A late-board row as the API returns it (the fields these tests read). */
interface Row {
  slotId: string;
  schoolId: string;
  townshipId: string;
  level: number;
}
const rowsOf = (body: { townships: { reports: Row[] }[] }) => body.townships.flatMap((t) => t.reports);

/** A daily slot of `schoolId` due on `dueDate` at 17:00 CST (late from then on while OPEN). */
const slot = (schoolId: string, townshipId: string, dueDate: string, extra: Partial<ReportSlot> = {}) =>
  openSlot(schoolId, townshipId, 'daily', dueDate, extra);

/**
 * A county of `schools` schools in 4 townships, every school with yesterday's daily slot: `late` schools per
 * township have not filed it (all others filed on time), plus tomorrow's slot of every school (not late yet).
 * The API on a client that counts requests; the aggregates rebuilt from the items.
 */
async function countyWorld(schools: number, latePerTownship: number | 'all') {
  const { doc, tableName } = await freshTable('late-pages');
  const { deps } = await apiWorld(doc, tableName);
  await new DynamoDirectoryRepository(doc, tableName).save(countyDirectory(schools, 4), { officeIds: ['office-1'] });
  const perTownship = new Map<string, number>();
  const items: Record<string, unknown>[] = [];
  for (let s = 0; s < schools; s++) {
    const schoolId = `sc-${String(s).padStart(4, '0')}`;
    const townshipId = `tw-${(s % 4) + 1}`;
    const n = perTownship.get(townshipId) ?? 0;
    perTownship.set(townshipId, n + 1);
    const late = latePerTownship === 'all' || n < latePerTownship;
    const filed = { state: 'SUBMITTED' as const, firstSubmittedAt: cstInstant('2026-03-09', '16:00').toISOString() };
    items.push(slotToItem(slot(schoolId, townshipId, '2026-03-09', late ? {} : filed)));
    items.push(slotToItem(slot(schoolId, townshipId, '2026-03-11')));
  }
  await putAll(doc, tableName, items);
  await rebuildAggregates(doc, tableName);
  const sent = countRequests(doc, 'countLateBoardRequests');
  const handler = createApiHandler(deps);
  const office: Principal = { personId: 'office-1', name: '测试办公室', role: 'office' };
  const board = async (query: Record<string, string> = {}) => {
    sent.length = 0;
    const res = await handler(apiEvent({ method: 'GET', path: '/api/reports/late', as: office, query }));
    return { status: res.statusCode, body: JSON.parse(res.body ?? '{}'), sent: [...sent] };
  };
  await board(); // the directory snapshot is cached per container: count the requests of warm calls
  return { doc, tableName, board };
}

describe('GET /api/reports/late: requests per page do not grow with the schools (DynamoDB Local)', () => {
  it('40 vs 400 schools in 4 townships, 2 late slots each: the same requests, one Query per township', async () => {
    const small = await countyWorld(40, 2);
    const large = await countyWorld(400, 2);
    const a = await small.board();
    const b = await large.board();

    expect(rowsOf(a.body)).toHaveLength(8);
    expect(rowsOf(b.body)).toHaveLength(8);
    // One late-index Query per township (tw-1…tw-4 and the test organisation's ta, tb) and one BatchGet of the
    // month's aggregate items: nothing per school.
    expect(a.sent).toEqual(b.sent);
    expect(a.sent.filter((c) => c === 'QueryCommand')).toHaveLength(6);
    expect(a.sent.length).toBeLessThanOrEqual(6 + 2);
    console.info(`late board first page: 40 schools ${a.sent.join(',')}; 400 schools ${b.sent.join(',')}`);
    // The summary is the aggregates': 10 (100) schools owed a report per township, 8 (98) filed, 2 late.
    const tw1 = (body: { summary: { townships: { townshipId: string }[] } }) =>
      body.summary.townships.find((t) => t.townshipId === 'tw-1');
    expect(a.body.summary.townships).toHaveLength(6);
    expect(tw1(a.body)).toMatchObject({ owed: 10, filed: 8, late: 2, townshipName: '测试镇1' });
    expect(tw1(b.body)).toMatchObject({ owed: 100, filed: 98, late: 2, byLevel: { 0: 2 } });
    expect(b.body.summary.county).toMatchObject({ owed: 400, filed: 392, late: 8, onTime: 392 });
    expect(b.body.summary.period).toEqual({ from: '2026-03-01', to: '2026-03-10' });
  }, 120_000);

  it('every school late (400): each page stays within townships + a constant, and the pages cover every slot once', async () => {
    const w = await countyWorld(400, 'all');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await w.board({ limit: '100', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      expect(page.sent.length).toBeLessThanOrEqual(6 + 2);
      seen.push(...rowsOf(page.body).map((r) => r.slotId));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(400);
    expect(new Set(seen).size).toBe(400);
    // 100 late slots per township: a full page each, and no empty page at the end.
    expect(pages).toBe(4);
  }, 120_000);
});

describe('GET /api/reports/late: paging while schools file', () => {
  it('no slot twice, no still-late slot skipped, a filed slot gone from later pages', async () => {
    const w = await countyWorld(60, 'all');
    const slots = new DynamoSlotRepository(w.doc, w.tableName);
    const file = async (slotId: string) => {
      const s = (await slots.get(slotId))!;
      await slots.save({ ...s, state: 'SUBMITTED', firstSubmittedAt: '2026-03-10T01:00:00.000Z' });
    };
    const seen: string[] = [];
    const filed = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await w.board({ limit: '7', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      const rows = rowsOf(page.body).map((r) => r.slotId);
      for (const id of rows) expect(filed.has(id), `${id} was filed before this page`).toBe(false);
      seen.push(...rows);
      cursor = page.body.nextCursor;
      // Between pages: the last slot shown (the cursor's own key) files, and so does one not yet shown.
      const last = rows.at(-1);
      if (last && !filed.has(last)) {
        await file(last);
        filed.add(last);
      }
      const ahead = `sc-${String(59 - pages).padStart(4, '0')}:daily:2026-03-09`;
      if (!seen.includes(ahead) && !filed.has(ahead)) {
        await file(ahead);
        filed.add(ahead);
      }
      pages++;
    } while (cursor && pages < 30);
    expect(new Set(seen).size).toBe(seen.length);
    const all = Array.from({ length: 60 }, (_, s) => `sc-${String(s).padStart(4, '0')}:daily:2026-03-09`);
    const stillLate = all.filter((id) => !filed.has(id));
    for (const id of stillLate) expect(seen).toContain(id);
    expect(filed.size).toBeGreaterThan(10);
    // A fresh first page now lists only what is still late.
    const after: string[] = [];
    cursor = undefined;
    do {
      const page = await w.board({ limit: '100', ...(cursor ? { cursor } : {}) });
      after.push(...rowsOf(page.body).map((r) => r.slotId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(after.sort()).toEqual(stillLate.sort());
  }, 120_000);
});

describe('GET /api/reports/late: who sees what', () => {
  /** The API test organisation at 17:40 CST: the daily slots of s1, s2 (ta) and s3 (tb) are 40 minutes late. */
  async function lateWorld() {
    const w = await apiCallerWorld('late-roles', '2026-03-09T09:40:00Z');
    await openDailySlots(w.deps, '2026-03-09');
    await rebuildAggregates(w.doc, w.tableName);
    const board = async (as: Principal, query: Record<string, string> = {}) =>
      w.call({ method: 'GET', path: '/api/reports/late', as, query });
    return { ...w, board };
  }

  it('office all, leader their area, contact their township, head their school, teacher none', async () => {
    const w = await lateWorld();
    const schoolsSeen = async (as: Principal, query: Record<string, string> = {}) => {
      const res = await w.board(as, query);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return {
        schools: rowsOf(res.body)
          .map((r) => r.schoolId)
          .sort(),
        summary: (res.body.summary.townships as { townshipId: string }[]).map((t) => t.townshipId),
        county: res.body.summary.county !== undefined,
      };
    };
    expect(await schoolsSeen(who.office)).toEqual({ schools: ['s1', 's2', 's3'], summary: ['ta', 'tb'], county: true });
    expect(await schoolsSeen(who.leaderA)).toEqual({ schools: ['s1', 's2'], summary: ['ta'], county: false });
    expect(await schoolsSeen(who.contactA)).toEqual({ schools: ['s1', 's2'], summary: ['ta'], county: false });
    expect(await schoolsSeen(who.contactB)).toEqual({ schools: ['s3'], summary: ['tb'], county: false });
    expect(await schoolsSeen(who.headS1)).toEqual({ schools: ['s1'], summary: ['ta'], county: false });
    expect(await schoolsSeen(who.headS3)).toEqual({ schools: ['s3'], summary: ['tb'], county: false });
    // Teachers read no report board (as before the late index): an empty board, no summary.
    expect(await schoolsSeen(who.teacherS1)).toEqual({ schools: [], summary: [], county: false });
    // A township outside the caller's scope is as empty as one with nothing late.
    expect(await schoolsSeen(who.contactA, { townshipId: 'tb' })).toEqual({ schools: [], summary: [], county: false });
    expect(await schoolsSeen(who.office, { townshipId: 'tb' })).toEqual({
      schools: ['s3'],
      summary: ['tb'],
      county: false,
    });
    // The head's summary counts their own school only; the contact's the whole township.
    const head = await w.board(who.headS1);
    expect(head.body.summary.townships[0]).toMatchObject({ townshipName: '测试甲镇', owed: 1, filed: 0, late: 1 });
    const contact = await w.board(who.contactA);
    expect(contact.body.summary.townships[0]).toMatchObject({ owed: 2, filed: 0, late: 2, byLevel: { 0: 2 } });
    expect(contact.body.townships[0]).toMatchObject({ townshipId: 'ta', townshipName: '测试甲镇' });
  }, 60_000);

  it('filters by cadence and ladder level; refuses bad limits and cursors, naming the field', async () => {
    const w = await lateWorld();
    expect(rowsOf((await w.board(who.office, { cadence: 'weekly' })).body)).toHaveLength(0);
    expect(rowsOf((await w.board(who.office, { cadence: 'daily', level: '0' })).body)).toHaveLength(3);
    expect(rowsOf((await w.board(who.office, { level: '1' })).body)).toHaveLength(0);

    for (const limit of ['0', '101', '-1', 'abc', '2.5', '1e9', '99999999999999999999']) {
      const res = await w.board(who.office, { limit });
      expect(res.status, limit).toBe(400);
      expect(JSON.stringify(res.body), limit).toContain('query.limit');
    }
    const page = await w.board(who.contactA, { limit: '1' });
    expect(rowsOf(page.body)).toHaveLength(1);
    const cursor: string = page.body.nextCursor;
    expect(typeof cursor).toBe('string');
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const forged = (c: unknown) => Buffer.from(JSON.stringify(c)).toString('base64url');
    const hostile: [string, Principal, Record<string, string>][] = [
      ['abc', who.contactA, { limit: '1' }],
      ['%%%', who.contactA, { limit: '1' }],
      [Buffer.from('{"t":').toString('base64url'), who.contactA, { limit: '1' }],
      [forged({ ...decoded, extra: 1 }), who.contactA, { limit: '1' }],
      ['A'.repeat(3000), who.contactA, { limit: '1' }],
      // Another caller's cursor: township ta is outside contact B's scope.
      [cursor, who.contactB, { limit: '1' }],
      // Another query's cursor (a filter added), and a key moved into another township's partition.
      [cursor, who.contactA, { limit: '1', cadence: 'daily' }],
      [forged({ ...decoded, k: { ...decoded.k, gsi3pk: 'LATE#tb' } }), who.contactA, { limit: '1' }],
      [forged({ ...decoded, t: 'tb', k: { ...decoded.k, gsi3pk: 'LATE#tb' } }), who.contactA, { limit: '1' }],
      [forged({ ...decoded, k: { ...decoded.k, pk: 'CASE#x' } }), who.contactA, { limit: '1' }],
    ];
    for (const [c, as, query] of hostile) {
      const res = await w.board(as, { ...query, cursor: c });
      expect(res.status, c.slice(0, 40)).toBe(400);
      expect(JSON.stringify(res.body)).toContain('query.cursor');
      expect(JSON.stringify(res.body)).toMatch(/游标/);
    }
    const second = await w.board(who.contactA, { limit: '1', cursor });
    expect(second.status).toBe(200);
    expect(rowsOf(second.body).map((r) => r.schoolId)).not.toEqual(rowsOf(page.body).map((r) => r.schoolId));
  }, 60_000);

  it('filing a report takes it off the board and into the summary', async () => {
    const w = await lateWorld();
    const filed = await w.call({
      method: 'POST',
      path: '/api/reports',
      as: who.headS1,
      body: {
        schoolId: 's1',
        cadence: 'daily',
        periodKey: '2026-03-09',
        submission: { counts: { enrolled: 10, returned: 10, notReturned: 0, droppedOut: 0 }, notBack: [] },
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    await rebuildAggregates(w.doc, w.tableName); // no stream beside this API
    const res = await w.board(who.contactA);
    expect(rowsOf(res.body).map((r) => r.schoolId)).toEqual(['s2']);
    expect(res.body.summary.townships[0]).toMatchObject({ owed: 2, filed: 1, late: 1, onTime: 0, onTimeRate: 0 });
  }, 60_000);
});

describe('rebuild-aggregates migrates a table written before the late index', () => {
  it('a table without gsi3 gets the index (ensureTable), then open slots get their keys; filed slots none', async () => {
    const { doc, endpoint } = await freshTable('late-migrate');
    // The table as it was before the late index: created from the definition without gsi3.
    const tableName = `late-old-${Date.now().toString(36)}`;
    const input = createTableInput(tableName);
    const old = {
      ...input,
      AttributeDefinitions: input.AttributeDefinitions.filter((a) => !a.AttributeName.startsWith('gsi3')),
      GlobalSecondaryIndexes: input.GlobalSecondaryIndexes.filter((i) => i.IndexName !== 'gsi3'),
    };
    const client = new DynamoDBClient(localClientConfig(endpoint));
    await client.send(new CreateTableCommand(old));
    const { deps } = await apiWorld(doc, tableName);
    const strip = (item: Record<string, unknown>) => {
      const { gsi3pk: _a, gsi3sk: _b, ...rest } = item;
      return rest;
    };
    await doc.send(new PutCommand({ TableName: tableName, Item: strip(slotToItem(slot('s1', 'ta', '2026-03-09'))) }));
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: strip(
          slotToItem(
            slot('s2', 'ta', '2026-03-09', { state: 'SUBMITTED', firstSubmittedAt: '2026-03-09T08:00:00.000Z' }),
          ),
        ),
      }),
    );
    await ensureTable(endpoint, tableName);
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    client.destroy();
    expect(described.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['gsi1', 'gsi2', 'gsi3']);
    const handler = createApiHandler(deps);
    const board = async () =>
      rowsOf(JSON.parse((await handler(apiEvent({ method: 'GET', path: '/api/reports/late', as: who.office }))).body));
    expect(await board()).toHaveLength(0);

    const { lines } = await runRebuildAggregates({ endpoint, table: tableName, realClock: true });
    expect(lines.at(-1)).toBe('  迟报索引：补写未报报表 1 条');
    expect((await board()).map((r) => r.slotId)).toEqual(['s1:daily:2026-03-09']);
    const again = await runRebuildAggregates({ endpoint, table: tableName, realClock: true });
    expect(again.lines.at(-1)).toBe('  迟报索引：补写未报报表 0 条');
  }, 60_000);
});
