import { describe, expect, it } from 'vitest';
import {
  campaignWindows,
  completion,
  completionBySchool,
  createSchoolCampaign,
  recordHouseholdVisit,
  sweepCampaign,
} from '../../shared/domain/campaign.ts';
import { type CampaignWindow, scheduleOf } from '../../shared/domain/followup-config.ts';
import { cstInstant, cstLocalDateTime } from '../../shared/domain/time.ts';
import { directory, dutyTime, followUpSection, smsOptions } from './followup-factories.ts';

const at = (date: string, time = '00:00') => cstInstant(date, time);

const summerBefore: CampaignWindow = {
  id: '2023-summer-before',
  name: '暑假前大家访',
  holiday: 'summer',
  phase: 'before',
  start: '2023-06-26',
  end: '2023-07-07',
};

function campaign(schoolId = 'ml-school', now = at('2023-06-20')) {
  return createSchoolCampaign(
    summerBefore,
    { schoolId, townshipId: 'maling' },
    [
      { ref: 'h1', studentName: '测小明', teacherId: 'teacher-1' },
      { ref: 'h2', studentName: '样小红', teacherId: 'teacher-1' },
      { ref: 'h3', studentName: '虚小刚', teacherId: 'teacher-2' },
    ],
    scheduleOf(followUpSection(), 'campaigns'),
    now,
    dutyTime(),
  );
}

describe('大家访 campaign', () => {
  it('reminds only teachers with households left, each with their own count', () => {
    const c = recordHouseholdVisit(
      campaign(),
      { ref: 'h3', visitedOn: '2023-06-27', byId: 'teacher-2' },
      at('2023-06-27', '18:00'),
    );

    const result = sweepCampaign(c, at('2023-06-30', '09:00'), directory(), smsOptions);

    expect(result.messages.map((m) => m.recipient.personId)).toEqual(['teacher-1']);
    expect(result.messages[0]!.text).toBe('【荔浦教育】暑假前大家访:您还有2户未家访，请于7月7日前完成并登记。');
  });

  it('escalates a late school up the ladder in officials’ working time: head, township contacts, area leader', () => {
    // The window ends Friday 2023-07-07 (deadline 20:00): nothing on the weekend, the head Monday 09:00, the
    // contacts three working days on (Wednesday 09:00), the 包片领导 six (Monday 07-17 09:00).
    const c = campaign();
    expect(c.steps.filter((s) => s.kind === 'escalation').map((s) => cstLocalDateTime(new Date(s.at)))).toEqual([
      '2023-07-10T09:00:00',
      '2023-07-12T09:00:00',
      '2023-07-17T09:00:00',
    ]);
    const s1 = sweepCampaign(c, at('2023-07-06', '09:00'), directory(), smsOptions); // both reminders
    const sat = sweepCampaign(s1.campaign, at('2023-07-08', '09:00'), directory(), smsOptions);
    const sun = sweepCampaign(sat.campaign, at('2023-07-09', '21:00'), directory(), smsOptions);
    const l1 = sweepCampaign(sun.campaign, at('2023-07-10', '09:05'), directory(), smsOptions);
    const l2 = sweepCampaign(l1.campaign, at('2023-07-12', '09:05'), directory(), smsOptions);
    const early = sweepCampaign(l2.campaign, at('2023-07-14', '21:00'), directory(), smsOptions);
    const l3 = sweepCampaign(early.campaign, at('2023-07-17', '09:05'), directory(), smsOptions);

    expect(s1.messages).toHaveLength(4);
    expect([sat.messages, sun.messages, early.messages]).toEqual([[], [], []]);
    expect(l1.messages.map((m) => m.recipient.personId)).toEqual(['head-ml']);
    expect(l1.messages[0]!.text).toContain('马岭中学暑假前大家访已逾期，完成0/3户');
    expect(l2.messages.map((m) => m.recipient.personId)).toEqual(['contact-ml-1', 'contact-ml-2']);
    expect(l3.messages.map((m) => m.recipient.personId)).toEqual(['leader-a']);
    expect([...l1.messages, ...l2.messages, ...l3.messages].some((m) => /测小明|样小红|虚小刚/.test(m.text))).toBe(
      false,
    );
  });

  it('a complete school leaves the sweep and is never escalated', () => {
    let c = campaign();
    for (const [ref, by] of [
      ['h1', 'teacher-1'],
      ['h2', 'teacher-1'],
      ['h3', 'teacher-2'],
    ] as const)
      c = recordHouseholdVisit(c, { ref, visitedOn: '2023-07-03', byId: by }, at('2023-07-03', '18:00'));

    const result = sweepCampaign(c, at('2023-07-20'), directory(), smsOptions);

    expect(c.completedAt).toBeDefined();
    expect(result.messages).toEqual([]);
  });

  it('refuses a visit recorded by another teacher or before the window', () => {
    const c = campaign();

    expect(() =>
      recordHouseholdVisit(c, { ref: 'h1', visitedOn: '2023-06-27', byId: 'teacher-2' }, at('2023-06-27')),
    ).toThrow(/byId/);
    expect(() =>
      recordHouseholdVisit(c, { ref: 'h1', visitedOn: '2023-06-20', byId: 'teacher-1' }, at('2023-06-27')),
    ).toThrow(/visitedOn/);
  });

  it('refuses a visit dated after today, on a date that does not exist, or with hostile text', () => {
    const c = campaign();
    const visit = (visitedOn: string, note?: string) => () =>
      recordHouseholdVisit(
        c,
        { ref: 'h1', visitedOn, byId: 'teacher-1', ...(note === undefined ? {} : { note }) },
        at('2023-06-28'),
      );

    expect(visit('2023-06-29')).toThrow('visitedOn: 不能晚于今天（2023-06-28）');
    expect(visit('2023-06-31')).toThrow('visitedOn: 不是真实存在的日期');
    expect(visit('2023-06-28', '\u202E已访')).toThrow(/note: 含有不允许的控制字符或双向文本控制符/);
    expect(visit('2023-06-28', ' 已访 ')().households[0]).toMatchObject({ visitedOn: '2023-06-28', note: '已访' });
  });

  it('reports completion per school, worst first, with the late flag', () => {
    const a = recordHouseholdVisit(
      campaign('ml-school'),
      { ref: 'h1', visitedOn: '2023-07-01', byId: 'teacher-1' },
      at('2023-07-01'),
    );
    const b = campaign('ml-second');

    const rows = completionBySchool([a, b], at('2023-07-08'));

    expect(completion(a)).toMatchObject({ done: 1, total: 3 });
    expect(rows.map((r) => [r.schoolId, r.done, r.total, r.late])).toEqual([
      ['ml-second', 0, 3, true],
      ['ml-school', 1, 3, true],
    ]);
  });
});

