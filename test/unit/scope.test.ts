import { describe, expect, it } from 'vitest';
import type { Person } from '../../shared/domain/directory.ts';
import {
  apiRoles,
  assignedToPlan,
  canRead,
  canReadPlan,
  canReadTownship,
  canSeeSensitive,
  canWrite,
  capabilities,
  managesSchool,
  mayExportLedgers,
  type Place,
  type Principal,
  principalOf,
  seesPlanNames,
  seesSchoolFigures,
  viewForCaller,
  writeActions,
} from '../../shared/domain/scope.ts';

// Two areas, each with a township, each with schools: A/ta/s1, A/ta/s2, B/tb/s3.
const places: Record<string, Place> = {
  s1: { schoolId: 's1', townshipId: 'ta', areaId: 'A' },
  s2: { schoolId: 's2', townshipId: 'ta', areaId: 'A' },
  s3: { schoolId: 's3', townshipId: 'tb', areaId: 'B' },
};

const principals: Record<string, Principal> = {
  office: { personId: 'o', role: 'office' },
  leaderA: { personId: 'l', role: 'leader', areaId: 'A' },
  contactA: { personId: 'c', role: 'township-contact', townshipId: 'ta', areaId: 'A' },
  headS1: { personId: 'h', role: 'school-head', schoolId: 's1' },
  teacherS1: { personId: 't', role: 'teacher', schoolId: 's1' },
};

/** Expected read access: which schools each principal reads (teachers: only their own cases, checked below). */
const reads: Record<string, string[]> = {
  office: ['s1', 's2', 's3'],
  leaderA: ['s1', 's2'],
  contactA: ['s1', 's2'],
  headS1: ['s1'],
  teacherS1: [],
};

describe('scope: reading', () => {
  for (const [who, p] of Object.entries(principals))
    for (const [school, place] of Object.entries(places))
      it(`${who} ${reads[who]!.includes(school) ? 'reads' : 'does not read'} ${school}`, () => {
        expect(canRead(p, place)).toBe(reads[who]!.includes(school));
      });

  it('a teacher reads the cases they are responsible for at their school, and no other', () => {
    const t = principals.teacherS1!;
    expect(canRead(t, places.s1!, 't')).toBe(true);
    expect(canRead(t, places.s1!, 'someone-else')).toBe(false);
    expect(canRead(t, places.s2!, 't')).toBe(false);
  });

  it('township boards: office all, leader their area, contact their township, schools none', () => {
    const tb = { townshipId: 'tb', areaId: 'B' };
    const ta = { townshipId: 'ta', areaId: 'A' };
    expect([canReadTownship(principals.office!, tb), canReadTownship(principals.leaderA!, ta)]).toEqual([true, true]);
    expect(canReadTownship(principals.leaderA!, tb)).toBe(false);
    expect(canReadTownship(principals.contactA!, ta)).toBe(true);
    expect(canReadTownship(principals.contactA!, { townshipId: 'tc', areaId: 'A' })).toBe(false);
    expect(canReadTownship(principals.headS1!, ta)).toBe(false);
  });

  it('a principal missing the anchor of its role reads nothing', () => {
    const broken: Principal[] = [
      { personId: 'x', role: 'leader' },
      { personId: 'x', role: 'township-contact' },
      { personId: 'x', role: 'school-head' },
      { personId: 'x', role: 'teacher' },
    ];
    for (const p of broken) {
      expect(Object.values(places).some((pl) => canRead(p, pl, 'x'))).toBe(false);
      expect(writeActions.some((a) => canWrite(p, a, places.s1!, 'x'))).toBe(false);
    }
  });
});

