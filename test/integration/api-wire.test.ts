import { beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import { readXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import { priorityFlags } from '../../shared/domain/roll.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { apiEvent, apiWorld, openCaseBody, who } from '../support/api-world.ts';
import { freshTable } from '../support/dynamo.ts';
import { storeFacts } from '../support/statistics-items.ts';
import { seed } from '../unit/statistics-seed.ts';

async function setUp(prefix: string, startIso?: string) {
  const { doc, tableName } = await freshTable(prefix);
  const world = await apiWorld(doc, tableName, startIso);
  const handler = createApiHandler(world.deps);
  const call = async (input: Parameters<typeof apiEvent>[0]) => {
    const res = await handler(apiEvent(input));
    return {
      status: res.statusCode,
      raw: res,
      body: String(res.headers?.['content-type'] ?? '').startsWith('application/json')
        ? JSON.parse(res.body)
        : res.body,
      headers: (res.headers ?? {}) as Record<string, string>,
    };
  };
  return { ...world, doc, tableName, call };
}

async function openCase(
  call: Awaited<ReturnType<typeof setUp>>['call'],
  schoolId: string,
  as: Principal,
  extra: Record<string, unknown> = {},
) {
  const res = await call({ method: 'POST', path: '/api/cases', as, body: { ...openCaseBody(schoolId), ...extra } });
  expect(res.status).toBe(201);
  return res.body.case as { id: string; version: number };
}

describe('follow-up wired into the API (R6)', () => {
  let w: Awaited<ReturnType<typeof setUp>>;
  let plans: DynamoFollowUpRepository;
  beforeAll(async () => {
    // Tuesday 2026-03-10 10:00 CST, spring term 2026 under way.
    w = await setUp('wire-fu');
    plans = new DynamoFollowUpRepository(w.doc, w.tableName);
  });

  it('a return recorded through the API creates the 保学 plan: the responsible teacher visits and mentors', async () => {
    const c = await openCase(w.call, 's1', who.headS1, { studentName: '测试学生甲' });

    const res = await w.call({
      method: 'POST',
      path: `/api/cases/${c.id}/return`,
      as: who.headS1,
      body: { returnedOn: '2026-03-10' },
    });

    expect(res.status).toBe(200);
    expect(res.body.followUpPlan).toBe('created');
    const [plan] = await plans.plansOfCase(c.id);
    expect(plan).toMatchObject({
      kind: 'followup',
      status: 'active',
      startsOn: '2026-03-10',
      responsibleIds: ['teacher-s1'],
      mentorId: 'teacher-s1',
    });
    expect((await plans.getPlan(plan!.id))!.visits).toHaveLength(4);
  });

  it('复学 recorded as a status change creates the plan from its effective date', async () => {
    const c = await openCase(w.call, 's1', who.headS1, { studentName: '测试学生乙' });

    const res = await w.call({
      method: 'POST',
      path: `/api/cases/${c.id}/transfer`,
      as: who.headS1,
      body: { kind: 'resumption', effectiveOn: '2026-03-10', evidence: ['复学申请表'] },
    });

    expect(res.status).toBe(200);
    expect((await plans.plansOfCase(c.id))[0]).toMatchObject({ startsOn: '2026-03-10' });
  });

  it('a report listing a returned pupil within the window reopens the same case with its history', async () => {
    const c = await openCase(w.call, 's1', who.headS1, { studentName: '测试学生丙' });
    await w.call({
      method: 'POST',
      path: `/api/cases/${c.id}/return`,
      as: who.headS1,
      body: { returnedOn: '2026-03-10' },
    });
    w.clock.set('2026-03-20T02:00:00Z'); // Friday 10:00 CST, day 10 of the 56-day window
    const report = {
      schoolId: 's1',
      cadence: 'daily',
      periodKey: '2026-03-20',
      submission: {
        counts: { enrolled: 300, returned: 299, notReturned: 1, droppedOut: 0 },
        notBack: [{ studentName: '测试学生丙', status: 'not-returned' }],
      },
    };

    const filed = await w.call({ method: 'POST', path: '/api/reports', as: who.headS1, body: report });
    const again = await w.call({ method: 'POST', path: '/api/reports', as: who.headS1, body: report });

    expect(filed.status).toBe(201);
    expect(filed.body.reopenedCaseIds).toEqual([c.id]);
    expect(again.body).toMatchObject({ resubmission: true, reopenedCaseIds: [] });
    const all = await w.call({ method: 'GET', path: '/api/cases', as: who.headS1, query: { state: 'all' } });
    const same = all.body.cases.filter((x: { studentName: string }) => x.studentName === '测试学生丙');
    expect(same).toEqual([expect.objectContaining({ id: c.id, state: 'opened' })]);
    expect(same[0].closedAt).toBeUndefined();
    const timeline = await w.call({ method: 'GET', path: `/api/cases/${c.id}/timeline`, as: who.headS1 });
    const types = timeline.body.timeline
      .filter((i: { kind: string }) => i.kind === 'event')
      .map((i: { type: string }) => i.type);
    expect(types).toEqual(['opened', 'returned', 'reopened']);
    const reopened = timeline.body.timeline.find((i: { type: string }) => i.type === 'reopened');
    expect(reopened.data).toMatchObject({
      absentOn: '2026-03-20',
      report: { cadence: 'daily', periodKey: '2026-03-20' },
      followUp: { returnedOn: '2026-03-10', visitsDone: 0, visitsDue: 1 },
    });
    const [plan] = await plans.plansOfCase(c.id);
    expect(plan!.status).toBe('reopened');
    const visits = (await plans.getPlan(plan!.id))!.visits;
    expect(visits.every((v) => v.status === 'cancelled')).toBe(true);
  });

  it('a pupil whose name matches two returned cases is not guessed: nothing reopens', async () => {
    w.clock.set('2026-03-10T02:00:00Z');
    for (const _ of [1, 2]) {
      // Two pupils of the same name: the school confirms the second is not the first (allowDuplicate).
      const c = await openCase(w.call, 's1', who.headS1, {
        studentName: '测试同名',
        grade: undefined,
        allowDuplicate: true,
      });
      await w.call({
        method: 'POST',
        path: `/api/cases/${c.id}/return`,
        as: who.headS1,
        body: { returnedOn: '2026-03-10' },
      });
    }
    w.clock.set('2026-03-11T10:00:00Z');

    const filed = await w.call({
      method: 'POST',
      path: '/api/reports',
      as: who.headS1,
      body: {
        schoolId: 's1',
        cadence: 'daily',
        periodKey: '2026-03-11',
        submission: {
          counts: { enrolled: 300, returned: 299, notReturned: 1, droppedOut: 0 },
          notBack: [{ studentName: '测试同名', status: 'not-returned' }],
        },
      },
    });

    expect(filed.body.reopenedCaseIds).toEqual([]);
  });
});

describe('GET /api/statistics on the seeded April 2023 data set', () => {
  let w: Awaited<ReturnType<typeof setUp>>;
  const april = { from: '2023-04-01', to: '2023-04-30' };
  beforeAll(async () => {
    w = await setUp('wire-stats', '2023-05-02T04:00:00Z'); // as of 2023-05-02 12:00 CST
    await storeFacts(w.doc, w.tableName, seed(), {
      schools: { 'ml-school': 's1', 'ml-second': 's2', 'sj-school': 's3' },
      townships: { maling: 'ta', shuangjiang: 'tb' },
    });
  });

  it('the office gets every township and school with the known answers', async () => {
    const res = await w.call({ method: 'GET', path: '/api/statistics', as: who.office, query: april });

    expect(res.status).toBe(200);
    expect(res.body.townships.map((t: { townshipId: string }) => t.townshipId)).toEqual(['ta', 'tb']);
    expect(res.body.townships[0]).toEqual({
      townshipId: 'ta',
      townshipName: '测试甲镇',
      schoolCount: 2,
      reportsDue: 5,
      reportsOnTime: 2,
      onTimeRate: 0.4,
      casesOpened: 3,
      casesReturned: 2,
      noticesLapsed: 1,
      casesOpenAtEnd: 2,
      medianDaysToReturn: 12,
      visitsDue: 3,
      visitsDone: 2,
      visitsOnTime: 1,
      // The township's order after the lapse (stored on the notice's escalation), its deadline still ahead.
      townshipOrders: 1,
      townshipOrdersReturned: 0,
      townshipOrdersLapsed: 0,
      townshipOrdersEnded: 0,
      townshipOrdersOpen: 1,
      // The seeded cases come from no roll: every priority group is zero (the office sees 脱贫户 too).
      groups: priorityFlags.map((group) => ({
        group,
        casesOpened: 0,
        casesReturned: 0,
        casesClosed: 0,
        casesOpenAtEnd: 0,
      })),
    });
    expect(res.body.county).toEqual({
      noticesLapsed: 1,
      townshipOrders: 1,
      townshipOrdersReturned: 0,
      townshipOrdersLapsed: 0,
      townshipOrdersEnded: 0,
      townshipOrdersOpen: 1,
      groups: priorityFlags.map((group) => ({
        group,
        casesOpened: 0,
        casesReturned: 0,
        casesClosed: 0,
        casesOpenAtEnd: 0,
      })),
    });
    expect(res.body.townships[1]).toMatchObject({
      reportsDue: 2,
      onTimeRate: 1,
      casesReturned: 1,
      casesOpenAtEnd: 0,
      medianDaysToReturn: 20,
      visitsDue: 1,
      visitsDone: 1,
    });
    const s2 = res.body.schools.find((s: { schoolId: string }) => s.schoolId === 's2');
    expect(s2).toMatchObject({ reportsDue: 1, reportsOnTime: 0, casesOpened: 1, medianDaysToReturn: null });
    expect(res.body.schools.find((s: { schoolId: string }) => s.schoolId === 's1')).toMatchObject({
      reportsDue: 4,
      onTimeRate: 0.5,
      casesOpenAtEnd: 1,
    });
  });

  it('a township contact sees only their township and its schools; a filter outside it is refused', async () => {
    const res = await w.call({ method: 'GET', path: '/api/statistics', as: who.contactA, query: april });
    expect(res.body.county).toBeNull(); // county totals are the office's
    const outside = await w.call({
      method: 'GET',
      path: '/api/statistics',
      as: who.contactA,
      query: { ...april, townshipId: 'tb' },
    });

    expect(res.body.townships.map((t: { townshipId: string }) => t.townshipId)).toEqual(['ta']);
    expect(res.body.townships[0]).toMatchObject({ reportsDue: 5, onTimeRate: 0.4 });
    expect(res.body.schools.map((s: { schoolId: string }) => s.schoolId)).toEqual(['s1', 's2']);
    expect(outside.status).toBe(403);
  });

  it('a school head sees their school only, and no township total', async () => {
    const res = await w.call({ method: 'GET', path: '/api/statistics', as: who.headS3, query: april });

    expect(res.body.townships).toEqual([]);
    expect(res.body.schools).toEqual([
      expect.objectContaining({ schoolId: 's3', reportsDue: 2, medianDaysToReturn: 20 }),
    ]);
  });

  it.each([
    [{ to: '2023-04-30' }, 'query.from'],
    [{ from: '2023-04-31', to: '2023-05-01' }, 'query.from'],
    [{ from: '2023-04-30', to: '2023-04-01' }, 'query.to'],
    [{ from: '2022-01-01', to: '2023-04-30' }, 'query.to'],
    [{ from: '2023/04/01', to: '2023-04-30' }, 'query.from'],
  ])('400 naming the field for %o', async (query, field) => {
    const res = await w.call({ method: 'GET', path: '/api/statistics', as: who.office, query });

    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { field: string }) => i.field)).toContain(field);
  });

  it('404 for an unknown township', async () => {
    const res = await w.call({
      method: 'GET',
      path: '/api/statistics',
      as: who.office,
      query: { ...april, townshipId: 'zz' },
    });
    expect(res.status).toBe(404);
  });
});

