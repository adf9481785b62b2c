import { describe, expect, it } from 'vitest';
import {
  monthlyReportNotice,
  previousMonth,
  previousWeek,
  townshipMonthlyReport,
  weeklyDigests,
} from '../../shared/domain/digest.ts';
import { maskName } from '../../shared/domain/privacy.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { directory, smsOptions } from './followup-factories.ts';
import { seed } from './statistics-seed.ts';

const monday = cstInstant('2023-05-01', '08:00');
const options = { ...smsOptions, recipients: ['area-leader', 'township-contact'] as const };

function noChildIn(texts: string[], names: Record<string, string>): boolean {
  const all = Object.values(names).flatMap((n) => [n, maskName(n)]);
  return texts.every((t) => all.every((n) => !t.includes(n)));
}

describe('periods', () => {
  it('the previous week is Monday–Sunday, the previous month a calendar month', () => {
    expect(previousWeek(monday)).toEqual({ from: '2023-04-24', to: '2023-04-30' });
    expect(previousWeek(cstInstant('2023-05-07', '23:00'))).toEqual({ from: '2023-04-24', to: '2023-04-30' });
    expect(previousMonth(cstInstant('2023-05-01', '09:00'))).toEqual({
      from: '2023-04-01',
      to: '2023-04-30',
      key: '2023-04',
    });
    expect(previousMonth(cstInstant('2023-01-01', '09:00'))).toMatchObject({ key: '2022-12' });
  });
});

describe('weekly digests', () => {
  it('sends one SMS per 包片领导 and 包乡镇人员 with the right counts', () => {
    const data = seed();

    const messages = weeklyDigests(directory(), data, previousWeek(monday), monday, options);

    expect(messages.map((m) => m.recipient.personId)).toEqual([
      'leader-a',
      'contact-ml-1',
      'contact-ml-2',
      'contact-sj',
    ]);
    const byPerson = new Map(messages.map((m) => [m.recipient.personId, m.text]));
    expect(byPerson.get('contact-ml-1')).toBe(
      '【荔浦教育】控辍保学周报(4月24日-4月30日)马岭镇:迟报1次,在册未返2人,通知书逾期1份,复学0人,漏访0次。详见系统。',
    );
    expect(byPerson.get('contact-sj')).toContain('双江镇:迟报0次,在册未返0人,通知书逾期0份,复学1人');
    expect(byPerson.get('leader-a')).toContain('所包2个乡镇:迟报1次,在册未返2人,通知书逾期1份,复学1人');
  });

  it('names no child, masked or not, and fits in two SMS parts', () => {
    const data = seed();

    const messages = weeklyDigests(directory(), data, previousWeek(monday), monday, options);

    expect(
      noChildIn(
        messages.map((m) => m.text),
        data.names,
      ),
    ).toBe(true);
    expect(messages.every((m) => m.parts <= 2 && m.audience === 'official')).toBe(true);
  });

  it('uses deterministic ids per week and person, so a rerun cannot enqueue twice', () => {
    const first = weeklyDigests(directory(), seed(), previousWeek(monday), monday, options).map((m) => m.id);
    const again = weeklyDigests(directory(), seed(), previousWeek(monday), cstInstant('2023-05-01', '09:30'), options);

    expect(again.map((m) => m.id)).toEqual(first);
    expect(first[0]).toBe('digest-weekly-2023-04-24-area-leader-leader-a');
  });

  it('leaves out a recipient role that is not configured', () => {
    const messages = weeklyDigests(directory(), seed(), previousWeek(monday), monday, {
      ...smsOptions,
      recipients: ['area-leader'],
    });

    expect(messages.map((m) => m.recipient.personId)).toEqual(['leader-a']);
  });
});

describe('monthly township report', () => {
  it('lists each school of the township with its counts and no child', () => {
    const data = seed();
    const now = cstInstant('2023-05-01', '09:00');

    const report = townshipMonthlyReport(directory(), 'maling', data, previousMonth(now), now, '荔浦市教育局');

    expect(report.title).toBe('马岭镇2023年4月控辍保学工作月报');
    expect(report.document).toContain(
      '全镇合计，报表按时率40.0%(2/5)，新增3人，复学2人，通知书逾期1份，月末在册未返2人，复学用时中位数12天，家访完成2/3',
    );
    expect(report.document).toContain('马岭小学，报表按时率0.0%(0/1)');
    expect(report.schools.map((s) => s.schoolId)).toEqual(['ml-school', 'ml-second']);
    expect(noChildIn([report.document], data.names)).toBe(true);
  });

  it('tells the township government by SMS, or says who is missing', () => {
    const now = cstInstant('2023-05-01', '09:00');
    const ml = townshipMonthlyReport(directory(), 'maling', seed(), previousMonth(now), now, '荔浦市教育局');
    const sj = townshipMonthlyReport(directory(), 'shuangjiang', seed(), previousMonth(now), now, '荔浦市教育局');

    const told = monthlyReportNotice(directory(), ml, now, smsOptions);
    const missing = monthlyReportNotice(directory(), sj, now, smsOptions);

    expect(told.message).toMatchObject({
      id: 'digest-monthly-2023-04-maling-gov-ml',
      recipient: { personId: 'gov-ml', role: 'township-government' },
    });
    expect(told.message!.text).toContain('复学2人,月末在册未返2人,通知书逾期1份,报表按时率40.0%');
    expect(told.message!.parts).toBeLessThanOrEqual(2);
    expect(missing).toEqual({ unresolved: 'township shuangjiang has no active government contact' });
  });
});
