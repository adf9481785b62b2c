import { smsParts } from '../message.ts';
import { cstParts } from '../time.ts';

/**
 * SMS texts for the 劝返复学通知书 and its escalation, in Simplified Chinese. Guardians get the child's name;
 * officials get it masked (maskName) by the caller (R9). Each text must fit `maxParts` UCS-2 parts (70 chars
 * single, 67 per part when split); render() refuses anything longer instead of sending a third part.
 */
export const noticeTemplates = {
  'notice.guardian': (v: {
    signature: string;
    guardianName: string;
    child: string;
    school: string;
    deadline: Date;
    schoolPhone: string;
  }) =>
    `【${v.signature}】劝返复学通知书：${v.guardianName}您好，您的孩子${v.child}未按时到${v.school}上学。依据《义务教育法》，请于${returnBy(v.deadline)}前送孩子返校复学，逾期学校将依法报告乡镇政府和市教育局。咨询电话${displayPhone(v.schoolPhone)}`,
  'notice.reminder': (v: { signature: string; child: string; school: string; deadline: Date; schoolPhone: string }) =>
    `【${v.signature}】提醒：劝返复学通知书期限将到，请于${returnBy(v.deadline)}前送${v.child}返回${v.school}复学。咨询电话${displayPhone(v.schoolPhone)}`,
  'notice.lapsed.school-head': (v: { signature: string; maskedChild: string; school: string; deadline: Date }) =>
    `【${v.signature}】${v.school}学生${v.maskedChild}的劝返复学通知书已于${returnBy(v.deadline)}到期，仍未复学。请校长依规向乡镇政府和市教育局书面报告。`,
  'notice.lapsed.township-contact': (v: {
    signature: string;
    maskedChild: string;
    school: string;
    township: string;
    deadline: Date;
  }) =>
    `【${v.signature}】${v.township}${v.school}学生${v.maskedChild}的劝返复学通知书${returnBy(v.deadline)}到期仍未复学，请督促学校书面报告并跟进劝返。`,
  'notice.lapsed.township-government': (v: {
    signature: string;
    maskedChild: string;
    school: string;
    deadline: Date;
  }) =>
    `【${v.signature}】${v.school}学生${v.maskedChild}经多次劝返并下达劝返复学通知书，期限（${returnBy(v.deadline)}）已过仍未复学，学校将书面报告，请乡镇政府依法采取措施。`,
  'notice.lapsed.office': (v: {
    signature: string;
    maskedChild: string;
    school: string;
    township: string;
    deadline: Date;
    caseRef: string;
  }) =>
    `【${v.signature}】通知书逾期：${v.township}${v.school}学生${v.maskedChild}，期限${returnBy(v.deadline)}，未复学。案件${v.caseRef}`,
} as const;

export type NoticeTemplateName = keyof typeof noticeTemplates;

/** Renders a template; throws if the text would need more than `maxParts` SMS parts. */
export function renderNoticeTemplate<K extends NoticeTemplateName>(
  name: K,
  vars: Parameters<(typeof noticeTemplates)[K]>[0],
  maxParts: number,
): { template: K; text: string; parts: number } {
  const text = (noticeTemplates[name] as (v: typeof vars) => string)(vars);
  const parts = smsParts(text);
  if (parts > maxParts) throw new RangeError(`SMS template ${name} needs ${parts} parts (max ${maxParts}): shorten it`);
  return { template: name, text, parts };
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
