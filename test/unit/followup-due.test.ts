import { describe, expect, it } from 'vitest';
import type { SchoolCampaign } from '../../shared/domain/campaign.ts';
import type { Plan, PlanVisit } from '../../shared/domain/followup.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { dueRange, type FollowUpDueSource, listFollowUpDueUseCase } from '../../shared/use-cases/list-followup-due.ts';

const plan = (id: string, responsibleIds: string[], status: Plan['status'] = 'active'): Plan => ({
  id,
  kind: 'followup',
  caseId: `case-${id}`,
  studentName: '测试学生',
  schoolId: 's1',
  townshipId: 'ta',
  responsibleIds,
  mentorId: responsibleIds[0],
  startsOn: '2026-03-10',
  endsOn: '2026-05-05',
  visitCount: 2,
  status,
  createdAt: '2026-03-10T02:00:00.000Z',
  version: 1,
});

const visit = (planId: string, no: number, dueDate: string, status: PlanVisit['status'] = 'planned'): PlanVisit => ({
  planId,
  kind: 'followup',
  no,
  dueDate,
  deadline: `${dueDate}T12:00:00.000Z`,
  steps: [],
  nextStep: 0,
  status,
  escalated: false,
  schoolId: 's1',
  townshipId: 'ta',
  version: 1,
});

const campaign = (start: string, end: string): SchoolCampaign => ({
  campaignId: 'w1',
  name: '测试大家访',
  schoolId: 's1',
  townshipId: 'ta',
  start,
  end,
  deadline: `${end}T12:00:00.000Z`,
  households: [
    { ref: 'h1', studentName: '测试甲', teacherId: 't1' },
    { ref: 'h2', studentName: '测试乙', teacherId: 't2', visitedOn: start },
    { ref: 'h3', studentName: '测试丙', teacherId: 't2' },
  ],
  steps: [],
  nextStep: 0,
  escalated: false,
  version: 1,
});

function source(visits: PlanVisit[], campaigns: SchoolCampaign[], plans: Plan[]): FollowUpDueSource {
  return {
    schoolVisits: async (_s, from, to) => visits.filter((v) => v.dueDate >= from && v.dueDate <= to),
    schoolCampaigns: async (_s, from, to) => campaigns.filter((c) => c.end >= from && c.end <= to),
    plans: async (ids) => plans.filter((p) => ids.includes(p.id)),
  };
}

describe('follow-up due list', () => {
  const clock = fixedClock('2026-03-26T02:00:00Z'); // Thu 10:00 CST
  const world = source(
    [
      visit('p1', 1, '2026-03-17', 'done'),
      visit('p1', 2, '2026-03-24'),
      visit('p2', 1, '2026-03-31'),
      visit('p3', 1, '2026-03-25'),
    ],
    [campaign('2026-03-20', '2026-04-02')],
    [plan('p1', ['t1']), plan('p2', ['t2']), plan('p3', ['t1'], 'closed')],
  );

  it('keeps planned visits of active plans, flags the overdue ones, and the households not yet visited', async () => {
    const list = await listFollowUpDueUseCase({ source: world, clock }, { schoolId: 's1' });

    expect(list).toMatchObject({ from: '2026-01-25', to: '2026-04-09' });
    expect(list.visits.map((v) => [v.planId, v.no, v.overdue])).toEqual([
      ['p1', 2, true],
      ['p2', 1, false],
    ]);
    expect(list.households.map((h) => [h.ref, h.teacherId, h.overdue])).toEqual([
      ['h1', 't1', false],
      ['h3', 't2', false],
    ]);
  });

  it("a teacher's list holds only their plans and households", async () => {
    const list = await listFollowUpDueUseCase({ source: world, clock }, { schoolId: 's1', forPersonId: 't2' });

    expect(list.visits.map((v) => v.planId)).toEqual(['p2']);
    expect(list.households.map((h) => h.ref)).toEqual(['h3']);
  });

  it('with a group: only the visits of plans whose stored groups hold it, no households (campaigns not read)', async () => {
    let campaignsRead = 0;
    const grouped = source(
      [visit('p1', 2, '2026-03-24'), visit('p2', 1, '2026-03-31'), visit('p4', 1, '2026-03-27')],
      [campaign('2026-03-20', '2026-04-02')],
      [
        { ...plan('p1', ['t1']), priorityGroups: ['脱贫户', '留守'] },
        { ...plan('p2', ['t2']), priorityGroups: ['残疾'] },
        // Stored before plans carried groups: no group.
        plan('p4', ['t1']),
      ],
    );
    const counting = {
      ...grouped,
      schoolCampaigns: (...a: Parameters<FollowUpDueSource['schoolCampaigns']>) => {
        campaignsRead++;
        return grouped.schoolCampaigns(...a);
      },
    };
    const list = await listFollowUpDueUseCase({ source: counting, clock }, { schoolId: 's1', group: '留守' });
    expect(list.visits.map((v) => [v.planId, v.priorityGroups])).toEqual([['p1', ['脱贫户', '留守']]]);
    expect(list.households).toEqual([]);
    expect(campaignsRead).toBe(0);
    const disabled = await listFollowUpDueUseCase({ source: counting, clock }, { schoolId: 's1', group: '残疾' });
    expect(disabled.visits.map((v) => v.planId)).toEqual(['p2']);
    const none = await listFollowUpDueUseCase({ source: counting, clock }, { schoolId: 's1', group: '孤儿' });
    expect(none.visits).toEqual([]);
    // Without a group every plan is listed (p4 with no groups) and the campaigns are read.
    const all = await listFollowUpDueUseCase({ source: counting, clock }, { schoolId: 's1' });
    expect(all.visits.map((v) => [v.planId, v.priorityGroups])).toEqual([
      ['p1', ['脱贫户', '留守']],
      ['p4', []],
      ['p2', ['残疾']],
    ]);
    expect(all.households.map((h) => h.ref)).toEqual(['h1', 'h3']);
    expect(campaignsRead).toBe(1);
  });

  it('refuses a range ending before it starts or longer than 366 days, naming `to`', () => {
    const now = new Date('2026-03-26T02:00:00Z');
    expect(() => dueRange(now, '2026-03-10', '2026-03-01')).toThrow(/to/);
    expect(() => dueRange(now, '2026-01-01', '2027-01-02')).toThrow(/366/);
    expect(dueRange(now, '2026-01-01', '2027-01-01')).toEqual({ from: '2026-01-01', to: '2027-01-01' });
  });
});
