import { describe, expect, it } from 'vitest';
import type { SchoolCampaign } from '../../shared/domain/campaign.ts';
import type { DueList, Plan, PlanVisit } from '../../shared/domain/followup.ts';
import { campaignView, campaignWindowView } from '../../shared/domain/views/campaign.ts';
import { followUpDueSubjects, followUpDueView } from '../../shared/domain/views/followup-due.ts';
import type { OrgNames } from '../../shared/domain/views/names.ts';
import { planView, planVisitsView } from '../../shared/domain/views/plan.ts';

// Invented people and numbers only: 13900000000 is a fake mobile, G450000201001010011 a fake 学籍号.
const PHONE = '13900000000';
const REF = 'G450000201001010011';

const org: OrgNames = {
  school: (id) => ({ s1: { name: '马岭小学' } })[id],
  township: (id) => ({ t1: { name: '马岭镇' } })[id],
  person: (id) => ({ 'teacher-1': { name: '李老师' }, 'mentor-1': { name: '赵老师' } })[id],
};
const now = new Date('2026-03-20T04:00:00.000Z');
const ack = { by: { personId: 'head-1', name: '张校长', role: 'school-head' }, at: '2026-03-19T02:00:00.000Z' };

const plan: Plan = {
  id: 'st-1',
  kind: 'send-teaching',
  caseId: 'c-1',
  studentName: '王小明',
  schoolId: 's1',
  townshipId: 't1',
  responsibleIds: ['teacher-1', 'teacher-x'],
  mentorId: 'mentor-1',
  startsOn: '2026-03-01',
  endsOn: '2026-06-30',
  content: `王小明 生活技能 家长 ${PHONE}`,
  visitCount: 3,
  status: 'closed',
  createdAt: '2026-03-01T01:00:00.000Z',
  closedAt: '2026-06-30T10:00:00.000Z',
  closedReason: 'ended',
  version: 4,
} as Plan;

const visit = (no: number, extra: Partial<PlanVisit>): PlanVisit => ({
  planId: 'st-1',
  kind: 'send-teaching',
  no,
  dueDate: `2026-03-${String(no * 5).padStart(2, '0')}`,
  deadline: `2026-03-${String(no * 5 + 1).padStart(2, '0')}T10:00:00.000Z`,
  steps: [],
  nextStep: 0,
  status: 'planned',
  escalated: false,
  schoolId: 's1',
  townshipId: 't1',
  version: 1,
  ...extra,
});
const visits = [
  visit(2, { status: 'planned', escalated: true, acknowledged: { ...ack, note: `已联系 ${PHONE}` } }),
  visit(1, {
    status: 'done',
    doneOn: '2026-03-05',
    doneAt: '2026-03-05T08:00:00.000Z',
    doneBy: 'teacher-1',
    content: '教王小明识字',
    note: `家长电话 ${PHONE}`,
  }),
  visit(3, { dueDate: '2026-04-10', deadline: '2026-04-11T10:00:00.000Z' }),
];

describe('plan views (shared/domain/views/plan.ts)', () => {
  it('a plan for a caller with names: every field, names from the directory, content as typed', () => {
    expect(planView(plan, true, org)).toEqual({
      id: 'st-1',
      kind: 'send-teaching',
      kindLabel: '送教上门',
      caseId: 'c-1',
      studentName: '王小明',
      masked: false,
      schoolId: 's1',
      schoolName: '马岭小学',
      townshipId: 't1',
      townshipName: '马岭镇',
      responsible: [
        { id: 'teacher-1', name: '李老师' },
        { id: 'teacher-x', name: 'teacher-x' },
      ],
      mentor: { id: 'mentor-1', name: '赵老师' },
      startsOn: '2026-03-01',
      endsOn: '2026-06-30',
      content: plan.content,
      visitCount: 3,
      status: 'closed',
      createdAt: '2026-03-01T01:00:00.000Z',
      closedAt: '2026-06-30T10:00:00.000Z',
      closedReason: 'ended',
      version: 4,
    });
  });

  it('a plan for a caller without names: the name masked, the content scrubbed, everything else the same', () => {
    const masked = planView(plan, false, org);
    const full = planView(plan, true, org);
    expect(masked).toEqual({ ...full, studentName: '王*明', masked: true, content: masked.content });
    expect(masked.content).toContain('生活技能');
    expect(masked.content).not.toContain('王小明');
    expect(masked.content).not.toContain(PHONE);
  });

  it('a plan without case, mentor, content or closing leaves those fields out; ids stand in for unknown names', () => {
    const { caseId: _c, mentorId: _m, content: _t, closedAt: _a, closedReason: _r, ...bare } = plan;
    const v = planView({ ...bare, kind: 'followup', schoolId: 's9', townshipId: 't9', status: 'active' }, true, org);
    expect(v).not.toHaveProperty('caseId');
    expect(v).not.toHaveProperty('mentor');
    expect(v).not.toHaveProperty('content');
    expect(v).not.toHaveProperty('closedAt');
    expect(v).toMatchObject({ kindLabel: '复学跟踪(保学)', schoolName: 's9', townshipName: 't9' });
  });

  it('the visits in order with their record status; content and notes as typed or scrubbed', () => {
    const full = planVisitsView(plan, visits, now, true, org);
    expect(full.map((l) => [l.no, l.statusLabel])).toEqual([
      [1, '已完成'],
      [2, '逾期未完成'],
      [3, '待完成'],
    ]);
    expect(full[0]).toEqual({
      no: 1,
      dueDate: '2026-03-05',
      deadline: '2026-03-06T10:00:00.000Z',
      status: 'done',
      statusLabel: '已完成',
      escalated: false,
      acknowledged: null,
      doneOn: '2026-03-05',
      doneBy: { id: 'teacher-1', name: '李老师' },
      content: '教王小明识字',
      note: `家长电话 ${PHONE}`,
    });
    expect(full[1]).toMatchObject({ escalated: true, acknowledged: { by: '张校长', role: 'school-head' } });
    expect(full[1]!.acknowledged!.note).not.toContain(PHONE);
    expect(full[1]).not.toHaveProperty('doneOn');

    const masked = planVisitsView(plan, visits, now, false, org);
    expect(masked[0]).toEqual({ ...full[0], content: '教王*明识字', note: masked[0]!.note });
    expect(masked[0]!.note).not.toContain(PHONE);
    expect(masked[2]).not.toHaveProperty('content');
    expect(masked[2]).not.toHaveProperty('note');
  });
});

