import { describe, expect, it } from 'vitest';
import type { Case } from '../../shared/domain/case.ts';
import { ConcurrentUpdateError } from '../../shared/domain/errors.ts';
import type { Plan } from '../../shared/domain/followup.ts';
import type { PriorityFlag } from '../../shared/domain/priority-groups.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { refreshCaseGroups } from '../../shared/use-cases/case-groups.ts';

/**
 * A roll import refreshes the groups of the school's open cases and of their active plans (the due list filters by
 * the plans' stored groups). In-memory fakes: the case store, the plans with versions, the roll's flags.
 */

const openCase = (id: string, pupilKey: string, priorityGroups?: PriorityFlag[]): Case =>
  ({
    id,
    schoolId: 's1',
    townshipId: 'ta',
    studentName: '测试学生',
    pupilKey,
    state: 'opened',
    povertyRegistered: false,
    ...(priorityGroups ? { priorityGroups } : {}),
    version: 3,
  }) as unknown as Case;

const plan = (id: string, caseId: string, over: Partial<Plan> = {}): Plan => ({
  id,
  kind: 'send-teaching',
  caseId,
  studentName: '测试学生',
  schoolId: 's1',
  townshipId: 'ta',
  responsibleIds: ['t1'],
  startsOn: '2026-03-10',
  endsOn: '2026-06-30',
  visitCount: 4,
  status: 'active',
  createdAt: '2026-03-10T02:00:00.000Z',
  version: 2,
  ...over,
});

function world(cases: Case[], plans: Plan[], flags: Record<string, PriorityFlag[]>, conflicts = 0) {
  const storedCases = new Map(cases.map((c) => [c.id, c]));
  const storedPlans = new Map(plans.map((p) => [p.id, p]));
  const saved: Plan[] = [];
  let toFail = conflicts;
  return {
    saved,
    storedPlans,
    deps: {
      repo: {
        listBySchool: async () => [...storedCases.values()],
        getCase: async (id: string) => storedCases.get(id),
        commit: async ({ case: c }: { case: Case }) => {
          storedCases.set(c.id, { ...c, version: c.version + 1 });
        },
      } as never,
      groups: { groupsOf: async (_s: string, key: string) => flags[key] },
      plans: {
        plansOfCase: async (caseId: string) => [...storedPlans.values()].filter((p) => p.caseId === caseId),
        getPlan: async (id: string) => {
          const p = storedPlans.get(id);
          return p && { plan: p, visits: [] };
        },
        savePlan: async (p: Plan) => {
          const before = storedPlans.get(p.id)!;
          if (toFail > 0) {
            toFail--;
            // Someone recorded a visit first: the stored plan moved on one version.
            storedPlans.set(p.id, { ...before, version: before.version + 1 });
            throw new ConcurrentUpdateError('plan changed');
          }
          if (p.version !== before.version + 1) throw new Error('saved without the version read');
          saved.push(p);
          storedPlans.set(p.id, p);
        },
      },
      clock: fixedClock('2026-03-10T02:00:00Z'),
    },
  };
}

describe('refreshCaseGroups with plans', () => {
  it("an open case's active plans take its new groups; inactive and other cases' plans are left alone", async () => {
    const w = world(
      [openCase('c1', 'k1', []), openCase('c2', 'k2', ['残疾'])],
      [
        plan('st-1', 'c1', { priorityGroups: [] }),
        plan('fu-old', 'c1', { kind: 'followup', status: 'completed', priorityGroups: [] }),
        plan('st-2', 'c2', { priorityGroups: ['残疾'] }),
      ],
      { k1: ['留守'], k2: ['残疾'] },
    );
    const changed = await refreshCaseGroups(w.deps, 's1', new Set(['k1', 'k2']));
    expect(changed).toBe(1);
    expect(w.saved.map((p) => [p.id, p.priorityGroups, p.version])).toEqual([['st-1', ['留守'], 3]]);
    expect(w.storedPlans.get('fu-old')!.priorityGroups).toEqual([]);
  });

  it('a plan stored before plans carried groups gets its unchanged case’s groups', async () => {
    const w = world([openCase('c1', 'k1', ['孤儿'])], [plan('st-1', 'c1')], { k1: ['孤儿'] });
    expect(await refreshCaseGroups(w.deps, 's1', new Set(['k1']))).toBe(0);
    expect(w.saved.map((p) => [p.id, p.priorityGroups])).toEqual([['st-1', ['孤儿']]]);
  });

  it('a concurrent change of the plan: read again and written under the new version (up to 3 attempts)', async () => {
    const w = world([openCase('c1', 'k1', [])], [plan('st-1', 'c1', { priorityGroups: [] })], { k1: ['随迁'] }, 2);
    await refreshCaseGroups(w.deps, 's1', new Set(['k1']));
    expect(w.saved.map((p) => [p.priorityGroups, p.version])).toEqual([[['随迁'], 5]]);
    const again = world([openCase('c1', 'k1', [])], [plan('st-1', 'c1', { priorityGroups: [] })], { k1: ['随迁'] }, 3);
    await expect(refreshCaseGroups(again.deps, 's1', new Set(['k1']))).rejects.toThrow(ConcurrentUpdateError);
  });
});
