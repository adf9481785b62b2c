import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildAggregates } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import type { Case } from '../../shared/domain/case.ts';
import { groupsOfCase, priorityFlags } from '../../shared/domain/priority-groups.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { cstDate } from '../../shared/domain/time.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { openCaseBody, who } from '../support/api-world.ts';
import { importFlaggedRoll } from '../support/flagged-roll.ts';

/**
 * Priority groups from the rolls on cases, lists and statistics (R9: 脱贫户 only for the office and the pupil's
 * school). Known answers: the roll below flags each pupil; the cases opened for them must carry exactly those groups.
 */

/** s1's pupils: ref, name, roll flags. 甲 gets a case before the roll is imported. */
const S1 = [
  { ref: 'G100000000000000001', name: '测试学生甲', flags: ['留守', '残疾'] },
  { ref: 'G100000000000000002', name: '测试学生乙', flags: ['脱贫户', '留守'] },
  { ref: 'G100000000000000003', name: '测试学生丙', flags: ['随迁'] },
  { ref: 'G100000000000000004', name: '测试学生丁', flags: [] },
];
const S3 = [{ ref: 'G300000000000000001', name: '测试学生戊', flags: ['留守'] }];

type Role = keyof typeof who;
const ROLES = Object.keys(who) as Role[];
/** Who may see 脱贫户 (canSeeSensitive somewhere in their scope): the office and the schools' own staff. */
const SENSITIVE: Role[] = ['office', 'headS1', 'headS3', 'teacherS1', 'teacherS1b'];

