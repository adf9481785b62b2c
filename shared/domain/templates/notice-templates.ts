import { cstParts } from '../time.ts';
import { paramProblems, type SmsProviderConfig } from './provider-rules.ts';
import { defineTemplate, type RenderedSms, renderSms, type SmsTemplate } from './render.ts';

/**
 * SMS texts for the 劝返复学通知书 and its escalation, in Simplified Chinese, on the shared renderer
 * (render.ts): it puts the signature 【…】 in front and masks `studentName`/`guardianName` for officials (R9),
 * so no caller can leak a child's full name to an official. Each text must fit `sms.maxParts` UCS-2 parts
 * (70 chars single, 67 per part when split); renderNoticeSms refuses anything longer.
 */
interface ChildAtSchool extends Record<string, string | number> {
  studentName: string;
  school: string;
  /** `2月27日10:00` (returnBy()). */
  returnBy: string;
}

export const noticeTemplates = {
  guardianNotice: defineTemplate<ChildAtSchool & { guardianName: string; schoolPhone: string }>({
    id: 'notice.guardian',
    audience: 'guardian',
    body: (p) =>
      `劝返复学通知书：${p.guardianName}您好，您的孩子${p.studentName}未按时到${p.school}上学。依据《义务教育法》，请于${p.returnBy}前送孩子返校复学，逾期学校将依法报告乡镇政府和市教育局。咨询电话${p.schoolPhone}`,
  }),
  guardianReminder: defineTemplate<ChildAtSchool & { schoolPhone: string }>({
    id: 'notice.reminder',
    audience: 'guardian',
    body: (p) =>
      `提醒：劝返复学通知书期限将到，请于${p.returnBy}前送${p.studentName}返回${p.school}复学。咨询电话${p.schoolPhone}`,
  }),
  lapsedSchoolHead: defineTemplate<ChildAtSchool>({
    id: 'notice.lapsed.school-head',
    audience: 'official',
    body: (p) =>
      `${p.school}学生${p.studentName}的劝返复学通知书已于${p.returnBy}到期，仍未复学。请校长依规向乡镇政府和市教育局书面报告。`,
  }),
  lapsedTownshipContact: defineTemplate<ChildAtSchool & { township: string }>({
    id: 'notice.lapsed.township-contact',
    audience: 'official',
    body: (p) =>
      `${p.township}${p.school}学生${p.studentName}的劝返复学通知书${p.returnBy}到期仍未复学，请督促学校书面报告并跟进劝返。`,
  }),
  lapsedTownshipGovernment: defineTemplate<ChildAtSchool>({
    id: 'notice.lapsed.township-government',
    audience: 'official',
    body: (p) =>
      `${p.school}学生${p.studentName}经多次劝返并下达劝返复学通知书，期限（${p.returnBy}）已过仍未复学，学校将书面报告，请乡镇政府依法采取措施。`,
  }),
  lapsedOffice: defineTemplate<ChildAtSchool & { township: string; caseRef: string }>({
    id: 'notice.lapsed.office',
    audience: 'official',
    body: (p) =>
      `通知书逾期：${p.township}${p.school}学生${p.studentName}，期限${p.returnBy}，未复学。案件${p.caseRef}`,
  }),
  reEscalatedAreaLeader: defineTemplate<ChildAtSchool & { township: string; caseRef: string }>({
    id: 'notice.re-escalated.area-leader',
    audience: 'official',
    body: (p) =>
      `请督办：${p.township}${p.school}学生${p.studentName}的劝返复学通知书${p.returnBy}到期仍未复学，已报乡镇和包乡镇人员，至今无人确认跟进。案件${p.caseRef}`,
  }),
  reEscalatedChief: defineTemplate<ChildAtSchool & { township: string; caseRef: string }>({
    id: 'notice.re-escalated.chief',
    audience: 'official',
    body: (p) =>
      `请督办：${p.township}${p.school}学生${p.studentName}的劝返复学通知书${p.returnBy}到期仍未复学，乡镇、包乡镇人员和包片领导均未确认跟进。案件${p.caseRef}`,
  }),
  townshipOrderLapsed: defineTemplate<
    ChildAtSchool & { township: string; caseRef: string; orderKind: string; orderDeadline: string }
  >({
    id: 'notice.township-order-lapsed',
    audience: 'official',
    body: (p) =>
      `${p.township}政府${p.orderKind}期限（${p.orderDeadline}）已过，${p.school}学生${p.studentName}仍未复学，请依法处理。案件${p.caseRef}`,
  }),
  undeliveredSchoolHead: defineTemplate<{ studentName: string; reason: string; caseRef: string }>({
    id: 'notice.undelivered.school-head',
    audience: 'official',
    body: (p) =>
      `学生${p.studentName}家长的劝返复学通知书短信${p.reason}，请纸质送达或电话告知家长，并在系统登记送达。案件${p.caseRef}`,
  }),
  receiptMissingSchoolHead: defineTemplate<{ studentName: string; school: string; issuedOn: string; caseRef: string }>({
    id: 'notice.receipt-missing.school-head',
    audience: 'official',
    body: (p) =>
      `${p.school}学生${p.studentName}的劝返复学通知书（${p.issuedOn}签发）尚未登记送达。一周期限自家长接到通知书起算，请登记送达时间和方式。案件${p.caseRef}`,
  }),
} as const;

