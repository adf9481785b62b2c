import { describe, expect, it } from 'vitest';
import { createFollowUpPlan, sweepVisit } from '../../shared/domain/followup.ts';
import { DEFAULT_SCHEDULES, dutyScheduleSchema } from '../../shared/domain/followup-config.ts';
import { dutySteps, schoolDays } from '../../shared/domain/followup-duty.ts';
import { cstInstant, cstLocalDateTime } from '../../shared/domain/time.ts';
import { directory, dutyTime, followUpSection, lipuCalendar, smsOptions } from './followup-factories.ts';

/*
 * A fixed calendar: the bureau's 2023 terms (config/lipu.json) and the 2023 national calendar shipped in
 * config/holidays/2023.json — 劳动节 04-29…05-03 off, Sunday 04-23 and Saturday 05-06 调休 working days.
 */
const at = (date: string, time = '00:00') => cstInstant(date, time);
const cst = (iso: string) => cstLocalDateTime(new Date(iso)).slice(0, 16);
const escalations = (dueDate: string, schedule = DEFAULT_SCHEDULES.plan) =>
  dutySteps(dueDate, schedule, schoolDays(lipuCalendar()), dutyTime())
    .filter((s) => s.kind === 'escalation')
    .map((s) => `${cst(s.at)} ${s.roles.join('+')}`);

describe('follow-up and 送教上门 escalations in officials’ working time', () => {
  it('the calendar data says what the tests rely on', () => {
    const time = dutyTime();
    expect(['2023-04-23', '2023-05-06'].map((d) => time.isWorkingDay(d))).toEqual([true, true]);
    expect(['2023-03-18', '2023-03-19', '2023-04-29', '2023-05-03'].map((d) => time.isWorkingDay(d))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('a visit due on a Friday evening reaches the head on Monday 09:00, the 包乡镇人员 on Wednesday', () => {
    expect(escalations('2023-03-17')).toEqual(['2023-03-20T09:00 school-head', '2023-03-22T09:00 township-contact']);
    expect(escalations('2023-03-17', DEFAULT_SCHEDULES.sendTeaching)).toEqual([
      '2023-03-20T09:00 school-head',
      '2023-03-22T09:00 township-contact',
    ]);
  });

  it('a 调休 Saturday or Sunday counts as a working day; the 劳动节 holiday does not', () => {
    // Friday 04-21 → the 调休 Sunday 04-23; Friday 05-05 → the 调休 Saturday 05-06, then Monday and Tuesday.
    expect(escalations('2023-04-21')).toEqual(['2023-04-23T09:00 school-head', '2023-04-25T09:00 township-contact']);
    expect(escalations('2023-05-05')).toEqual(['2023-05-06T09:00 school-head', '2023-05-09T09:00 township-contact']);
    // Friday 04-28, then five days off: Thursday 05-04.
    expect(escalations('2023-04-28')).toEqual(['2023-05-04T09:00 school-head', '2023-05-06T09:00 township-contact']);
  });

  it('a step may stay wall-clock, and the older afterDays form still counts school days at escalateAt', () => {
    const wall = dutyScheduleSchema.parse({
      escalation: [
        { after: '13h', basis: 'wall', roles: ['school-head'] },
        { after: '21h', roles: ['township-contact'] },
      ],
    });
    expect(wall.escalation[1]).toMatchObject({ basis: 'working' });
    expect(escalations('2023-03-17', wall)).toEqual([
      '2023-03-18T09:00 school-head',
      '2023-03-22T09:00 township-contact',
    ]);
    const days = dutyScheduleSchema.parse({
      escalateAt: '10:00',
      escalation: [
        { afterDays: 1, roles: ['school-head'] },
        { afterDays: 3, roles: ['township-contact'] },
      ],
    });
    expect(escalations('2023-03-17', days)).toEqual([
      '2023-03-20T10:00 school-head',
      '2023-03-22T10:00 township-contact',
    ]);
  });

  it('refuses mixed forms, delays that do not increase and a bad duration, in Chinese', () => {
    const issues = (escalation: unknown[]) =>
      dutyScheduleSchema.safeParse({ escalation }).error?.issues.map((i) => i.message) ?? [];
    expect(
      issues([
        { after: '1h', roles: ['school-head'] },
        { afterDays: 3, roles: ['township-contact'] },
      ]),
    ).toContain('各级上报须统一使用 after（时长）或 afterDays（天数）');
    expect(
      issues([
        { after: '21h', roles: ['school-head'] },
        { after: '1h', roles: ['township-contact'] },
      ]),
    ).toContain('各级上报时间须依次严格递增');
    expect(dutyScheduleSchema.safeParse({ escalation: [{ after: 'soon', roles: ['office'] }] }).success).toBe(false);
    expect(
      dutyScheduleSchema.safeParse({ escalation: [{ after: '1h', basis: 'lunar', roles: ['office'] }] }).success,
    ).toBe(false);
  });

  it('the sweep sends nothing over the weekend and the head’s step on Monday morning (configured schedule too)', () => {
    const returnedFriday = (config = followUpSection()) =>
      createFollowUpPlan(
        {
          caseId: 'case-1',
          studentName: '测小明',
          schoolId: 'ml-school',
          townshipId: 'maling',
          returnedOn: '2023-03-10',
          responsibleIds: ['teacher-1'],
          mentorId: 'mentor-1',
        },
        { id: 'plan-1', now: at('2023-03-10', '10:00'), config, calendar: lipuCalendar(), time: dutyTime() },
      );
    const { plan, visits } = returnedFriday();
    let visit = visits[0]!;
    expect(visit.dueDate).toBe('2023-03-17');
    const sent: string[] = [];
    for (const [date, time] of [
      ['2023-03-17', '08:05'], // the teacher's reminder (due Thursday 08:00) goes out
      ['2023-03-17', '21:05'],
      ['2023-03-18', '09:05'],
      ['2023-03-19', '21:05'],
      ['2023-03-20', '08:05'],
      ['2023-03-20', '09:05'],
      ['2023-03-21', '09:05'],
      ['2023-03-22', '09:05'],
    ] as const) {
      const out = sweepVisit(plan, visit, at(date, time), directory(), smsOptions);
      visit = out.visit;
      sent.push(...out.messages.map((m) => `${date} ${time} ${m.recipient.personId}`));
    }
    expect(sent).toEqual([
      '2023-03-17 08:05 teacher-1',
      '2023-03-20 09:05 head-ml',
      '2023-03-22 09:05 contact-ml-1',
      '2023-03-22 09:05 contact-ml-2',
    ]);

    // The bureau's own schedule: the head three office hours after the deadline (11:00 Monday).
    const configured = returnedFriday(
      followUpSection({
        plan: { schedule: { escalation: [{ after: '3h', roles: ['school-head'] }] } },
      }),
    );
    expect(configured.visits[0]!.steps.filter((s) => s.kind === 'escalation').map((s) => cst(s.at))).toEqual([
      '2023-03-20T11:00',
    ]);
  });
});
