import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { openCaseInputSchema } from '../../shared/domain/case.ts';
import { noticeTemplates, renderNoticeSms, returnBy } from '../../shared/domain/templates/notice-templates.ts';
import type { SmsTemplate } from '../../shared/domain/templates/render.ts';
import { cstInstant } from '../../shared/domain/time.ts';

const sms = loadConfigFile().sms;
const name = (n: number) => `${'测'.repeat(n - 1)}名`;

/** The longest values the API accepts for a case (names of 32) with very long school and township names. */
function params(studentLen: number, guardianLen: number, schoolLen = 40, townshipLen = 20) {
  return {
    studentName: name(studentLen),
    guardianName: name(guardianLen),
    school: '校'.repeat(schoolLen),
    township: '镇'.repeat(townshipLen),
    returnBy: returnBy(cstInstant('2023-12-31', '23:59')),
    schoolPhone: '07737212345',
    caseRef: 'ABC123',
  };
}

describe('every case the API accepts can be notified (long names fall back to shorter wordings)', () => {
  it('the API still accepts 32-character pupil and guardian names', () => {
    const limits = openCaseInputSchema.shape;
    expect(limits.studentName.safeParse(name(32)).success).toBe(true);
    expect(limits.studentName.safeParse(name(33)).success).toBe(false);
  });

  it.each([
    [20, 20],
    [32, 32],
    [32, 1],
    [1, 32],
  ])('pupil %i and guardian %i characters: every notice template renders within the parts limit', (s, g) => {
    const p = params(s, g);
    for (const template of Object.values(noticeTemplates)) {
      const rendered = renderNoticeSms(template as SmsTemplate<Record<string, string | number>>, p, sms);
      expect(rendered.parts, template.id).toBeLessThanOrEqual(sms.maxParts);
      expect(rendered.template).toBe(template.id);
    }
    const guardian = renderNoticeSms(noticeTemplates.guardianNotice, p, sms);
    expect(guardian.text).toContain(p.studentName); // the guardian reads the full name
    expect(guardian.text).toContain('12月31日23:59');
    expect(guardian.text).toContain('07737212345');
  });

  it('short names keep the full wording (the guardian is greeted by name)', () => {
    const p = params(3, 3, 8, 3);
    expect(renderNoticeSms(noticeTemplates.guardianNotice, p, sms).text).toContain(`${p.guardianName}您好`);
  });

  it('an official’s text never shows the pupil’s full name, even in the shortest wording', () => {
    const p = params(32, 32, 60, 40);
    for (const template of Object.values(noticeTemplates).filter((t) => t.audience === 'official'))
      expect(renderNoticeSms(template as SmsTemplate<Record<string, string | number>>, p, sms).text).not.toContain(
        p.studentName,
      );
  });
});