describe('scope: changing', () => {
  for (const action of writeActions)
    for (const [who, p] of Object.entries(principals))
      for (const [school, place] of Object.entries(places)) {
        const allowed =
          who === 'office' ||
          (who === 'headS1' && school === 's1') ||
          (who === 'teacherS1' && school === 's1' && action === 'log-visit');
        it(`${who} ${allowed ? 'may' : 'may not'} ${action} at ${school}`, () => {
          expect(canWrite(p, action, place, p.personId)).toBe(allowed);
        });
      }

  it('a teacher may not log a visit on a case someone else is responsible for', () => {
    expect(canWrite(principals.teacherS1!, 'log-visit', places.s1!, 'other')).toBe(false);
  });
});

describe('scope: R9 sensitive fields', () => {
  const record = {
    ...places.s1!,
    studentName: '测试学生甲',
    guardian: { name: '测试家长', phone: '+8613800000001' },
    povertyRegistered: true,
  };

  it.each(apiRoles)('only the pupil school and the office see them (%s)', (role) => {
    const p = Object.values(principals).find((x) => x.role === role)!;
    expect(canSeeSensitive(p, places.s1!)).toBe(role === 'office' || role === 'school-head' || role === 'teacher');
    expect(canSeeSensitive(p, places.s3!)).toBe(role === 'office');
  });

  it('masks names and phone and drops the 脱贫户 flag for a township contact', () => {
    const view = viewForCaller(principals.contactA!, record);
    expect(view).toMatchObject({
      studentName: '测***甲',
      guardian: { name: '测**长', phone: '138****0001' },
      masked: true,
    });
    expect('povertyRegistered' in view).toBe(false);
  });

  it('masks the 学籍号 and scrubs reason and 去向 (known names, 学籍号, ID and mobile numbers) for every official outside', () => {
    const full = {
      ...record,
      studentRef: 'G450331200901011234',
      reason: '测试学生甲随父母外出，家长测试家长电话13800000002，学籍号G450331200901011234',
      whereabouts: '广东东莞，身份证450331200901011234',
    };
    for (const p of [principals.contactA!, principals.leaderA!]) {
      const view = viewForCaller(p, full);
      expect(view.studentRef).toBe('G4503**********1234');
      expect(view.reason).toBe('测***甲随父母外出，家长测**长电话138****0002，学籍号G4503**********1234');
      expect(view.whereabouts).toBe('广东东莞，身份证450331********1234');
      const text = JSON.stringify(view);
      for (const secret of ['测试学生甲', '测试家长', '13800000002', '200901011234'])
        expect(text, `${p.role} sees ${secret}`).not.toContain(secret);
    }
    expect(viewForCaller(principals.office!, full)).toMatchObject({ studentRef: full.studentRef, reason: full.reason });
    expect(viewForCaller(principals.headS1!, full).whereabouts).toBe(full.whereabouts);
  });

  it('shows everything to the school head', () => {
    const view = viewForCaller(principals.headS1!, record);
    expect(view).toMatchObject({ studentName: '测试学生甲', povertyRegistered: true, masked: false });
    expect(view.guardian.phone).toBe('+8613800000001');
  });
});

describe('principalOf: directory person → claims', () => {
  const org = {
    areas: [{ id: 'A', leaderId: 'leader' }],
    townships: [{ id: 'ta', areaId: 'A', contactIds: ['contact'] }],
    chiefId: 'chief',
    officeIds: ['office'],
  };
  const person = (id: string, roles: Person['roles'], extra: Partial<Person> = {}): Person => ({
    id,
    name: '测试人员',
    phone: '+8613800000009',
    roles,
    active: true,
    ...extra,
  });

  it('maps each directory role to its API role and anchor', () => {
    expect(principalOf(person('chief', ['chief']), org)).toMatchObject({ role: 'office' });
    expect(principalOf(person('office', ['member']), org)).toMatchObject({ role: 'office' });
    expect(principalOf(person('leader', ['area-leader']), org)).toMatchObject({ role: 'leader', areaId: 'A' });
    expect(principalOf(person('contact', ['township-contact']), org)).toMatchObject({
      role: 'township-contact',
      townshipId: 'ta',
      areaId: 'A',
    });
    expect(principalOf(person('h', ['school-head'], { schoolId: 's1' }), org)).toMatchObject({
      role: 'school-head',
      schoolId: 's1',
    });
    expect(principalOf(person('t', ['teacher'], { schoolId: 's1' }), org)).toMatchObject({ role: 'teacher' });
  });

  it('refuses people without a role anchor or inactive', () => {
    expect(principalOf(person('x', ['area-leader']), org)).toBeUndefined();
    expect(principalOf(person('h', ['school-head']), org)).toBeUndefined();
    expect(principalOf(person('h', ['school-head'], { schoolId: 's1', active: false }), org)).toBeUndefined();
    expect(principalOf(person('m', ['member']), org)).toBeUndefined();
  });
});

