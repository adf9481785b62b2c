import type { Person, Role } from './directory.ts';
import { type Message, messageSchema, smsParts } from './message.ts';
import { cstMonthDay } from './time.ts';

/**
 * SMS texts of follow-up, 送教上门, 大家访 and digests. Officials' texts never carry a child's full name
 * (callers pass a masked name); every text is checked against the part limit when built.
 */
export const followUpTemplates = {
  /** Reminder to the responsible teacher the day(s) before a follow-up visit. */
  visitReminder: (p: { pupil: string; no: number; of: number; due: Date }) =>
    `复学学生${p.pupil}第${p.no}/${p.of}次跟踪家访请于${cstMonthDay(p.due)}前完成并在系统登记。`,
  visitEscalation: (p: { school: string; pupil: string; no: number; due: Date; level: number }) =>
    `[${p.level}级提醒]${p.school}复学学生${p.pupil}第${p.no}次跟踪家访(应于${cstMonthDay(p.due)}完成)未登记，请督促落实。`,
  sendTeachingReminder: (p: { pupil: string; due: Date }) =>
    `送教上门:学生${p.pupil}本次送教请于${cstMonthDay(p.due)}前完成并登记送教内容。`,
  sendTeachingEscalation: (p: { school: string; pupil: string; due: Date; level: number }) =>
    `[${p.level}级提醒]${p.school}送教上门学生${p.pupil}(应于${cstMonthDay(p.due)}送教)未登记，请督促落实。`,
  campaignReminder: (p: { campaign: string; left: number; end: Date }) =>
    `${p.campaign}:您还有${p.left}户未家访，请于${cstMonthDay(p.end)}前完成并登记。`,
  campaignEscalation: (p: { campaign: string; school: string; done: number; total: number; level: number }) =>
    `[${p.level}级提醒]${p.school}${p.campaign}已逾期，完成${p.done}/${p.total}户，请督促落实。`,
} as const;

/** Prefixes the signature and refuses a text over the part limit (a template bug, not a runtime condition). */
export function signedText(signature: string, body: string, maxParts: number): { text: string; parts: number } {
  const text = `【${signature}】${body}`;
  const parts = smsParts(text);
  if (parts > maxParts) throw new RangeError(`SMS text needs ${parts} parts, over the limit of ${maxParts}: ${body}`);
  return { text, parts };
}

/** An outbox message to an official, due now. The id is deterministic: the same cause cannot enqueue twice. */
export function officialMessage(input: {
  id: string;
  person: Person;
  role: Role;
  template: string;
  text: string;
  parts: number;
  now: Date;
  subject: Message['subject'];
  schoolId?: string;
  townshipId?: string;
}): Message {
  return messageSchema.parse({
    id: input.id,
    audience: 'official',
    recipient: { personId: input.person.id, role: input.role, phone: input.person.phone, label: input.person.name },
    template: input.template,
    text: input.text,
    parts: input.parts,
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
