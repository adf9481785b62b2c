import { beforeAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import type { CrossCheckResult } from '../../shared/use-cases/cross-check.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { openCaseBody, who } from '../support/api-world.ts';
import { seedRosters } from '../support/roster-seed.ts';

const PUPIL = '测试在籍学生';
const REF = 'T0010000001';

/** The 四查三比对 routes end to end over the API handler: results, decisions, the ledgers and 销号, by role. */
describe('四查三比对 and ledger routes', () => {
  let w: Awaited<ReturnType<typeof apiCallerWorld>>;
  let run: CrossCheckResult;

  beforeAll(async () => {
    w = await apiCallerWorld('rosters');
    const opened = await w.call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: { ...openCaseBody('s1'), studentName: PUPIL, studentRef: REF },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    run = await seedRosters(w.doc, w.tableName, w.deps, { name: PUPIL, studentRef: REF, grade: '七年级' });
  });

  it('serves the results by scope, decides with a reason (409 twice), strikes off with evidence, exports XLSX', async () => {
    const child = run.notEnrolled[0]!;
    const absent = run.enrolledAbsent[0]!;
    const list = await w.call({ method: 'GET', path: '/api/cross-check/ta', as: who.contactA });
    expect(list.status).toBe(200);
    expect(list.body.candidates.map((c: { name: string }) => c.name).sort()).toEqual(['测****生', '测试户籍儿童']);
    expect((await w.call({ method: 'GET', path: '/api/cross-check/ta', as: who.contactB })).status).toBe(403);
    const school = await w.call({ method: 'GET', path: '/api/cross-check/ta', as: who.headS1 });
    expect(school.body.candidates.map((c: { id: string }) => c.id)).toEqual([absent.id]);

    const decide = (as: (typeof who)[keyof typeof who], id: string, body: unknown) =>
      w.call({ method: 'POST', path: `/api/cross-check/ta/candidates/${id}/decision`, as, body });
    const noReason = await decide(who.contactA, child.id, { decision: 'confirm' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.issues[0].field).toBe('body.reason');
    expect((await decide(who.headS1, child.id, { decision: 'confirm', reason: '核实' })).status).toBe(403);
    expect((await decide(who.contactB, child.id, { decision: 'confirm', reason: '核实' })).status).toBe(403);
    const confirmed = await decide(who.contactA, child.id, { decision: 'confirm', reason: '入户核实：从未入学' });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.entry).toMatchObject({ kind: 'never-enrolled', status: 'on' });
    const twice = await decide(who.office, child.id, { decision: 'dismiss', reason: '重复' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'ALREADY_DECIDED']);
    const own = await decide(who.headS1, absent.id, { decision: 'confirm', reason: '确认辍学' });
    expect(own.status).toBe(200);

    const strike = (as: (typeof who)[keyof typeof who], id: string, body: unknown) =>
      w.call({ method: 'POST', path: `/api/roster-ledgers/dropouts/${id}/strike-off`, as, body });
    const entryId = own.body.entry.id as string;
    const bare = await strike(who.headS1, entryId, { reason: 'transferred', evidence: ['转学联系函'] });
    expect(bare.status).toBe(400);
    expect(bare.body.error.issues).toContainEqual({ field: 'body.receivingSchool', reason: '转学销号须写明接收学校' });
    expect((await strike(who.headS3, entryId, { reason: 'returned', evidence: ['复学登记'] })).status).toBe(403);
    const struck = await strike(who.headS1, entryId, {
      reason: 'transferred',
      evidence: ['转学联系函'],
      receivingSchool: '测试外县中学',
    });
    expect(struck.status, JSON.stringify(struck.body)).toBe(200);
    expect(struck.body.entry).toMatchObject({ status: 'struck', strike: { receivingSchool: '测试外县中学' } });

    const ledgers = await w.call({
      method: 'GET',
      path: '/api/roster-ledgers',
      as: who.office,
      query: { townshipId: 'ta' },
    });
    const dropouts = ledgers.body.ledgers[2] as { rows: string[][] };
    expect(dropouts.rows.map((r) => [r[4], r[10], r[14]]).sort()).toEqual(
      [
        ['测试户籍儿童', '未销号', ''],
        [PUPIL, '已销号', '测试外县中学'],
      ].sort(),
    );
    const handler = await w.raw({
      method: 'GET',
      path: '/api/cross-check/ta',
      as: who.office,
      query: { format: 'xlsx' },
    });
    expect(handler.status).toBe(200);
    expect((await w.call({ method: 'GET', path: '/api/roster-ledgers', as: who.teacherS1 })).status).toBe(403);

    // Priority groups: the filter and its counts; 脱贫户 is the office's and the own school's (R9).
    const group = (as: (typeof who)[keyof typeof who], g: string) =>
      w.call({ method: 'GET', path: '/api/roster-ledgers', as, query: { townshipId: 'ta', group: g } });
    const poor = await group(who.office, '脱贫户');
    expect(poor.status).toBe(200);
    expect(poor.body.ledgers[2].rows.map((r: string[]) => r[4])).toEqual(['测试户籍儿童']);
    expect(poor.body.groups).toEqual([
      { township: '测试甲镇', group: '脱贫户', children: 1, atSchool: 0, suspected: 1, onLedger: 1, struck: 0 },
    ]);
    // The open case of a 建档立卡 pupil counts as suspected in the 脱贫户 group (a case knows that one group).
    expect(poor.body.ledgers[1].rows.map((r: string[]) => [r[3], r[7]])).toEqual([[PUPIL, '在办案件']]);
    expect((await group(who.contactA, '脱贫户')).status).toBe(403);
    expect((await group(who.leaderA, '脱贫户')).status).toBe(403);
    const contactAll = await w.call({
      method: 'GET',
      path: '/api/roster-ledgers',
      as: who.contactA,
      query: { townshipId: 'ta' },
    });
    expect(JSON.stringify(contactAll.body.groups)).not.toContain('脱贫户');
    const bad = await group(who.office, '富裕户');
    expect([bad.status, bad.body.error.issues[0].field]).toEqual([400, 'query.group']);
  });

  it('the XLSX download holds the sheets the bureau reports', async () => {
    const { createApiHandler } = await import('../../functions/api/index.ts');
    const { apiEvent } = await import('../support/api-world.ts');
    const res = await createApiHandler(w.deps)(
      apiEvent({ method: 'GET', path: '/api/roster-ledgers', as: who.office, query: { format: 'xlsx' } }),
    );
    expect(res.isBase64Encoded).toBe(true);
    const sheets = await readXlsx(Buffer.from(res.body, 'base64'));
    expect(sheets.map((s) => s.title)).toEqual(['适龄儿童台账', '疑似辍学台账', '辍学台账', '重点群体统计']);
    expect(res.headers?.['content-disposition']).toContain("filename*=UTF-8''");
  });
});
