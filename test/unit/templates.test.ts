import { describe, expect, it } from 'vitest';
import { smsParts } from '../../shared/domain/message.ts';
import { outboxTemplates } from '../../shared/domain/templates/outbox-templates.ts';
import { defineTemplate, renderSms } from '../../shared/domain/templates/render.ts';
import {
  periodLabel,
  reportEscalationTemplate,
  reportParams,
  reportReminderTemplate,
} from '../../shared/domain/templates/report-templates.ts';

// Realistic long names (longer than any in the county's directory).
const longSchool = '荔浦市青山镇特殊教育学校附属九年一贯制实验学校';
const longTownship = '荔浦市修仁镇人民政府教育办公室';
const options = { signature: '荔浦教育', maxParts: 2 };

describe('SMS parts (UCS-2: 70 single, 67 per part)', () => {
  it('counts the boundaries', () => {
    expect(smsParts('字'.repeat(70))).toBe(1);
    expect(smsParts('字'.repeat(71))).toBe(2);
    expect(smsParts('字'.repeat(134))).toBe(2);
    expect(smsParts('字'.repeat(135))).toBe(3);
  });
});

describe('report templates', () => {
  const params = reportParams({
    schoolName: longSchool,
    townshipName: longTownship,
    cadence: 'weekly',
    periodKey: '2023-W52',
    deadline: '2023-12-29T09:00:00.000Z',
  });

  it.each([
    ['reminder', () => renderSms(reportReminderTemplate, params, options)],
    ['escalation', () => renderSms(reportEscalationTemplate, { ...params, level: 3 }, options)],
  ])('%s fits in 2 parts with long names and starts with the signature', (_name, render) => {
    const rendered = render();

    expect(rendered.parts).toBeLessThanOrEqual(2);
    expect(rendered.overLimit).toBe(false);
    expect(rendered.text.startsWith('【荔浦教育】')).toBe(true);
  });

  it('reads periods and deadlines in Chinese', () => {
    const rendered = renderSms(
      reportReminderTemplate,
      reportParams({
        schoolName: '马岭镇中心小学',
        townshipName: '马岭镇',
        cadence: 'daily',
        periodKey: '2023-02-20',
        deadline: '2023-02-20T09:00:00.000Z',
      }),
      options,
    );

    expect(rendered.text).toBe('【荔浦教育】马岭镇中心小学2月20日日报未报送（截止2月20日17:00），请校长尽快报送。');
    expect(periodLabel('monthly', '2023-02')).toBe('2023年2月');
  });
});

describe('outbox alert templates', () => {
  it.each(outboxTemplates.map((t) => [t.id, t] as const))('%s fits in 2 parts', (_id, template) => {
    const rendered = renderSms(
      template,
      { recipient: `${longSchool}校长`, phone: '138****0001', subject: '劝返通知', reason: '对方已退订' },
      options,
    );

    expect(rendered.parts).toBeLessThanOrEqual(2);
  });
});

describe('renderSms privacy', () => {
  it("masks a child's name in an official's message but not in the guardian's", () => {
    const body = (p: { studentName: string }) => `学生${p.studentName}未返校。`;
    const official = defineTemplate({ id: 't.official', audience: 'official', body });
    const guardian = defineTemplate({ id: 't.guardian', audience: 'guardian', body });

    expect(renderSms(official, { studentName: '王小明' }, options).text).toBe('【荔浦教育】学生王*明未返校。');
    expect(renderSms(guardian, { studentName: '王小明' }, options).text).toBe('【荔浦教育】学生王小明未返校。');
  });
});
