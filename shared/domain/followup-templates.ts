import type { Person, Role } from './directory.ts';
import { type Message, messageSchema } from './message.ts';
import { defineTemplate, type RenderedSms, renderedFields, renderSms, type SmsTemplate } from './templates/render.ts';

/**
 * SMS texts of follow-up, 送教上门, 大家访 and digests, on the shared renderer. Officials' texts never carry a
 * child's full name (callers pass a masked name as `pupil`); dates arrive formatted (`2月27日`, cstMonthDay) so
 * every parameter is a plain value a template provider can fill. Every text is checked against the part limit.
 */
export const followUpTemplates = {
  /** Reminder to the responsible teacher the day(s) before a follow-up visit. */
  visitReminder: defineTemplate<{ pupil: string; no: number; of: number; due: string }>({
    id: 'followup-reminder',
    audience: 'official',
    body: (p) => `复学学生${p.pupil}第${p.no}/${p.of}次跟踪家访请于${p.due}前完成并在系统登记。`,
  }),
  visitEscalation: defineTemplate<{ school: string; pupil: string; no: number; due: string; level: number }>({
    id: 'followup-escalation',
    audience: 'official',
    body: (p) =>
      `[${p.level}级提醒]${p.school}复学学生${p.pupil}第${p.no}次跟踪家访(应于${p.due}完成)未登记，请督促落实。`,
  }),
  sendTeachingReminder: defineTemplate<{ pupil: string; due: string }>({
    id: 'send-teaching-reminder',
    audience: 'official',
    body: (p) => `送教上门:学生${p.pupil}本次送教请于${p.due}前完成并登记送教内容。`,
  }),
  sendTeachingEscalation: defineTemplate<{ school: string; pupil: string; due: string; level: number }>({
    id: 'send-teaching-escalation',
    audience: 'official',
    body: (p) => `[${p.level}级提醒]${p.school}送教上门学生${p.pupil}(应于${p.due}送教)未登记，请督促落实。`,
  }),
  campaignReminder: defineTemplate<{ campaign: string; left: number; end: string }>({
    id: 'campaign-reminder',
    audience: 'official',
    body: (p) => `${p.campaign}:您还有${p.left}户未家访，请于${p.end}前完成并登记。`,
  }),
  campaignEscalation: defineTemplate<{ campaign: string; school: string; done: number; total: number; level: number }>({
    id: 'campaign-escalation',
    audience: 'official',
    body: (p) => `[${p.level}级提醒]${p.school}${p.campaign}已逾期，完成${p.done}/${p.total}户，请督促落实。`,
  }),
  weeklyDigest: defineTemplate<{
    from: string;
    to: string;
    scope: string;
    lateReports: number;
    openCases: number;
    noticesLapsed: number;
    returns: number;
    missedVisits: number;
  }>({
    id: 'digest-weekly',
    audience: 'official',
    body: (p) =>
      `控辍保学周报(${p.from}-${p.to})${p.scope}:迟报${p.lateReports}次,在册未返${p.openCases}人,通知书逾期${p.noticesLapsed}份,复学${p.returns}人,漏访${p.missedVisits}次。详见系统。`,
  }),
  monthlyReport: defineTemplate<{
    township: string;
    month: string;
    returns: number;
    openCases: number;
    noticesLapsed: number;
    onTimeRate: string;
  }>({
    id: 'digest-monthly',
    audience: 'official',
    body: (p) =>
      `${p.township}${p.month}控辍保学工作月报已生成:复学${p.returns}人,月末在册未返${p.openCases}人,通知书逾期${p.noticesLapsed}份,报表按时率${p.onTimeRate}。请登录系统查阅。`,
  }),
} as const;

/** Renders and refuses a text over the part limit (a template bug, not a runtime condition). */
export function renderChecked<P extends Record<string, string | number>>(
  template: SmsTemplate<P>,
  params: P,
  sms: { signature: string; maxParts: number },
): RenderedSms {
  const rendered = renderSms(template, params, sms);
  if (rendered.overLimit)
    throw new RangeError(`SMS text needs ${rendered.parts} parts, over the limit of ${sms.maxParts}: ${rendered.text}`);
  return rendered;
}

/** An outbox message to an official, due now. The id is deterministic: the same cause cannot enqueue twice. */
export function officialMessage(input: {
  id: string;
  person: Person;
  role: Role;
  rendered: RenderedSms;
  now: Date;
  subject: Message['subject'];
  schoolId?: string;
  townshipId?: string;
}): Message {
  return messageSchema.parse({
    id: input.id,
    audience: 'official',
    recipient: { personId: input.person.id, role: input.role, phone: input.person.phone, label: input.person.name },
    ...renderedFields(input.rendered),
    notBefore: input.now.toISOString(),
    status: 'QUEUED',
    createdAt: input.now.toISOString(),
    attempts: 0,
    subject: input.subject,
    schoolId: input.schoolId,
    townshipId: input.townshipId,
    version: 0,
  });
}