describe('GET /api/statistics/open-cases on the seeded April 2023 data set', () => {
  let w: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    w = await setUp('wire-open-cases', '2023-05-02T04:00:00Z');
    await storeFacts(w.doc, w.tableName, seed(), {
      schools: { 'ml-school': 's1', 'ml-second': 's2', 'sj-school': 's3' },
      townships: { maling: 'ta', shuangjiang: 'tb' },
    });
  });

  /** The open cases the office lists (every page), counted per state: what the keys-only count must match. */
  async function listedByState(query: Record<string, string> = {}) {
    const counts: Record<string, number> = {};
    let cursor: string | undefined;
    do {
      const page = await w.call({
        method: 'GET',
        path: '/api/cases',
        as: who.office,
        query: { ...query, ...(cursor ? { cursor } : {}) },
      });
      for (const c of page.body.cases as { state: string }[]) counts[c.state] = (counts[c.state] ?? 0) + 1;
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    return counts;
  }
  const nonZero = (byState: Record<string, number>) =>
    Object.fromEntries(Object.entries(byState).filter(([, n]) => n > 0));

  it('the office: every open state with a count (0 included), the same figures as the open case list', async () => {
    const res = await w.call({ method: 'GET', path: '/api/statistics/open-cases', as: who.office });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.byState)).toEqual(['opened', 'persuading', 'notice-issued', 'lapsed', 'escalated']);
    const listed = await listedByState();
    expect(nonZero(res.body.byState)).toEqual(listed);
    expect(res.body.total).toBe(Object.values(listed).reduce((a, b) => a + b, 0));
    expect(res.body.total).toBeGreaterThan(0);
    expect(res.body.schools).toBe(3);
  });

  it('a township contact counts their township only; a head their school; outside the scope 403, unknown 404', async () => {
    const contact = await w.call({ method: 'GET', path: '/api/statistics/open-cases', as: who.contactA });
    expect(contact.body.schools).toBe(2);
    expect(nonZero(contact.body.byState)).toEqual(await listedByState({ townshipId: 'ta' }));
    const head = await w.call({ method: 'GET', path: '/api/statistics/open-cases', as: who.headS3 });
    expect(head.body.schools).toBe(1);
    expect(nonZero(head.body.byState)).toEqual(await listedByState({ schoolId: 's3' }));
    const outside = await w.call({
      method: 'GET',
      path: '/api/statistics/open-cases',
      as: who.contactA,
      query: { townshipId: 'tb' },
    });
    expect(outside.status).toBe(403);
    const unknown = await w.call({
      method: 'GET',
      path: '/api/statistics/open-cases',
      as: who.office,
      query: { schoolId: 'zz' },
    });
    expect(unknown.status).toBe(404);
    const stray = await w.call({
      method: 'GET',
      path: '/api/statistics/open-cases',
      as: who.office,
      query: { from: '2023-04-01' },
    });
    expect(stray.status).toBe(400);
  });
});

