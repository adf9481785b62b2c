import * as z from 'zod/mini';
import { SchoolCalendar } from '../domain/calendar.ts';
import { type Actor, actorSchema, applyAction, assertNoticeAllowed, type Case, parseInput } from '../domain/case.ts';
import type { School } from '../domain/directory.ts';
import { NotFoundError, NoticeNeedsConfirmationError } from '../domain/errors.ts';
import { note, text } from '../domain/input.ts';
import type { Message } from '../domain/message.ts';
import {
  type Notice,
  noticeDateWarnings,
  noticeDeadline,
  noticeMessageIds,
  reminderAt,
  timerName,
} from '../domain/notice.ts';
import { maskName } from '../domain/privacy.ts';
import { displayPhone, noticeTemplates, renderNoticeSms, returnBy } from '../domain/templates/notice-templates.ts';
import { type CaseDeps, queuedMessage, retryOnConflict } from './case-deps.ts';

const inPersonSchema = z.strictObject({ receivedBy: text(32), evidenceRef: z.optional(note(100)) });

/**
 * Issues a 劝返复学通知书 to the guardian (R3, §四(一)).
 * 1. Check the lifecycle (only a case in persuasion), the visit count (config cases.minVisitsBeforeNotice) and
 *    that the guardian has a mobile.
 * 2. Make the notice: issuedAt = now, deadline = now + 7 calendar days (provisional until the receipt is recorded,
 *    final when the notice is handed over in person: `receivedInPerson`), a deterministic timer name. Unless the
 *    issuer confirmed, refuse (NoticeNeedsConfirmationError, with the dates) when it is issued outside term or
 *    its deadline or reminder falls on a day without school.
 * 3. In ONE transaction: case → notice-issued, the notice (pending, in the due index), the timeline event,
 *    the guardian's notice SMS (due now) and the reminder SMS (QUEUED, notBefore = deadline − N days).
 * The timer itself is created by the case-reactor from the notice's stream record (and re-created by reconcile).
 */