/** Every shorter wording, per template id (the catalogue registers each with a provider). */
export const noticeFallbacks = (): SmsTemplate<Record<string, string | number>>[] => Object.values(fallbacks).flat();

/**
 * Shorter wordings of each template, tried in order when the full one would pass `maxParts` with long names
 * (pupil and guardian names may be 32 characters, school and township names are not bounded). The last one of
 * each uses only bounded values (the pupil's name, the date, the school phone, the case ref), so every case the
 * API accepts can be notified: a long name never blocks a notice. Same template id, so the log groups them.
 */
const fallbacks: Record<string, SmsTemplate<Record<string, string | number>>[]> = {
  'notice.guardian': [
    defineTemplate({
      id: 'notice.guardian',
      key: 'notice.guardian.short',
      audience: 'guardian',
      body: (p) =>
        `劝返复学通知书：您的孩子${p.studentName}未按时到${p.school}上学，请于${p.returnBy}前送其返校复学，逾期学校将依法报告乡镇政府和教育局。电话${p.schoolPhone}`,
    }),
    defineTemplate({
      id: 'notice.guardian',
      key: 'notice.guardian.shortest',
      audience: 'guardian',
      body: (p) =>
        `劝返复学通知书：请于${p.returnBy}前送您的孩子${p.studentName}返校复学，逾期学校将依法报告乡镇政府和教育局。电话${p.schoolPhone}`,
    }),
  ],
  'notice.reminder': [
    defineTemplate({
      id: 'notice.reminder',
      key: 'notice.reminder.short',
      audience: 'guardian',
      body: (p) => `提醒：劝返复学通知书期限将到，请于${p.returnBy}前送${p.studentName}返校复学。电话${p.schoolPhone}`,
    }),
  ],
  'notice.lapsed.school-head': [
    defineTemplate({
      id: 'notice.lapsed.school-head',
      key: 'notice.lapsed.school-head.short',
      audience: 'official',
      body: (p) =>
        `学生${p.studentName}的劝返复学通知书已于${p.returnBy}到期仍未复学，请校长依规书面报告乡镇政府和市教育局。`,
    }),
  ],
  'notice.lapsed.township-contact': [
    defineTemplate({
      id: 'notice.lapsed.township-contact',
      key: 'notice.lapsed.township-contact.short',
      audience: 'official',
      body: (p) =>
        `${p.school}学生${p.studentName}的劝返复学通知书${p.returnBy}到期仍未复学，请督促学校书面报告并跟进劝返。`,
    }),
    defineTemplate({
      id: 'notice.lapsed.township-contact',
      key: 'notice.lapsed.township-contact.shortest',
      audience: 'official',
      body: (p) =>
        `学生${p.studentName}的劝返复学通知书${p.returnBy}到期仍未复学，请督促学校书面报告。案件${p.caseRef}`,
    }),
  ],
  'notice.lapsed.township-government': [
    defineTemplate({
      id: 'notice.lapsed.township-government',
      key: 'notice.lapsed.township-government.short',
      audience: 'official',
      body: (p) =>
        `学生${p.studentName}经多次劝返并下达劝返复学通知书，期限（${p.returnBy}）已过仍未复学，请乡镇政府依法采取措施。案件${p.caseRef}`,
    }),
  ],
  'notice.re-escalated.area-leader': [
    defineTemplate({
      id: 'notice.re-escalated.area-leader',
      key: 'notice.re-escalated.area-leader.short',
      audience: 'official',
      body: (p) =>
        `请督办：学生${p.studentName}的劝返复学通知书${p.returnBy}到期仍未复学，乡镇和包乡镇人员至今无人确认跟进。案件${p.caseRef}`,
    }),
  ],
  'notice.re-escalated.chief': [
    defineTemplate({
      id: 'notice.re-escalated.chief',
      key: 'notice.re-escalated.chief.short',
      audience: 'official',
      body: (p) =>
        `请督办：学生${p.studentName}的劝返复学通知书${p.returnBy}到期仍未复学，乡镇和包片领导均未确认跟进。案件${p.caseRef}`,
    }),
  ],
  'notice.township-order-lapsed': [
    defineTemplate({
      id: 'notice.township-order-lapsed',
      key: 'notice.township-order-lapsed.short',
      audience: 'official',
      body: (p) =>
        `乡镇政府${p.orderKind}期限（${p.orderDeadline}）已过，学生${p.studentName}仍未复学。案件${p.caseRef}`,
    }),
  ],
  'notice.receipt-missing.school-head': [
    defineTemplate({
      id: 'notice.receipt-missing.school-head',
      key: 'notice.receipt-missing.school-head.short',
      audience: 'official',
      body: (p) =>
        `学生${p.studentName}的劝返复学通知书（${p.issuedOn}签发）尚未登记送达，请登记送达时间和方式。案件${p.caseRef}`,
    }),
  ],
  'notice.lapsed.office': [
    defineTemplate({
      id: 'notice.lapsed.office',
      key: 'notice.lapsed.office.short',
      audience: 'official',
      body: (p) => `通知书逾期：学生${p.studentName}，期限${p.returnBy}，未复学。案件${p.caseRef}`,
    }),
  ],
};

