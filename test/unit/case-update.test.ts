import { describe, expect, it } from 'vitest';
import { applyUpdate, type Case, openCase, reopenCase, updateCaseInputSchema } from '../../shared/domain/case.ts';
import { InvalidTransitionError } from '../../shared/domain/errors.ts';
import { absenceDateOf } from '../../shared/use-cases/reopen-on-report.ts';

const at = new Date('2026-03-10T02:00:00Z');
const aCase = (overrides: Partial<Case> = {}): Case => ({
  ...openCase(
    {
      schoolId: 's1',
      studentName: '示例学生',
      kind: 'not-returned',
      reason: '外出务工',
      whereabouts: '广东',
      responsibleTeacher: { personId: 'teacher-s1', name: '示例教师' },
      guardian: { name: '示例家长', phone: '+8613800000101' },
      openedBy: { name: '示例校长' },
    },
    { id: 'case-1', townshipId: 'ta', now: at },
  ),
  ...overrides,
});

describe('case corrections (PATCH)', () => {
  it('applies only what changed and names those fields', () => {
    const later = new Date('2026-03-11T02:00:00Z');

    const { case: next, changed } = applyUpdate(
      aCase(),
      { guardianPhone: '+8613800000102', reason: '外出务工' },
      later,
    );

    expect(changed).toEqual(['guardianPhone']);
    expect(next.guardian).toEqual({ name: '示例家长', phone: '+8613800000102' });
    expect(next.updatedAt).toBe(later.toISOString());
  });

  it('refuses a closed case, naming the state', () => {
    expect(() => applyUpdate(aCase({ state: 'transferred' }), { reason: '新原因' }, at)).toThrow(
      'case: update from transferred',
    );
  });

  it('validates the mobile and refuses an empty change', () => {
    expect(updateCaseInputSchema.safeParse({ guardianPhone: '13800000102' }).success).toBe(false);
    expect(updateCaseInputSchema.safeParse({}).success).toBe(false);
    expect(updateCaseInputSchema.safeParse({ studentName: '改名' }).success).toBe(false);
  });
});

describe('reopening a returned case', () => {
  it('returned → opened, no longer closed; any other state is refused', () => {
    const reopened = reopenCase(aCase({ state: 'returned', closedAt: at.toISOString() }), at);

    expect(reopened.state).toBe('opened');
    expect(reopened.closedAt).toBeUndefined();
    expect(() => reopenCase(aCase({ state: 'exempted' }), at)).toThrow(InvalidTransitionError);
  });

  it('dates the absence at the end of the report period, never after today', () => {
    expect(absenceDateOf('daily', '2026-03-20', '2026-03-25')).toBe('2026-03-20');
    expect(absenceDateOf('weekly', '2026-W12', '2026-03-30')).toBe('2026-03-22');
    expect(absenceDateOf('weekly', '2026-W12', '2026-03-18')).toBe('2026-03-18');
    expect(absenceDateOf('monthly', '2026-12', '2027-01-05')).toBe('2026-12-31');
    expect(absenceDateOf('monthly', '2026-02', '2026-03-05')).toBe('2026-02-28');
  });
});