export async function issueNoticeUseCase(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'clock' | 'newId' | 'log' | 'config'>,
  caseId: string,
  issuedBy: Actor,
  options: {
    confirmed?: boolean;
    /** The guardian took the notice from the issuer's hand: the receipt (送达) is the issue itself. */
    receivedInPerson?: { receivedBy: string; evidenceRef?: string };
  } = {},
): Promise<Notice> {
  const by = parseInput(actorSchema, issuedBy, 'issuedBy');
  const inPerson = options.receivedInPerson
    ? parseInput(inPersonSchema, options.receivedInPerson, 'receivedInPerson')
    : undefined;
  const directory = await deps.directory.load();
  return retryOnConflict(async () => {
    const c = await deps.repo.getCase(caseId);
    if (!c) throw new NotFoundError('case', caseId);
    assertNoticeAllowed(c, deps.config.cases.minVisitsBeforeNotice);
    const school = directory.schools.find((s) => s.id === c.schoolId);
    if (!school) throw new NotFoundError('school', c.schoolId);
    // assertNoticeAllowed refused a case without the guardian's name and mobile (e.g. one opened from a report).
    const guardianPhone = c.guardian.phone!;
    const guardianName = c.guardian.name!;

    const now = deps.clock.now();
    const noticeId = deps.newId();
    const deadline = noticeDeadline(now);
    const remindAt = reminderAt(deadline, deps.config.cases.reminderDaysBefore, now);
    if (!options.confirmed) {
      const calendar = new SchoolCalendar(deps.config.calendar, (m) => deps.log.warn(m));
      const warnings = noticeDateWarnings(calendar, { issuedAt: now, deadline, reminderAt: remindAt });
      if (warnings.length > 0)
        throw new NoticeNeedsConfirmationError(warnings, {
          issuedAt: now.toISOString(),
          deadline: deadline.toISOString(),
          ...(remindAt ? { reminderAt: remindAt.toISOString() } : {}),
        });
    }
    const subject = { kind: 'notice' as const, id: noticeId };
    const recipient = {
      role: 'guardian' as const,
      phone: guardianPhone,
      label: `${maskName(guardianName)}(监护人)`,
    };
    const common = {
      audience: 'guardian' as const,
      recipient,
      now,
      subject,
      schoolId: c.schoolId,
      townshipId: c.townshipId,
      caseId: c.id,
    };
    const params = {
      studentName: c.studentName,
      school: school.name,
      returnBy: returnBy(deadline),
      schoolPhone: displayPhone(school.phone),
    };

    const messages: Message[] = [
      queuedMessage({
        ...common,
        id: noticeMessageIds.guardianNotice(noticeId),
        rendered: renderNoticeSms(noticeTemplates.guardianNotice, { ...params, guardianName }, deps.config.sms),
        notBefore: now,
      }),
    ];
    if (remindAt)
      messages.push(
        guardianReminderMessage(deps.config.sms, {
          id: noticeMessageIds.guardianReminder(noticeId),
          noticeId,
          case: c,
          school,
          deadline,
          remindAt,
          now,
        }),
      );

    const notice: Notice = {
      id: noticeId,
      caseId,
      schoolId: c.schoolId,
      townshipId: c.townshipId,
      issuedAt: now.toISOString(),
      deadline: deadline.toISOString(),
      status: 'pending',
      issuedBy: by,
      timerName: timerName(noticeId),
      reminderMessageIds: remindAt ? [noticeMessageIds.guardianReminder(noticeId)] : [],
      ...(inPerson
        ? {
            receipt: {
              receivedAt: now.toISOString(),
              method: 'in-person' as const,
              receivedBy: inPerson.receivedBy,
              ...(inPerson.evidenceRef ? { evidenceRef: inPerson.evidenceRef } : {}),
              recordedAt: now.toISOString(),
              recordedBy: by,
            },
          }
        : {}),
      version: 0,
    };
    await deps.repo.commit({
      case: applyAction(c, 'issue-notice', now, { currentNoticeId: noticeId }),
      expectedVersion: c.version,
      notice: { value: notice, expectedVersion: 0 },
      events: [
        {
          id: deps.newId(),
          caseId,
          at: now.toISOString(),
          type: 'notice-issued',
          by,
          data: { noticeId, deadline: notice.deadline, ...(inPerson ? { receipt: 'in-person' } : {}) },
        },
      ],
      enqueue: messages,
    });
    deps.log.info('notice issued', { caseId, noticeId, deadline: notice.deadline });
    return { ...notice, version: 1 };
  });
}

/**
 * The guardian's reminder SMS of a notice, due at `remindAt`, naming the return-by of `deadline`: at issue, and again
 * when a receipt moved the deadline (record-notice-receipt).
 */
export function guardianReminderMessage(
  sms: CaseDeps['config']['sms'],
  input: {
    id: string;
    noticeId: string;
    case: Pick<Case, 'id' | 'schoolId' | 'townshipId' | 'studentName' | 'guardian'>;
    school: Pick<School, 'name' | 'phone'>;
    deadline: Date;
    remindAt: Date;
    now: Date;
  },
): Message {
  const c = input.case;
  return queuedMessage({
    id: input.id,
    audience: 'guardian',
    recipient: {
      role: 'guardian',
      phone: c.guardian.phone!,
      label: `${maskName(c.guardian.name ?? '监护人')}(监护人)`,
    },
    rendered: renderNoticeSms(
      noticeTemplates.guardianReminder,
      {
        studentName: c.studentName,
        school: input.school.name,
        returnBy: returnBy(input.deadline),
        schoolPhone: displayPhone(input.school.phone),
      },
      sms,
    ),
    notBefore: input.remindAt,
    now: input.now,
    subject: { kind: 'notice', id: input.noticeId },
    schoolId: c.schoolId,
    townshipId: c.townshipId,
    caseId: c.id,
  });
}