/**
 * Renders with the shared renderer, falling back to a shorter wording when the full one would need more than
 * `maxParts`; throws only if even the shortest does (a template edit that broke the limit, caught by its test).
 */
export function renderNoticeSms<P extends Record<string, string | number>>(
  template: SmsTemplate<P>,
  params: P,
  sms: { signature: string; maxParts: number; provider?: SmsProviderConfig },
): RenderedSms {
  const candidates = [template as SmsTemplate<Record<string, string | number>>, ...(fallbacks[template.id] ?? [])];
  let rendered: RenderedSms | undefined;
  for (const candidate of candidates) {
    rendered = renderSms(candidate, params, sms);
    // A template provider also refuses a parameter over its variable limit: the next, shorter wording drops it.
    if (!rendered.overLimit && paramProblems(rendered, sms.provider).length === 0) return rendered;
  }
  throw new RangeError(`SMS template ${template.id} needs ${rendered!.parts} parts (max ${sms.maxParts}): shorten it`);
}

/** `2月27日10:00` in CST: the return-by moment as guardians read it. */
export function returnBy(deadline: Date): string {
  const p = cstParts(deadline);
  return `${p.month}月${p.day}日${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** +8613800000001 → 13800000001; a landline +867737212345 → 07737212345 (as dialled inside China). */
export function displayPhone(e164: string): string {
  const national = e164.replace(/^\+86/, '');
  return /^1[3-9]\d{9}$/.test(national) ? national : `0${national}`;
}

/** Short case reference for officials (no name): the last 6 characters of the case id. */
export function caseRef(caseId: string): string {
  return caseId.slice(-6).toUpperCase();
}