describe('priority groups: cases carry their roll groups, lists filter and statistics split by them', () => {
  let w: Awaited<ReturnType<typeof apiCallerWorld>>;
  let dir: string;
  const ids: Record<string, string> = {};

  const importRollOf = (schoolId: string, pupils: typeof S1) => importFlaggedRoll(w, dir, schoolId, pupils);
  const open = async (as: Principal, schoolId: string, p: { ref?: string; name: string }, poverty = false) => {
    const res = await w.call({
      method: 'POST',
      path: '/api/cases',
      as,
      body: {
        ...openCaseBody(schoolId, schoolId === 's1' ? 'teacher-s1' : 'head-s3'),
        studentName: p.name,
        ...(p.ref ? { studentRef: p.ref } : {}),
        povertyRegistered: poverty,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.case as Case & { masked: boolean };
  };
  const list = (as: Principal, query: Record<string, string>) =>
    w.raw({ method: 'GET', path: '/api/cases', as, query });
  const idsOf = (text: string) => ((JSON.parse(text).cases ?? []) as { id: string }[]).map((c) => c.id).sort();

  beforeAll(async () => {
    w = await apiCallerWorld('groups');
    dir = mkdtempSync(join(tmpdir(), 'baoxue-groups-'));
    // 甲 before any roll: no groups yet.
    const early = await open(who.headS1, 's1', S1[0]!);
    expect(early.priorityGroups).toEqual([]);
    ids.甲 = early.id;
    const r1 = await importRollOf('s1', S1);
    expect(r1.casesRegrouped).toBe(1);
    const r3 = await importRollOf('s3', S3);
    expect(r3.casesRegrouped).toBe(0);
    ids.乙 = (await open(who.headS1, 's1', S1[1]!)).id;
    ids.丙 = (await open(who.headS1, 's1', S1[2]!)).id;
    ids.丁 = (await open(who.headS1, 's1', S1[3]!)).id;
    // On no roll, declared 脱贫户 by the school.
    ids.己 = (await open(who.headS1, 's1', { name: '测试学生己' }, true)).id;
    ids.戊 = (await open(who.headS3, 's3', S3[0]!)).id;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a case opened before the roll import gets its groups from it; later cases open with theirs', async () => {
    const repo = new DynamoCaseRepository(w.doc, w.tableName);
    const stored = async (k: string) => (await repo.getCase(ids[k]!))!;
    expect((await stored('甲')).priorityGroups).toEqual(['残疾', '留守']);
    // 脱贫户 from the roll makes povertyRegistered consistent with it.
    expect(await stored('乙')).toMatchObject({ priorityGroups: ['脱贫户', '留守'], povertyRegistered: true });
    expect((await stored('丙')).priorityGroups).toEqual(['随迁']);
    expect((await stored('丁')).priorityGroups).toEqual([]);
    expect(await stored('己')).toMatchObject({ priorityGroups: ['脱贫户'], povertyRegistered: true });
    expect((await stored('戊')).priorityGroups).toEqual(['留守']);
    // A re-import of the same roll changes nothing.
    expect((await importRollOf('s1', S1)).casesRegrouped).toBe(0);
  });

  it('?group=留守 returns exactly the known cases for every role in its scope', async () => {
    const expected: Record<Role, string[]> = {
      office: [ids.甲!, ids.乙!, ids.戊!],
      leaderA: [ids.甲!, ids.乙!],
      contactA: [ids.甲!, ids.乙!],
      contactB: [ids.戊!],
      headS1: [ids.甲!, ids.乙!],
      headS3: [ids.戊!],
      teacherS1: [ids.甲!, ids.乙!],
      teacherS1b: [],
    };
    for (const role of ROLES) {
      const res = await list(who[role], { group: '留守' });
      expect(res.status, role).toBe(200);
      expect(idsOf(res.text), role).toEqual(expected[role].sort());
      if (!SENSITIVE.includes(role)) expect(res.text, role).not.toContain('脱贫户');
    }
    // The office sees 乙's 脱贫户 among the groups; 包乡镇人员 the other groups only, and no povertyRegistered.
    const office = JSON.parse((await list(who.office, { group: '留守' })).text).cases as Case[];
    expect(office.find((c) => c.id === ids.乙)).toMatchObject({ priorityGroups: ['脱贫户', '留守'] });
    const contact = JSON.parse((await list(who.contactA, { group: '留守' })).text).cases as Case[];
    expect(contact.find((c) => c.id === ids.乙)?.priorityGroups).toEqual(['留守']);
    expect(contact.find((c) => c.id === ids.乙)).not.toHaveProperty('povertyRegistered');
  });

  it('?group=脱贫户: the office and the school get their cases; leaders and township contacts get 403', async () => {
    const expected: Partial<Record<Role, string[]>> = {
      office: [ids.乙!, ids.己!],
      headS1: [ids.乙!, ids.己!],
      teacherS1: [ids.乙!, ids.己!],
      teacherS1b: [],
      headS3: [],
    };
    for (const role of ROLES) {
      const res = await list(who[role], { group: '脱贫户' });
      if (SENSITIVE.includes(role)) {
        expect(res.status, role).toBe(200);
        expect(idsOf(res.text), role).toEqual(expected[role]!.sort());
      } else {
        expect(res.status, role).toBe(403);
        expect(JSON.parse(res.text).error.message, role).toMatch(/无权按该重点群体筛选/);
        expect(res.text, role).not.toContain('脱贫户');
      }
    }
    // Without a filter: the same cases, 脱贫户 only for the sensitive scope.
    for (const role of ['leaderA', 'contactA', 'contactB'] as Role[]) {
      const res = await list(who[role], { state: 'all' });
      expect(res.status).toBe(200);
      expect(res.text, role).not.toContain('脱贫户');
      const detail = await w.raw({ method: 'GET', path: `/api/cases/${ids.乙}`, as: who[role] });
      expect(detail.text, role).not.toContain('脱贫户');
    }
  });

  it('the ledgers export keeps one group; 脱贫户 refused to a township contact', async () => {
    const roster = await w.raw({
      method: 'GET',
      path: '/api/exports/ledgers',
      as: who.office,
      query: { group: '留守' },
    });
    expect(roster.status).toBe(200);
    for (const p of [S1[0]!, S1[1]!, S3[0]!]) expect(roster.text).toContain(p.name);
    for (const p of [S1[2]!, S1[3]!]) expect(roster.text).not.toContain(p.name);
    const poor = await w.raw({
      method: 'GET',
      path: '/api/exports/ledgers',
      as: who.headS1,
      query: { group: '脱贫户' },
    });
    expect(poor.status).toBe(200);
    expect(poor.text).toContain(S1[1]!.name);
    expect(poor.text).toContain('测试学生己');
    expect(poor.text).not.toContain(S1[0]!.name);
    const refused = await w.raw({
      method: 'GET',
      path: '/api/exports/ledgers',
      as: who.contactA,
      query: { group: '脱贫户' },
    });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain('脱贫户');
  });

  it('hostile ?group: empty, markup, several, unknown → 400 naming group; nothing echoed', async () => {
    for (const group of ['', '<script>alert(1)</script>', '留守,残疾', '贫困户', ' '.repeat(3)]) {
      for (const role of ['office', 'contactA'] as Role[]) {
        const res = await list(who[role], { group });
        expect(res.status, `${role} ${group}`).toBe(400);
        const body = JSON.parse(res.text);
        expect(JSON.stringify(body.error), group).toContain('query.group');
        expect(res.text).not.toContain('<script>');
        // The groups a caller may use are listed; 脱贫户 not for a township contact.
        if (group.trim() && role === 'contactA') expect(res.text).not.toContain('脱贫户');
        if (group.trim() && role === 'office') expect(res.text).toContain('脱贫户');
      }
    }
    const long = await list(who.office, { group: '留'.repeat(500) });
    expect(long.status).toBe(400);
  });

  it('statistics per group equal a recount of the cases; 脱贫户 counts only where the caller may see them', async () => {
    // 丙 returns: one 随迁 case returned and closed.
    const returned = await w.call({
      method: 'POST',
      path: `/api/cases/${ids.丙}/return`,
      as: who.headS1,
      body: { returnedOn: cstDate(w.clock.now()) },
    });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    // No stream poller in this world: the rebuild (as the CLI runs it) recounts every case item.
    await rebuildAggregates(w.doc, w.tableName);
    const range = { from: '2026-03-01', to: '2026-03-31' };
    const repo = new DynamoCaseRepository(w.doc, w.tableName);
    const recount = async (schoolIds: string[]) => {
      const cases = (await Promise.all(schoolIds.map((s) => repo.listBySchool(s)))).flat();
      const inRange = (iso?: string) =>
        iso !== undefined && cstDate(new Date(iso)) >= range.from && cstDate(new Date(iso)) <= range.to;
      return priorityFlags.map((group) => {
        const of = cases.filter((c) => groupsOfCase(c).includes(group));
        return {
          group,
          casesOpened: of.filter((c) => inRange(c.openedAt)).length,
          casesReturned: of.filter((c) => c.state === 'returned' && inRange(c.closedAt)).length,
          casesClosed: of.filter((c) => inRange(c.closedAt)).length,
          casesOpenAtEnd: of.filter((c) => !c.closedAt).length,
        };
      });
    };
    const stats = async (role: Role) => {
      const res = await w.raw({ method: 'GET', path: '/api/statistics', as: who[role], query: range });
      expect(res.status, role).toBe(200);
      return { text: res.text, body: JSON.parse(res.text) };
    };
    const office = await stats('office');
    const s1 = office.body.schools.find((s: { schoolId: string }) => s.schoolId === 's1');
    expect(s1.groups).toEqual(await recount(['s1']));
    // Known answers too: 留守 甲 乙 open; 随迁 丙 returned; 脱贫户 乙 己.
    expect(s1.groups.find((g: { group: string }) => g.group === '留守')).toMatchObject({
      casesOpened: 2,
      casesOpenAtEnd: 2,
    });
    expect(s1.groups.find((g: { group: string }) => g.group === '随迁')).toMatchObject({
      casesOpened: 1,
      casesReturned: 1,
      casesClosed: 1,
      casesOpenAtEnd: 0,
    });
    const ta = office.body.townships.find((t: { townshipId: string }) => t.townshipId === 'ta');
    expect(ta.groups).toEqual(await recount(['s1', 's2']));
    expect(office.body.county.groups).toEqual(await recount(['s1', 's2', 's3']));

    // 包片领导 and 包乡镇人员: the other groups, the same figures, never 脱贫户.
    for (const role of ['leaderA', 'contactA', 'contactB'] as Role[]) {
      const { text, body } = await stats(role);
      expect(text, role).not.toContain('脱贫户');
      for (const row of [...body.townships, ...body.schools]) {
        const all = await recount(row.schoolId ? [row.schoolId] : row.townshipId === 'ta' ? ['s1', 's2'] : ['s3']);
        expect(row.groups, role).toEqual(all.filter((g) => g.group !== '脱贫户'));
      }
    }
    // The school's head sees its own 脱贫户 count.
    const head = await stats('headS1');
    expect(head.body.schools.map((s: { groups: unknown }) => s.groups)).toEqual([await recount(['s1'])]);
  });
});
