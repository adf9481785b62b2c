import { describe, expect, it } from 'vitest';
import { noticeDeadline, reminderAt, timerName } from '../../shared/domain/notice.ts';
import { maskName } from '../../shared/domain/privacy.ts';
import {
  displayPhone,
  type NoticeTemplateName,
  noticeTemplates,
  renderNoticeTemplate,
  returnBy,
} from '../../shared/domain/templates/notice-templates.ts';
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
  // Long but plausible values: four-character names, a long school name, a landline.
  const worst = {
    signature: '荔浦教育',
    guardianName: '欧阳示例',
    child: '欧阳小示例',
    maskedChild: maskName('欧阳小示例'),
    school: '荔浦市青山镇示例中心小学',
    township: '青山镇',
    deadline: cstInstant('2023-12-27', '10:00'),
    schoolPhone: '+867737200000',
    caseRef: 'ABC123',
  };

  it.each(Object.keys(noticeTemplates) as NoticeTemplateName[])('%s fits two UCS-2 parts', (name) => {
    const rendered = renderNoticeTemplate(name, worst as never, 2);

    expect(rendered.parts).toBeLessThanOrEqual(2);
  });

  it('gives the guardian the child, school, return-by date and school phone', () => {
    const { text } = renderNoticeTemplate('notice.guardian', worst, 2);

    expect(text).toContain('欧阳小示例');
    expect(text).toContain('荔浦市青山镇示例中心小学');
    expect(text).toContain('12月27日10:00');
    expect(text).toContain('07737200000');
  });

  it.each([
    'notice.lapsed.school-head',
    'notice.lapsed.township-contact',
    'notice.lapsed.township-government',
    'notice.lapsed.office',
  ] as const)('%s never carries the full child name', (name) => {
    const { text } = renderNoticeTemplate(name, worst, 2);

    expect(text).not.toContain('欧阳小示例');
    expect(text).toContain('欧***例');
  });

  it('refuses a text longer than the allowed parts', () => {
    expect(() => renderNoticeTemplate('notice.guardian', worst, 1)).toThrow(/needs 2 parts \(max 1\)/);
  });

  it('formats dates and phones as read in China', () => {
    expect(returnBy(cstInstant('2023-02-27', '09:05'))).toBe('2月27日09:05');
    expect(displayPhone('+8613800000001')).toBe('13800000001');
  });
});