const campaign: SchoolCampaign = {
  campaignId: 'w-2026-winter',
  name: '2026 寒假大家访',
  schoolId: 's1',
  townshipId: 't1',
  start: '2026-01-20',
  end: '2026-02-20',
  deadline: '2026-02-21T10:00:00.000Z',
  households: [
    { ref: REF, studentName: '王小明', teacherId: 'teacher-1', visitedOn: '2026-01-25', note: `王小明在家 ${PHONE}` },
    { ref: 'H-2', studentName: '李二丫', teacherId: 'teacher-2' },
  ],
  steps: [],
  nextStep: 0,
  escalated: true,
  acknowledged: { ...ack, note: '跟进' },
  completedAt: '2026-02-22T01:00:00.000Z',
  version: 5,
};

describe('campaign views (shared/domain/views/campaign.ts)', () => {
  it('a school campaign for the school: counts, per teacher, households as typed', () => {
    expect(campaignView(campaign, true, org)).toEqual({
      campaignId: 'w-2026-winter',
      name: '2026 寒假大家访',
      schoolId: 's1',
      schoolName: '马岭小学',
      townshipId: 't1',
      start: '2026-01-20',
      end: '2026-02-20',
      deadline: '2026-02-21T10:00:00.000Z',
      done: 1,
      total: 2,
      escalated: true,
      acknowledged: { by: '张校长', role: 'school-head', at: ack.at, note: '跟进' },
      completedAt: '2026-02-22T01:00:00.000Z',
      byTeacher: [
        { teacherId: 'teacher-1', name: '李老师', done: 1, total: 1 },
        { teacherId: 'teacher-2', name: 'teacher-2', done: 0, total: 1 },
      ],
      households: [
        {
          ref: REF,
          studentName: '王小明',
          teacherId: 'teacher-1',
          visitedOn: '2026-01-25',
          note: `王小明在家 ${PHONE}`,
        },
        { ref: 'H-2', studentName: '李二丫', teacherId: 'teacher-2' },
      ],
      masked: false,
      version: 5,
    });
  });

  it('outside the school: names masked, the 学籍号 reference and notes scrubbed; a teacher sees only their households', () => {
    const masked = campaignView(campaign, false, org);
    expect(masked.masked).toBe(true);
    expect(masked.households.map((h) => h.studentName)).toEqual(['王*明', '李*丫']);
    expect(masked.households[0]!.ref).not.toBe(REF);
    expect(JSON.stringify(masked.households)).not.toContain('王小明');
    expect(JSON.stringify(masked.households)).not.toContain(PHONE);
    expect(masked.households[1]!.ref).toBe('H-2');
    const own = campaignView(campaign, true, org, 'teacher-2');
    expect(own.households).toEqual([{ ref: 'H-2', studentName: '李二丫', teacherId: 'teacher-2' }]);
    expect([own.done, own.total, own.byTeacher.length]).toEqual([1, 2, 2]);
  });

  it('a window: completion per school worst first, acknowledgement and access per school, schools without a list', () => {
    const other: SchoolCampaign = {
      ...campaign,
      schoolId: 's2',
      households: [{ ref: 'H-3', studentName: '赵三', teacherId: 't-3', visitedOn: '2026-01-30' }],
      escalated: false,
      acknowledged: undefined,
    };
    const window = { id: 'w-2026-winter', name: '2026 寒假大家访', start: '2026-01-20', end: '2026-02-20' };
    const v = campaignWindowView(
      window as Parameters<typeof campaignWindowView>[0],
      [other, campaign],
      [{ id: 's3', name: '双江小学', townshipId: 't2' }],
      now,
      org,
      (c) => c.schoolId === 's1',
    );
    expect(v).toEqual({
      asOf: now.toISOString(),
      window,
      schools: [
        {
          schoolId: 's1',
          townshipId: 't1',
          done: 1,
          total: 2,
          rate: 0.5,
          late: true,
          schoolName: '马岭小学',
          townshipName: '马岭镇',
          escalated: true,
          acknowledged: { by: '张校长', role: 'school-head', at: ack.at, note: '跟进' },
          mayAcknowledge: true,
        },
        {
          schoolId: 's2',
          townshipId: 't1',
          done: 1,
          total: 1,
          rate: 1,
          late: false,
          schoolName: 's2',
          townshipName: '马岭镇',
          escalated: false,
          acknowledged: null,
          mayAcknowledge: false,
        },
      ],
      withoutList: [{ schoolId: 's3', schoolName: '双江小学', townshipId: 't2' }],
    });
  });
});