describe('scope: follow-up plans and campaigns, the role matrix', () => {
  const plan = { responsibleIds: ['t'], mentorId: undefined };
  const mentored = { responsibleIds: ['x'], mentorId: 't' };
  const otherPlan = { responsibleIds: ['x'], mentorId: undefined };
  const other = { personId: 't2', role: 'teacher', schoolId: 's1' } as Principal;

  /** who → [manages s1, manages s3, reads plan at s1, reads other plan at s1, sees names at s1 (other plan), figures s1, figures s3] */
  const expected: Record<string, boolean[]> = {
    office: [true, true, true, true, true, true, true],
    leaderA: [false, false, true, true, false, true, false],
    contactA: [false, false, true, true, false, true, false],
    headS1: [true, false, true, true, true, true, false],
    teacherS1: [false, false, true, false, true, true, false],
  };
  for (const [who, p] of Object.entries(principals))
    it(`${who}: manages, reads plans, sees names, reads figures as the table says`, () => {
      expect([
        managesSchool(p, places.s1!),
        managesSchool(p, places.s3!),
        canReadPlan(p, places.s1!, plan),
        canReadPlan(p, places.s1!, otherPlan),
        seesPlanNames(p, places.s1!, otherPlan),
        seesSchoolFigures(p, places.s1!),
        seesSchoolFigures(p, places.s3!),
      ]).toEqual(expected[who]);
    });

  it('a teacher is assigned by being responsible or the mentor; another teacher of the school is not', () => {
    const t = principals.teacherS1!;
    expect([assignedToPlan(t, plan), assignedToPlan(t, mentored), assignedToPlan(t, otherPlan)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(assignedToPlan(principals.headS1!, { responsibleIds: ['h'] })).toBe(false); // heads manage, not assigned
    // A teacher assigned to a plan at another school (送教 from the special school) reads it and sees names there.
    expect(canReadPlan(t, places.s3!, plan)).toBe(true);
    expect(seesPlanNames(t, places.s3!, plan)).toBe(true);
    expect(seesPlanNames(t, places.s3!)).toBe(false);
    expect(canReadPlan(other, places.s1!, plan)).toBe(false);
  });

  it('GET /api/me `may`: the matrix per role', () => {
    const row = (who: string) => Object.values(capabilities(principals[who]!));
    expect(Object.keys(capabilities(principals.office!))).toEqual([
      'fileReport',
      'openCase',
      'issueNotice',
      'logVisit',
      'updateCase',
      'acknowledgeEscalation',
      'recordTownshipOrder',
      'exportLedgers',
      'uploadRoll',
      'uploadRegister',
      'uploadDirectory',
      'seePovertyGroup',
    ]);
    expect(row('office')).toEqual([true, true, true, true, true, true, true, true, true, true, true, true]);
    expect(row('leaderA')).toEqual([false, false, false, false, false, true, false, true, false, false, false, false]);
    expect(row('contactA')).toEqual([false, false, false, false, false, true, true, true, false, false, false, false]);
    expect(row('headS1')).toEqual([true, true, true, true, true, false, false, true, true, false, false, true]);
    expect(row('teacherS1')).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(apiRoles.map((role) => mayExportLedgers({ personId: 'x', role } as Principal))).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });
});
