import { describe, expect, it } from 'vitest';
import { noticeDeadline, reminderAt, timerName } from '../../shared/domain/notice.ts';
import {
  displayPhone,
  noticeTemplates,
  renderNoticeSms,
  returnBy,
} from '../../shared/domain/templates/notice-templates.ts';
import type { SmsTemplate } from '../../shared/domain/templates/render.ts';
import { cstInstant } from '../../shared/domain/time.ts';

describe('notice deadline', () => {
  it('is seven calendar days later at the same CST time (一周内)', () => {
    const deadline = noticeDeadline(cstInstant('2023-02-20', '10:00'));

    expect(deadline.toISOString()).toBe(cstInstant('2023-02-27', '10:00').toISOString());
  });

  it('puts the reminder N days before the deadline, or none when that moment has passed', () => {
    const deadline = cstInstant('2023-02-27', '10:00');

    expect(reminderAt(deadline, 2, cstInstant('2023-02-20', '10:00'))?.toISOString()).toBe(
      cstInstant('2023-02-25', '10:00').toISOString(),
    );
    expect(reminderAt(deadline, 0, cstInstant('2023-02-20', '10:00'))).toBeUndefined();
    expect(reminderAt(deadline, 2, cstInstant('2023-02-26', '10:00'))).toBeUndefined();
  });

  it('derives a valid, deterministic schedule name from the notice id', () => {
    expect(timerName('01h0abcdefghjkmnpqrstvwxyz')).toBe('notice-01h0abcdefghjkmnpqrstvwxyz');
    expect(() => timerName('x'.repeat(60))).toThrow(RangeError);
    expect(() => timerName('bad id')).toThrow(RangeError);
  });
});

describe('notice templates', () => {
  const sms = { signature: '荔浦教育', maxParts: 2 };
  // Long but plausible values: four/five-character names, a long school name, a landline.
  const worst = {
    guardianName: '欧阳示例',
    studentName: '欧阳小示例',
    school: '荔浦市青山镇示例中心小学',
    township: '青山镇',
    returnBy: returnBy(cstInstant('2023-12-27', '10:00')),
    schoolPhone: displayPhone('+867737200000'),
    caseRef: 'ABC123',
  };
  const all = Object.entries(noticeTemplates);

  it.each(all)('%s fits two UCS-2 parts with long names', (_name, template) => {
    const rendered = renderNoticeSms(template as SmsTemplate<typeof worst>, worst, sms);

    expect(rendered.parts).toBeLessThanOrEqual(2);
    expect(rendered.text.startsWith('【荔浦教育】')).toBe(true);
  });

  it('gives the guardian the child, school, return-by date and school phone', () => {
    const { text } = renderNoticeSms(noticeTemplates.guardianNotice, worst, sms);

    expect(text).toContain('欧阳小示例');
    expect(text).toContain('荔浦市青山镇示例中心小学');
    expect(text).toContain('12月27日10:00');
    expect(text).toContain('07737200000');
  });

  it.each(all.filter(([, t]) => t.audience === 'official'))('%s never carries the full child name', (_n, template) => {
    const { text } = renderNoticeSms(template as SmsTemplate<typeof worst>, worst, sms);

    expect(text).not.toContain('欧阳小示例');
    expect(text).toContain('欧***例');
  });

  it('refuses a text longer than the allowed parts', () => {
    expect(() => renderNoticeSms(noticeTemplates.guardianNotice, worst, { ...sms, maxParts: 1 })).toThrow(
      /needs 2 parts \(max 1\)/,
    );
  });

  it('formats dates and phones as read in China', () => {
    expect(returnBy(cstInstant('2023-02-27', '09:05'))).toBe('2月27日09:05');
    expect(displayPhone('+8613800000001')).toBe('13800000001');
  });
});