const due: DueList = {
  schoolId: 's1',
  from: '2026-01-19',
  to: '2026-04-03',
  visits: [
    {
      planId: 'st-1',
      kind: 'send-teaching',
      caseId: 'c-1',
      studentName: '王小明',
      no: 2,
      of: 3,
      dueDate: '2026-03-10',
      deadline: '2026-03-11T10:00:00.000Z',
      overdue: true,
      escalated: true,
      acknowledged: { ...ack, note: `已联系 ${PHONE}` },
      responsibleIds: ['teacher-1'],
      priorityGroups: ['脱贫户', '残疾'],
      schoolId: 's1',
      townshipId: 't1',
    },
    {
      planId: 'fu-2',
      kind: 'followup',
      studentName: '李二丫',
      no: 1,
      of: 4,
      dueDate: '2026-03-25',
      deadline: '2026-03-26T10:00:00.000Z',
      overdue: false,
      escalated: false,
      responsibleIds: ['teacher-2'],
      priorityGroups: [],
      schoolId: 's1',
      townshipId: 't1',
    },
  ],
  households: [
    {
      campaignId: 'w-2026-winter',
      campaignName: '2026 寒假大家访',
      ref: REF,
      studentName: '王小明',
      teacherId: 'teacher-1',
      start: '2026-01-20',
      end: '2026-02-20',
      deadline: '2026-02-21T10:00:00.000Z',
      overdue: true,
      schoolId: 's1',
      townshipId: 't1',
    },
  ],
};

describe('follow-up due view (shared/domain/views/followup-due.ts)', () => {
  it('for the school: every row as listed, with names, acknowledgement, access and responsible teachers', () => {
    const v = followUpDueView(due, true, now, org, (r) => r.schoolId === 's1');
    const { acknowledged: _a, ...first } = due.visits[0]!;
    expect(v).toEqual({
      asOf: now.toISOString(),
      schoolId: 's1',
      schoolName: '马岭小学',
      range: { from: '2026-01-19', to: '2026-04-03' },
      masked: false,
      visits: [
        {
          ...first,
          acknowledged: { by: '张校长', role: 'school-head', at: ack.at, note: v.visits[0]!.acknowledged!.note },
          mayAcknowledge: true,
          responsible: [{ id: 'teacher-1', name: '李老师' }],
        },
        {
          ...due.visits[1],
          acknowledged: null,
          mayAcknowledge: true,
          responsible: [{ id: 'teacher-2', name: 'teacher-2' }],
        },
      ],
      households: [{ ...due.households[0], teacherName: '李老师' }],
    });
    expect(v.visits[0]!.acknowledged!.note).not.toContain(PHONE);
  });

  it('outside the school: names masked, the household reference scrubbed, no 脱贫户; nothing else changes', () => {
    const full = followUpDueView(due, true, now, org, () => false);
    const masked = followUpDueView(due, false, now, org, () => false);
    expect(masked.masked).toBe(true);
    expect(full.visits[0]!.priorityGroups).toEqual(['脱贫户', '残疾']);
    expect(masked.visits[0]!.priorityGroups).toEqual(['残疾']);
    expect(JSON.stringify(masked)).not.toContain('脱贫户');
    expect(masked.visits.map((r) => r.studentName)).toEqual(['王*明', '李*丫']);
    expect(masked.visits[1]).toEqual({ ...full.visits[1], studentName: '李*丫' });
    expect(masked.households[0]!.studentName).toBe('王*明');
    expect(masked.households[0]!.ref).not.toBe(REF);
    expect(masked.households[0]).toEqual({
      ...full.households[0],
      studentName: '王*明',
      ref: masked.households[0]!.ref,
    });
  });

  it('audit subjects: one per plan (its case, else the plan) and one per campaign', () => {
    const twice = { ...due, visits: [...due.visits, { ...due.visits[0]!, no: 3 }] };
    expect(followUpDueSubjects(twice)).toEqual([
      { id: 'c-1', schoolId: 's1', townshipId: 't1' },
      { id: 'fu-2', schoolId: 's1', townshipId: 't1' },
      { id: 'campaign-w-2026-winter-s1', schoolId: 's1', townshipId: 't1' },
    ]);
  });
});
