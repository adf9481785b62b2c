import { describe, expect, it } from 'vitest';
import {
  applyAction,
  assertNoticeAllowed,
  type Case,
  caseActions,
  caseStates,
  nextState,
  openCase,
  transitions,
} from '../../shared/domain/case.ts';
import { InvalidTransitionError, ValidationError } from '../../shared/domain/errors.ts';

const at = new Date('2023-02-20T02:00:00.000Z');

const aCase = (overrides: Partial<Case> = {}): Case => ({
  ...openCase(
    {
      schoolId: 'demo-school',
      studentName: '测试小明',
      kind: 'not-returned',
      reason: '春季开学未返校',
      whereabouts: '随父母外出务工',
      responsibleTeacher: { name: '示例老师' },
      guardian: { name: '示例家长', phone: '+8613800000101' },
      openedBy: { name: '示例校长' },
    },
    { id: 'case-1', townshipId: 'demo-town', now: at },
  ),
  ...overrides,
});

const allowed = caseStates.flatMap((state) =>
  caseActions.filter((action) => transitions[state][action]).map((action) => ({ state, action })),
);
const refused = caseStates.flatMap((state) =>
  caseActions.filter((action) => !transitions[state][action]).map((action) => ({ state, action })),
);

describe('case lifecycle', () => {
  it.each(refused)('refuses $action from $state, naming both', ({ state, action }) => {
    const attempt = () => nextState(state, action);

    expect(attempt).toThrow(InvalidTransitionError);
    expect(attempt).toThrow(`case: ${action} from ${state}`);
  });

  it.each(allowed)('allows $action from $state', ({ state, action }) => {
    expect(caseStates).toContain(nextState(state, action));
  });

  it('walks the main course: opened → persuading → notice-issued → lapsed → escalated → returned', () => {
    let c = aCase();
    for (const action of ['log-visit', 'log-visit', 'issue-notice', 'lapse', 'escalate', 'record-return'] as const)
      c = applyAction(c, action, at);

    expect(c.state).toBe('returned');
    expect(c.closedAt).toBe(at.toISOString());
  });

  it('keeps the refused case unchanged (the error is thrown before any copy is made)', () => {
    const c = aCase({ state: 'returned' });

    expect(() => applyAction(c, 'log-visit', at)).toThrow(InvalidTransitionError);
    expect(c.state).toBe('returned');
  });
});

describe('notice preconditions', () => {
  it('needs the configured number of persuasion visits', () => {
    const c = aCase({ state: 'persuading', visitCount: 1 });

    expect(() => assertNoticeAllowed(c, 2)).toThrow(ValidationError);
    expect(() => assertNoticeAllowed(c, 2)).toThrow(/visits: 发出通知书前须至少登记 2 次劝返家访/);
  });

  it('needs the guardian mobile', () => {
    const c = aCase({ state: 'persuading', visitCount: 2, guardian: { name: '示例家长' } });

    expect(() => assertNoticeAllowed(c, 2)).toThrow(/guardian\.phone/);
  });

  it('is refused from opened even with visits counted (state first)', () => {
    expect(() => assertNoticeAllowed(aCase({ state: 'opened', visitCount: 5 }), 2)).toThrow(InvalidTransitionError);
  });

  it('passes for a persuaded case with a guardian mobile', () => {
    expect(() => assertNoticeAllowed(aCase({ state: 'persuading', visitCount: 2 }), 2)).not.toThrow();
  });
});

describe('opening a case', () => {
  it('names the invalid field', () => {
    const bad = () =>
      openCase(
        {
          schoolId: 'demo-school',
          studentName: '测试小明',
          kind: 'not-returned',
          reason: '未返校',
          whereabouts: '在家',
          responsibleTeacher: { name: '示例老师' },
          guardian: { name: '示例家长', phone: '13800000101' },
          openedBy: { name: '示例校长' },
        },
        { id: 'c', townshipId: 't', now: at },
      );

    expect(bad).toThrow(/guardian\.phone/);
  });
});
