import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/domain/errors.ts';
import { recordVisit, sweepVisit } from '../../shared/domain/followup.ts';
import { createSendTeachingPlan, planRecord, sendTeachingDueDates } from '../../shared/domain/send-teaching.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { directory, dutyTime, followUpSection, lipuCalendar, smsOptions } from './followup-factories.ts';

const at = (date: string, time = '00:00') => cstInstant(date, time);

function plan(input: Partial<Parameters<typeof createSendTeachingPlan>[0]> = {}, now = at('2023-03-01', '08:00')) {
  return createSendTeachingPlan(
    {
      studentName: '样小红',
      schoolId: 'ml-school',
      townshipId: 'maling',
      teacherIds: ['teacher-1', 'teacher-2'],
      content: '语文识字、生活自理训练',
      from: '2023-03-01',
      to: '2023-04-30',
      ...input,
    },
    { id: 'st-1', now, config: followUpSection(), calendar: lipuCalendar(), time: dutyTime() },
  );
}

describe('send-teaching due dates', () => {
  it('splits each month into two stretches of school days, 清明 and the 调休 Sunday included', () => {
    const dates = sendTeachingDueDates('2023-03-01', '2023-04-30', 2, lipuCalendar());

    // March: 23 school days → 12th (03-16) and 23rd (03-31). April: 20 (04-05 off, Sun 04-23 a 调休 school day).
    expect(dates).toEqual(['2023-03-16', '2023-03-31', '2023-04-17', '2023-04-28']);
  });

  it('owes nothing in the summer holiday', () => {
    const dates = sendTeachingDueDates('2023-07-01', '2023-08-31', 2, lipuCalendar());

    expect(dates).toEqual(['2023-07-05', '2023-07-07']);
  });
});

describe('createSendTeachingPlan', () => {
  it('refuses a frequency below the bureau minimum of 2 a month', () => {
    const create = () => plan({ visitsPerMonth: 1 });

    expect(create).toThrow(ValidationError);
    expect(create).toThrow(/visitsPerMonth/);
  });

  it('keeps teachers and content and schedules four visits over two months', () => {
    const { plan: p, visits } = plan();

    expect(p).toMatchObject({ kind: 'send-teaching', responsibleIds: ['teacher-1', 'teacher-2'], visitCount: 4 });
    expect(p.content).toContain('生活自理');
    expect(visits.map((v) => v.dueDate)).toEqual(['2023-03-16', '2023-03-31', '2023-04-17', '2023-04-28']);
  });

  it('reminds both teachers two school days before, then escalates a missed visit', () => {
    const { plan: p, visits } = plan();
    const first = visits[0]!; // due Thu 03-16

    const reminder = sweepVisit(p, first, at('2023-03-14', '08:00'), directory(), smsOptions);
    const escalation = sweepVisit(p, reminder.visit, at('2023-03-17', '09:00'), directory(), smsOptions);
    const level2 = sweepVisit(p, escalation.visit, at('2023-03-21', '09:00'), directory(), smsOptions);

    expect(reminder.messages.map((m) => m.recipient.personId)).toEqual(['teacher-1', 'teacher-2']);
    expect(reminder.messages[0]!.text).toContain('送教上门:学生样*');
    expect(escalation.messages.map((m) => m.recipient.personId)).toEqual(['head-ml']);
    expect(level2.messages.map((m) => m.recipient.personId)).toEqual(['contact-ml-1', 'contact-ml-2']);
    expect(
      [...reminder.messages, ...escalation.messages, ...level2.messages].every((m) => !m.text.includes('样小红')),
    ).toBe(true);
  });
});

describe('planRecord', () => {
  it('shows every visit: on time, late, missed, pending', () => {
    const { plan: p, visits } = plan();
    const v1 = recordVisit(
      p,
      visits[0]!,
      { doneOn: '2023-03-15', byId: 'teacher-1', content: '识字20个' },
      at('2023-03-15', '18:00'),
    );
    const v2 = recordVisit(p, visits[1]!, { doneOn: '2023-04-03', byId: 'teacher-2' }, at('2023-04-03', '18:00'));

    const record = planRecord([visits[3]!, v2, visits[2]!, v1], at('2023-04-20', '12:00'));

    expect(record.map((r) => [r.no, r.status])).toEqual([
      [1, '已完成'],
      [2, '逾期完成'],
      [3, '逾期未完成'],
      [4, '待完成'],
    ]);
    expect(record[0]).toMatchObject({ doneOn: '2023-03-15', doneBy: 'teacher-1', content: '识字20个' });
  });
});
