import { describe, expect, it } from 'vitest';
import { applyUpdate, assertNoticeAllowed, openCaseFromReport } from '../../shared/domain/case.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { deterministicId } from '../../shared/domain/ids.ts';
import { reportCaseId } from '../../shared/use-cases/intake-from-report.ts';

const NOW = new Date('2026-03-20T02:00:00Z');
const source = { slotId: 's1:daily:2026-03-20', cadence: 'daily' as const, periodKey: '2026-03-20' };
const head = { personId: 'head-s1', name: '测试校长一' };

const fromReport = (pupil: Parameters<typeof openCaseFromReport>[0]['pupil']) =>
  openCaseFromReport({ id: 'rc-1', schoolId: 's1', townshipId: 'ta', pupil, head, source, now: NOW });

describe('a case opened from a report', () => {
  it('takes its kind from the listed status, 去向 待核实, the head as responsible teacher and no guardian', () => {
    const c = fromReport({ studentName: '测试辍学生', status: 'dropped-out', grade: '八年级' });

    expect(c).toMatchObject({
      kind: 'dropped-out',
      reason: '报表列为未返校/辍学',
      whereabouts: '待核实',
      responsibleTeacher: head,
      guardian: {},
      openedFrom: source,
      state: 'opened',
      grade: '八年级',
    });
  });

  it("keeps the report's reason and the 学籍号 as the student reference", () => {
    const c = fromReport({
      studentName: '测试未返生',
      status: 'not-returned',
      reason: '外出打工',
      studentId: 'G45001',
    });

    expect(c).toMatchObject({ kind: 'not-returned', reason: '外出打工', studentRef: 'G45001' });
  });

  it('refuses a notice naming guardian.name and guardian.phone until the guardian is filled in', () => {
    const c = { ...fromReport({ studentName: '测试未返生', status: 'not-returned' }), state: 'persuading' as const };
    const visited = { ...c, visitCount: 2 };

    const refused = (() => {
      try {
        assertNoticeAllowed(visited, 2);
      } catch (e) {
        return e;
      }
    })();
    const { case: filled } = applyUpdate(visited, { guardianName: '测试家长', guardianPhone: '+8613800000951' }, NOW);

    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues.map((i) => i.field)).toEqual(['guardian.name', 'guardian.phone']);
    expect(() => assertNoticeAllowed(filled, 2)).not.toThrow();
  });

  it('a correction of another field leaves the unknown guardian unknown (no empty name is stored)', () => {
    const c = fromReport({ studentName: '测试未返生', status: 'not-returned' });

    const { case: next, changed } = applyUpdate(c, { whereabouts: '广东东莞' }, NOW);

    expect(changed).toEqual(['whereabouts']);
    expect(next.guardian).toEqual({});
  });
});

describe('deterministic ids of the intake', () => {
  it('the same slot and pupil give the same case id; another slot or pupil another one', () => {
    const pupil = { studentName: '测试未返生', status: 'not-returned' as const };

    const a = reportCaseId('s1:daily:2026-03-20', pupil);

    expect(reportCaseId('s1:daily:2026-03-20', { ...pupil, reason: '另填原因' })).toBe(a);
    expect(reportCaseId('s1:daily:2026-03-21', pupil)).not.toBe(a);
    expect(reportCaseId('s1:daily:2026-03-20', { ...pupil, grade: '七年级' })).not.toBe(a);
    expect(a).toMatch(/^rc-[0-9a-f]{26}$/);
    expect(a).not.toContain('测试');
  });

  it('parts are separated: ("ab","c") and ("a","bc") differ', () => {
    expect(deterministicId('x', 'ab', 'c')).not.toBe(deterministicId('x', 'a', 'bc'));
  });
});