describe('campaignWindows from the term dates', () => {
  const terms = [
    { start: '2023-02-06', end: '2023-07-07' },
    { start: '2023-09-01', end: '2024-01-19' },
    { start: '2024-02-26', end: '2024-07-05' },
  ];

  it('derives a window before and after each 寒假 and 暑假', () => {
    const windows = campaignWindows(terms, { beforeDays: 14, afterDays: 10, windows: [] });

    expect(windows.map((w) => [w.id, w.name, w.start, w.end])).toEqual([
      // The break before the first configured term (the 2023 寒假) has its "after" window too.
      ['2023-winter-after', '2023年寒假后大家访', '2023-01-27', '2023-02-05'],
      ['2023-summer-before', '2023年暑假前大家访', '2023-06-24', '2023-07-07'],
      ['2023-summer-after', '2023年暑假后大家访', '2023-08-22', '2023-08-31'],
      ['2024-winter-before', '2024年寒假前大家访', '2024-01-06', '2024-01-19'],
      ['2024-winter-after', '2024年寒假后大家访', '2024-02-16', '2024-02-25'],
      ['2024-summer-before', '2024年暑假前大家访', '2024-06-22', '2024-07-05'],
    ]);
  });

  it('lets an explicit window replace a derived one with the same id', () => {
    const windows = campaignWindows(terms, {
      beforeDays: 14,
      afterDays: 10,
      windows: [{ ...summerBefore, start: '2023-07-01' }],
    });

    expect(windows.find((w) => w.id === '2023-summer-before')).toMatchObject({
      start: '2023-07-01',
      name: '暑假前大家访',
    });
    expect(windows).toHaveLength(6);
  });
});