describe('GET /api/exports/ledgers', () => {
  let w: Awaited<ReturnType<typeof setUp>>;
  let caseS1: string;
  beforeAll(async () => {
    w = await setUp('wire-export');
    caseS1 = (await openCase(w.call, 's1', who.headS1)).id;
    await openCase(w.call, 's3', who.headS3, { studentName: '测试学生乙乡' });
  });

  it('a township contact gets a masked CSV of their township only; the export is in the read audit', async () => {
    const res = await w.call({ method: 'GET', path: '/api/exports/ledgers', as: who.contactA });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(
      "filename*=UTF-8''%E8%BE%8D%E5%AD%A6%E5%AD%A6%E7%94%9F%E8%8A%B1%E5%90%8D%E5%86%8C-2026-03-10.csv",
    );
    const lines = (res.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('测****明');
    expect(lines[1]).not.toContain('测试学生小明');
    expect(lines[1]).toContain('—');
    expect(res.body).not.toContain('13800000901');
    const audit = await new DynamoAuditLog(w.doc, w.tableName).listForCase(caseS1);
    expect(audit).toContainEqual(
      expect.objectContaining({ personId: 'contact-a', action: 'export-ledger', sensitive: false }),
    );
  });

  it('the school head and the office get full names and the 建档立卡 flag', async () => {
    const head = await w.call({
      method: 'GET',
      path: '/api/exports/ledgers',
      as: who.headS1,
      query: { ledger: 'cases' },
    });
    const office = await w.call({ method: 'GET', path: '/api/exports/ledgers', as: who.office });

    expect(head.body).toContain('测试学生小明');
    expect(head.body).not.toContain('测试学生乙乡');
    expect(office.body).toContain('测试学生小明');
    expect(office.body).toContain('测试学生乙乡');
    expect(office.body).toContain(',是,');
  });

  it('XLSX comes base64-encoded and reads back with both ledgers', async () => {
    const res = await w.call({
      method: 'GET',
      path: '/api/exports/ledgers',
      as: who.office,
      query: { ledger: 'all', format: 'xlsx' },
    });

    expect(res.status).toBe(200);
    expect(res.raw.isBase64Encoded).toBe(true);
    const sheets = await readXlsx(Buffer.from(res.raw.body, 'base64'));
    expect(sheets.map((s) => s.title)).toEqual(['辍学学生花名册', '控辍保学案件台账']);
    expect(sheets[0]!.rows).toHaveLength(3);
    expect(sheets[1]!.rows.flat()).toContain('测试学生乙乡');
  });

  it('teachers may not export (403); a CSV of both ledgers is a 400 naming the field', async () => {
    const teacher = await w.call({ method: 'GET', path: '/api/exports/ledgers', as: who.teacherS1 });
    const both = await w.call({
      method: 'GET',
      path: '/api/exports/ledgers',
      as: who.office,
      query: { ledger: 'all' },
    });

    expect(teacher.status).toBe(403);
    expect(both.status).toBe(400);
    expect(both.body.error.issues[0].field).toBe('query.ledger');
  });
});

describe('PATCH /api/cases/:caseId', () => {
  let w: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    w = await setUp('wire-patch');
  });

  const patch = (id: string, as: Principal, body: unknown) =>
    w.call({ method: 'PATCH', path: `/api/cases/${id}`, as, body });

  it('the head corrects the guardian mobile and 去向; the change is on the timeline with the phone masked', async () => {
    const c = await openCase(w.call, 's1', who.headS1, { studentRef: 'TEST-XJ-P1' });

    const res = await patch(c.id, who.headS1, {
      version: c.version,
      guardianPhone: '+8613800000902',
      whereabouts: '广东佛山',
    });

    expect(res.status).toBe(200);
    expect(res.body.changed).toEqual(['guardianPhone', 'whereabouts']);
    expect(res.body.case).toMatchObject({ version: c.version + 1, guardian: { phone: '+8613800000902' } });
    const timeline = await w.call({ method: 'GET', path: `/api/cases/${c.id}/timeline`, as: who.office });
    const updated = timeline.body.timeline.find((i: { type: string }) => i.type === 'updated');
    expect(updated.data.before.guardianPhone).toBe('138****0901');
    expect(JSON.stringify(updated)).not.toContain('13800000902');
  });

  it('office may, another school’s head may not (403); a teacher of the school may not (403)', async () => {
    const c = await openCase(w.call, 's1', who.headS1, { studentRef: 'TEST-XJ-P2' });

    expect((await patch(c.id, who.headS3, { version: c.version, reason: '测试' })).status).toBe(403);
    expect((await patch(c.id, who.teacherS1, { version: c.version, reason: '测试' })).status).toBe(403);
    expect((await patch(c.id, who.office, { version: c.version, reason: '家庭经济困难' })).status).toBe(200);
  });

  it('409 on a stale version and on a closed case; 400 on a bad phone or a teacher of another school', async () => {
    const c = await openCase(w.call, 's1', who.headS1, { studentRef: 'TEST-XJ-P3' });
    await patch(c.id, who.headS1, { version: c.version, guardianName: '测试家长乙' });

    const stale = await patch(c.id, who.headS1, { version: c.version, guardianName: '测试家长丙' });
    const badPhone = await patch(c.id, who.headS1, { version: c.version + 1, guardianPhone: '13800000902' });
    const teacher = await patch(c.id, who.headS1, {
      version: c.version + 1,
      responsibleTeacher: { personId: 'head-s3', name: '测试' },
    });
    const missing = await patch(c.id, who.headS1, { guardianName: '测试' });
    await w.call({
      method: 'POST',
      path: `/api/cases/${c.id}/return`,
      as: who.headS1,
      body: { returnedOn: '2026-03-10' },
    });
    const closed = await patch(c.id, who.headS1, { version: c.version + 2, guardianName: '测试家长丁' });

    expect(stale.status).toBe(409);
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.issues[0].field).toBe('body.guardianPhone');
    expect(teacher.status).toBe(400);
    expect(teacher.body.error.issues[0].field).toBe('responsibleTeacher.personId');
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues[0].field).toBe('body.version');
    expect(closed.status).toBe(409);
    expect(closed.body.error.message).toContain('case: update from returned');
  });
});

