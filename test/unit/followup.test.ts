import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/domain/errors.ts';
import {
  closePlan,
  completeIfDone,
  createFollowUpPlan,
  followUpDueDates,
  recordVisit,
  reopenDecision,
  sweepVisit,
} from '../../shared/domain/followup.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { directory, dutyTime, followUpSection, lipuCalendar, smsOptions } from './followup-factories.ts';

const at = (date: string, time = '00:00') => cstInstant(date, time);

function planOn(returnedOn: string, now = at(returnedOn, '10:00')) {
  return createFollowUpPlan(
    {
      caseId: 'case-1',
      studentName: '测小明',
      schoolId: 'ml-school',
      townshipId: 'maling',
      returnedOn,
      responsibleIds: ['teacher-1'],
      mentorId: 'mentor-1',
    },
    { id: 'plan-1', now, config: followUpSection(), calendar: lipuCalendar(), time: dutyTime() },
  );
}

describe('follow-up due dates on the school calendar', () => {
  it('moves a visit that falls in the 2023 劳动节 week to the first school day after it', () => {
    const dates = followUpDueDates('2023-04-24', followUpSection().plan, lipuCalendar());

    expect(dates).toEqual(['2023-05-04', '2023-05-08', '2023-05-15', '2023-05-22']);
  });

  it('moves a visit that falls on 清明 (2023-04-05) to the next day', () => {
    const dates = followUpDueDates('2023-03-29', followUpSection().plan, lipuCalendar());

    expect(dates).toEqual(['2023-04-06', '2023-04-12', '2023-04-19', '2023-04-26']);
  });

  it('keeps dates strictly increasing when a long break pushes two visits together', () => {
    const dates = followUpDueDates('2023-06-26', followUpSection().plan, lipuCalendar());

    expect(dates).toEqual(['2023-07-03', '2023-09-01', '2023-09-04', '2023-09-05']);
  });
});

describe('createFollowUpPlan', () => {
  it('creates four weekly visits with a mentor and a window of 56 days', () => {
    const { plan, visits } = planOn('2023-04-24');

    expect(plan).toMatchObject({ kind: 'followup', mentorId: 'mentor-1', endsOn: '2023-06-19', visitCount: 4 });
    expect(visits.map((v) => v.no)).toEqual([1, 2, 3, 4]);
  });

  it('computes holiday-aware steps: reminder on the school day before, escalations on school days after', () => {
    const { visits } = planOn('2023-04-24');

    // Visit 1 due Thu 05-04; the school day before is Fri 04-28 (04-29..05-03 off); 05-06 (Sat) is a 调休 school day.
    expect(visits[0]!.steps).toEqual([
      { kind: 'reminder', level: 0, at: at('2023-04-28', '08:00').toISOString(), roles: ['responsible'] },
      { kind: 'escalation', level: 1, at: at('2023-05-05', '09:00').toISOString(), roles: ['school-head'] },
      { kind: 'escalation', level: 2, at: at('2023-05-08', '09:00').toISOString(), roles: ['township-contact'] },
    ]);
    expect(visits[0]!.deadline).toBe(at('2023-05-04', '20:00').toISOString());
  });

  it('names the missing field', () => {
    const create = () =>
      createFollowUpPlan(
        {
          caseId: 'case-1',
          studentName: '测小明',
          schoolId: 'ml-school',
          townshipId: 'maling',
          returnedOn: '2023-04-24',
          responsibleIds: ['teacher-1'],
        } as never,
        { id: 'p', now: at('2023-04-24'), config: followUpSection(), calendar: lipuCalendar(), time: dutyTime() },
      );

    expect(create).toThrow(ValidationError);
    expect(create).toThrow(/mentorId/);
  });
});

