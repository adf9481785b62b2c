import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { cstDate } from '../../shared/domain/time.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { openCaseBody, who } from '../support/api-world.ts';
import { importFlaggedRoll } from '../support/flagged-roll.ts';

/**
 * `GET /api/followup/due?group=`: the visits of plans whose stored priority groups (copied from the case, refreshed
 * at a roll import) hold the group; no 大家访 households under a filter; 脱贫户 only for the office and the school
 * (R9). Known answers: the roll flags each pupil; 甲 乙 丙 return (保学 plans), 丁 gets a 送教上门 plan on its open
 * case, a second 送教上门 plan has no case; 戊 returns at s3.
 */

const S1 = [
  { ref: 'G100000000000000001', name: '测试学生甲', flags: ['留守', '残疾'] },
  { ref: 'G100000000000000002', name: '测试学生乙', flags: ['脱贫户', '留守'] },
  { ref: 'G100000000000000003', name: '测试学生丙', flags: ['随迁'] },
  { ref: 'G100000000000000004', name: '测试学生丁', flags: [] as string[] },
];
const S3 = [{ ref: 'G300000000000000001', name: '测试学生戊', flags: ['留守'] }];
const RANGE = { from: '2026-03-01', to: '2026-06-30' };

type Role = keyof typeof who;
const ROLES = Object.keys(who) as Role[];
/** Who reads s1's due list, and who may see 脱贫户 there. */
const READS_S1: Role[] = ['office', 'leaderA', 'contactA', 'headS1', 'teacherS1', 'teacherS1b'];
const SENSITIVE_S1: Role[] = ['office', 'headS1', 'teacherS1', 'teacherS1b'];

interface Row {
  planId: string;
  no: number;
  kind: string;
  priorityGroups: string[];
}