describe('GET /api/templates/:kind', () => {
  it('hands out the blank directory, roll and register templates as XLSX, and 404s an unknown kind', async () => {
    const w = await setUp('wire-template');

    const directory = await w.call({ method: 'GET', path: '/api/templates/directory', as: who.office });
    const roll = await w.call({ method: 'GET', path: '/api/templates/roll', as: who.headS1 });
    const unknown = await w.call({ method: 'GET', path: '/api/templates/other', as: who.office });

    expect(directory.status).toBe(200);
    expect(directory.headers['content-disposition']).toContain('baoxue-directory-template.xlsx');
    const sheets = await readXlsx(Buffer.from(directory.raw.body, 'base64'));
    expect(sheets.map((s) => s.title)).toEqual([
      '说明',
      '领导小组',
      '责任学校一览表',
      '学校名单',
      '乡镇政府联系人',
      '其他人员',
    ]);
    expect(sheets.find((s) => s.title === '学校名单')?.rows).toEqual([
      [
        '学校ID',
        '学校名称',
        '类型',
        '乡镇ID',
        '上级学校ID',
        '学校电话',
        '校长ID',
        '校长姓名',
        '校长职务',
        '校长手机号',
      ],
    ]);
    const rollSheets = await readXlsx(Buffer.from(roll.raw.body, 'base64'));
    expect(rollSheets[0]?.rows[0]).toContain('身份证号');
    const register = await w.call({ method: 'GET', path: '/api/templates/register', as: who.contactA });
    expect(register.headers['content-disposition']).toContain('baoxue-register-template.xlsx');
    const registerSheets = await readXlsx(Buffer.from(register.raw.body, 'base64'));
    expect(registerSheets.map((s) => [s.title, s.rows])).toEqual([
      [
        '适龄儿童户籍名单',
        [
          [
            '乡镇ID',
            '村（社区）',
            '姓名',
            '性别',
            '出生日期',
            '身份证号',
            '监护人',
            '联系电话',
            '户籍地址',
            '脱贫户',
            '残疾',
          ],
        ],
      ],
    ]);
    expect(unknown.status).toBe(404);
  });
});