describe('sweepVisit', () => {
  it('reminds the responsible teacher with a masked name, once', () => {
    const { plan, visits } = planOn('2023-04-24');
    const now = at('2023-04-28', '08:05');

    const first = sweepVisit(plan, visits[0]!, now, directory(), smsOptions);
    const second = sweepVisit(plan, first.visit, now, directory(), smsOptions);

    expect(first.messages).toHaveLength(1);
    expect(first.messages[0]).toMatchObject({
      id: 'visit-plan-1-1-s0-teacher-1',
      recipient: { personId: 'teacher-1', role: 'teacher' },
      audience: 'official',
    });
    expect(first.messages[0]!.text).toContain('测*明');
    expect(first.messages[0]!.text).not.toContain('测小明');
    expect(first.messages[0]!.text).toContain('5月4日');
    expect(first.messages[0]!.parts).toBeLessThanOrEqual(2);
    expect(second.messages).toEqual([]);
  });

  it('escalates a missed visit to the school head, then to both township contacts', () => {
    const { plan, visits } = planOn('2023-04-24');
    const afterReminder = sweepVisit(plan, visits[0]!, at('2023-04-28', '08:05'), directory(), smsOptions).visit;

    const level1 = sweepVisit(plan, afterReminder, at('2023-05-05', '09:00'), directory(), smsOptions);
    const level2 = sweepVisit(plan, level1.visit, at('2023-05-08', '09:01'), directory(), smsOptions);

    expect(level1.messages.map((m) => m.recipient.personId)).toEqual(['head-ml']);
    expect(level1.messages[0]!.text).toContain('[1级提醒]马岭中学');
    expect(level1.visit.escalated).toBe(true);
    expect(level2.messages.map((m) => m.recipient.personId)).toEqual(['contact-ml-1', 'contact-ml-2']);
    expect(level2.messages.every((m) => !m.text.includes('测小明'))).toBe(true);
    expect(level2.visit.nextStep).toBe(3);
  });

  it('does not escalate during the holiday: on 05-02 the first level is still ahead', () => {
    const { plan, visits } = planOn('2023-04-24');
    const afterReminder = sweepVisit(plan, visits[0]!, at('2023-04-28', '08:05'), directory(), smsOptions).visit;

    const result = sweepVisit(plan, afterReminder, at('2023-05-02', '12:00'), directory(), smsOptions);

    expect(result.messages).toEqual([]);
  });

  it('skips a stale reminder when the sweep runs after the deadline, and sends the escalations due', () => {
    const { plan, visits } = planOn('2023-04-24');

    const late = sweepVisit(plan, visits[0]!, at('2023-05-09', '10:00'), directory(), smsOptions);

    expect(late.messages.map((m) => m.recipient.personId)).toEqual(['head-ml', 'contact-ml-1', 'contact-ml-2']);
  });

  it('sends nothing for a visit recorded in time', () => {
    const { plan, visits } = planOn('2023-04-24');
    const done = recordVisit(plan, visits[0]!, { doneOn: '2023-05-04', byId: 'teacher-1' }, at('2023-05-04', '17:00'));

    const result = sweepVisit(plan, done, at('2023-05-05', '09:00'), directory(), smsOptions);

    expect(result.messages).toEqual([]);
    expect(done).toMatchObject({ status: 'done', doneOn: '2023-05-04', doneBy: 'teacher-1' });
  });

  it('does not replay reminders already past when a plan is created late', () => {
    const { plan, visits } = planOn('2023-04-24', at('2023-05-04', '12:00'));

    const result = sweepVisit(plan, visits[0]!, at('2023-05-04', '12:05'), directory(), smsOptions);

    expect(visits[0]!.nextStep).toBe(1);
    expect(result.messages).toEqual([]);
  });
});

describe('recordVisit', () => {
  it('refuses a visit dated in the future', () => {
    const { plan, visits } = planOn('2023-04-24');

    expect(() =>
      recordVisit(plan, visits[0]!, { doneOn: '2023-05-05', byId: 'teacher-1' }, at('2023-05-04', '12:00')),
    ).toThrow(/doneOn/);
  });

  it('completes the plan once no visit is planned', () => {
    const { plan, visits } = planOn('2023-04-24');
    const now = at('2023-05-22', '18:00');
    const done = visits.map((v) => recordVisit(plan, v, { doneOn: v.dueDate, byId: 'teacher-1' }, now));

    expect(completeIfDone(plan, done, now)).toMatchObject({ status: 'completed', version: 1 });
    expect(completeIfDone(plan, visits, now)).toBeUndefined();
  });
});

describe('reopenDecision (hook for the cases code)', () => {
  it('reopens the case with its history when the pupil is absent again within the window', () => {
    const { plan, visits } = planOn('2023-04-24');
    const done = [
      recordVisit(plan, visits[0]!, { doneOn: '2023-05-04', byId: 'teacher-1' }, at('2023-05-04', '18:00')),
    ];

    const decision = reopenDecision(plan, [...done, ...visits.slice(1)], '2023-05-10');

    expect(decision).toMatchObject({
      reopen: true,
      caseId: 'case-1',
      history: { planId: 'plan-1', returnedOn: '2023-04-24', visitsDone: 1, visitsDue: 2, visitsEscalated: 0 },
    });
  });

  it('does not reopen after the window', () => {
    const { plan, visits } = planOn('2023-04-24');

    expect(reopenDecision(plan, visits, '2023-06-20')).toMatchObject({ reopen: false });
  });

  it('closing the plan for a reopen cancels the planned visits', () => {
    const { plan, visits } = planOn('2023-04-24');

    const { plan: closed, cancelled } = closePlan(plan, visits, 'reopened', 'absent again', at('2023-05-10'));

    expect(closed.status).toBe('reopened');
    expect(cancelled.map((v) => v.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(sweepVisit(closed, cancelled[1]!, at('2023-05-20'), directory(), smsOptions).messages).toEqual([]);
    expect(() => closePlan(closed, cancelled, 'closed', 'again', at('2023-05-11'))).toThrow(/不能关闭/);
  });
});