describe('follow-up due list ?group= (stored priority groups of the plans)', () => {
  let w: Awaited<ReturnType<typeof apiCallerWorld>>;
  let dir: string;
  const cases: Record<string, string> = {};
  const plans: Record<string, string> = {};

  const importRollOf = (schoolId: string, pupils: typeof S1) =>
    importFlaggedRoll(w, dir, schoolId, pupils, { plans: true });
  const open = async (as: Principal, schoolId: string, p: { ref: string; name: string }) => {
    const res = await w.call({
      method: 'POST',
      path: '/api/cases',
      as,
      body: {
        ...openCaseBody(schoolId, schoolId === 's1' ? 'teacher-s1' : 'head-s3'),
        studentName: p.name,
        studentRef: p.ref,
        // 脱贫户 only from the roll (the default body declares it).
        povertyRegistered: false,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.case.id as string;
  };
  const returnCase = async (as: Principal, caseId: string) => {
    const res = await w.call({
      method: 'POST',
      path: `/api/cases/${caseId}/return`,
      as,
      body: { returnedOn: cstDate(w.clock.now()) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const of = await new DynamoFollowUpRepository(w.doc, w.tableName).plansOfCase(caseId);
    expect(of).toHaveLength(1);
    return of[0]!.id;
  };
  const sendTeaching = async (extra: Record<string, unknown>, key: string) => {
    const res = await w.call({
      method: 'POST',
      path: '/api/followup/send-teaching-plans',
      as: who.headS1,
      headers: { 'idempotency-key': key },
      body: {
        schoolId: 's1',
        teacherIds: ['teacher-s1'],
        content: '生活自理与语文识字训练',
        from: '2026-03-11',
        to: '2026-06-30',
        ...extra,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.plan.id as string;
  };
  const due = (as: Principal, query: Record<string, string>, schoolId = 's1') =>
    w.raw({ method: 'GET', path: '/api/followup/due', as, query: { schoolId, ...RANGE, ...query } });
  const rowsOf = (text: string) => (JSON.parse(text).visits ?? []) as Row[];
  const planIdsOf = (text: string) => [...new Set(rowsOf(text).map((r) => r.planId))].sort();

  beforeAll(async () => {
    w = await apiCallerWorld('fugroups');
    dir = mkdtempSync(join(tmpdir(), 'baoxue-fugroups-'));
    expect((await importRollOf('s1', S1)).casesRegrouped).toBe(0);
    await importRollOf('s3', S3);
    for (const [i, p] of S1.entries()) cases['甲乙丙丁'[i]!] = await open(who.headS1, 's1', p);
    cases.戊 = await open(who.headS3, 's3', S3[0]!);
    for (const k of ['甲', '乙', '丙']) plans[k] = await returnCase(who.headS1, cases[k]!);
    plans.戊 = await returnCase(who.headS3, cases.戊!);
    plans.丁 = await sendTeaching({ caseId: cases.丁 }, 'st-groups-0001');
    plans.无案 = await sendTeaching({ studentName: '测试学生庚' }, 'st-groups-0002');
    const campaign = await w.call({
      method: 'POST',
      path: '/api/followup/campaigns',
      as: who.headS1,
      headers: { 'idempotency-key': 'camp-groups-0001' },
      body: {
        windowId: '2026-summer-before',
        schoolId: 's1',
        households: [{ ref: 'xj-001', studentName: '测试家访甲', teacherId: 'teacher-s1' }],
      },
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plans carry their case groups: 保学 plans from the returned case, 送教上门 from its case, none without one', async () => {
    const repo = new DynamoFollowUpRepository(w.doc, w.tableName);
    const groups = async (k: string) => (await repo.getPlan(plans[k]!))!.plan.priorityGroups;
    expect(await groups('甲')).toEqual(['残疾', '留守']);
    expect(await groups('乙')).toEqual(['脱贫户', '留守']);
    expect(await groups('丙')).toEqual(['随迁']);
    expect(await groups('丁')).toEqual([]);
    expect(await groups('无案')).toBeUndefined();
    expect(await groups('戊')).toEqual(['留守']);
  });

  it('?group=留守 returns exactly the visits of 甲 and 乙 at s1 (as in the full list), no households', async () => {
    const full = await due(who.office, {});
    expect(full.status).toBe(200);
    const all = JSON.parse(full.text);
    expect(all.households).toHaveLength(1);
    expect(planIdsOf(full.text)).toEqual(['甲', '乙', '丙', '丁', '无案'].map((k) => plans[k]!).sort());
    const res = await due(who.office, { group: '留守' });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text);
    expect(body.households).toEqual([]);
    const wanted = new Set([plans.甲, plans.乙]);
    expect(planIdsOf(res.text)).toEqual([...wanted].sort());
    expect(body.visits).toEqual(all.visits.filter((r: Row) => wanted.has(r.planId)));
    expect(body.visits.length).toBeGreaterThanOrEqual(2);
    // The other groups: 随迁 丙; 残疾 甲; 孤儿 nobody.
    expect(planIdsOf((await due(who.office, { group: '随迁' })).text)).toEqual([plans.丙]);
    expect(planIdsOf((await due(who.office, { group: '残疾' })).text)).toEqual([plans.甲]);
    expect(rowsOf((await due(who.office, { group: '孤儿' })).text)).toEqual([]);
    // s3: 戊.
    expect(planIdsOf((await due(who.office, { group: '留守' }, 's3')).text)).toEqual([plans.戊]);
  });

  it('?group=留守 for every role: its scope, a teacher only their own plans, outside the scope 403', async () => {
    const expected: Partial<Record<Role, string[]>> = {
      office: [plans.甲!, plans.乙!],
      leaderA: [plans.甲!, plans.乙!],
      contactA: [plans.甲!, plans.乙!],
      headS1: [plans.甲!, plans.乙!],
      teacherS1: [plans.甲!, plans.乙!],
      teacherS1b: [],
    };
    for (const role of ROLES) {
      const res = await due(who[role], { group: '留守' });
      if (READS_S1.includes(role)) {
        expect(res.status, role).toBe(200);
        expect(planIdsOf(res.text), role).toEqual(expected[role]!.sort());
        if (!SENSITIVE_S1.includes(role)) expect(res.text, role).not.toContain('脱贫户');
      } else {
        expect(res.status, role).toBe(403);
        expect(res.text, role).not.toContain('脱贫户');
      }
    }
    // 乙's groups: with 脱贫户 for the office, without it for 包片领导 and 包乡镇人员.
    const groupsOf乙 = async (as: Principal) =>
      rowsOf((await due(as, { group: '留守' })).text).find((r) => r.planId === plans.乙)?.priorityGroups;
    expect(await groupsOf乙(who.office)).toEqual(['脱贫户', '留守']);
    expect(await groupsOf乙(who.leaderA)).toEqual(['留守']);
    expect(await groupsOf乙(who.contactA)).toEqual(['留守']);
    // A teacher of another school (s1's teacher on s3) and s3's head on s1: 403.
    expect((await due(who.teacherS1, { group: '留守' }, 's3')).status).toBe(403);
    expect((await due(who.headS3, { group: '留守' })).status).toBe(403);
    expect(planIdsOf((await due(who.headS3, { group: '留守' }, 's3')).text)).toEqual([plans.戊]);
  });

  it('?group=脱贫户: the office and the school get 乙; 包片领导 and 包乡镇人员 403 without naming it', async () => {
    for (const role of ROLES) {
      const res = await due(who[role], { group: '脱贫户' });
      if (SENSITIVE_S1.includes(role)) {
        expect(res.status, role).toBe(200);
        expect(planIdsOf(res.text), role).toEqual(role === 'teacherS1b' ? [] : [plans.乙]);
      } else {
        expect(res.status, role).toBe(403);
        expect(res.text, role).not.toContain('脱贫户');
        if (['leaderA', 'contactA', 'contactB'].includes(role))
          expect(JSON.parse(res.text).error.message, role).toMatch(/无权按该重点群体筛选/);
      }
    }
    // Without a filter the leaders' and contacts' lists never name it either.
    for (const role of ['leaderA', 'contactA'] as Role[]) {
      const res = await due(who[role], {});
      expect(res.status, role).toBe(200);
      expect(res.text, role).not.toContain('脱贫户');
    }
  });

  it('hostile ?group: empty, markup, several, unknown, spaces, too long → 400 naming query.group; nothing echoed', async () => {
    // Several: `group=留守&group=残疾` reaches the handler joined by a comma (API Gateway, the local server).
    for (const group of ['', '<script>alert(1)</script>', '留守,残疾', '贫困户', ' '.repeat(3)]) {
      for (const role of ['office', 'contactA', 'teacherS1'] as Role[]) {
        const res = await due(who[role], { group });
        expect(res.status, `${role} ${group}`).toBe(400);
        expect(JSON.stringify(JSON.parse(res.text).error), group).toContain('query.group');
        expect(res.text).not.toContain('<script>');
        if (group.trim() && role === 'contactA') expect(res.text).not.toContain('脱贫户');
      }
    }
    expect((await due(who.office, { group: '留'.repeat(500) })).status).toBe(400);
  });

  it('a roll import that flags 丁 as 留守 refreshes its open case and its 送教上门 plan: the filter then lists it', async () => {
    const flagged = S1.map((p) => (p.name === '测试学生丁' ? { ...p, flags: ['留守'] } : p));
    expect((await importRollOf('s1', flagged)).casesRegrouped).toBe(1);
    const plan = await new DynamoFollowUpRepository(w.doc, w.tableName).getPlan(plans.丁!);
    expect(plan!.plan.priorityGroups).toEqual(['留守']);
    const res = await due(who.headS1, { group: '留守' });
    expect(planIdsOf(res.text)).toEqual([plans.甲!, plans.乙!, plans.丁!].sort());
    // Its visits go on as before (the write kept them).
    expect(plan!.visits.every((v) => v.status === 'planned')).toBe(true);
    // Importing the same roll again writes nothing.
    expect((await importRollOf('s1', flagged)).casesRegrouped).toBe(0);
  });
});
