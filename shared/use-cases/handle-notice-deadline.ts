import { SchoolCalendar } from '../domain/calendar.ts';
import { applyAction, closedStates } from '../domain/case.ts';
import type { Person } from '../domain/directory.ts';
import type { Message } from '../domain/message.ts';
import { type Notice, noticeMessageIds } from '../domain/notice.ts';
import { type Note, noteFromMessage } from '../domain/official-round.ts';
import type { DirectorySnapshot } from '../domain/ports.ts';
import { maskName } from '../domain/privacy.ts';
import { caseRef, noticeTemplates, renderNoticeSms, returnBy } from '../domain/templates/notice-templates.ts';
import type { RenderedSms } from '../domain/templates/render.ts';
import { parseDuration } from '../domain/time.ts';
import { delayUntil, ladderTimeOf } from '../domain/working-time.ts';
import { type CaseDeps, queuedMessage, retryOnConflict } from './case-deps.ts';
import { sendOfficialRound } from './send-official-round.ts';

/** EventBridge Scheduler invokes with 60-second precision: a timer firing within this of the deadline is on time. */
export const TIMER_PRECISION_MS = 60_000;

export type DeadlineOutcome = 'escalated' | 'not-found' | 'not-pending' | 'not-due' | 'case-closed';

/**
 * The one-week deadline of a notice has come (timer target, and reconcile for missed ones).
 * 1. Load case and notice. A notice no longer pending (returned in time, withdrawn, already lapsed) → nothing.
 * 2. Case still open: in ONE transaction the notice lapses (leaves DUE#NOTICE; enters DUE#ESCALATION for its
 *    re-escalation unless acknowledged, escalation.ts), the case goes
 *    notice-issued → lapsed → escalated, QUEUED reminders are cancelled, and the escalation SMS are enqueued
 *    (school head — who must file the written report —, the township's 包乡镇人员, the township government
 *    contact, the office), child's name masked.
 * 3. A concurrent return or second invocation makes the guard fail: reload and decide again, so exactly one
 *    outcome wins and a second invocation finds the notice no longer pending.
 */
export async function handleNoticeDeadlineUseCase(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'clock' | 'newId' | 'log' | 'config' | 'notes'>,
  input: { caseId: string; noticeId: string },
): Promise<DeadlineOutcome> {
  const outcome = await lapseOrSkip(deps, input);
  // The officials' alerts were written as notes: the round sends each official one SMS (with anything else due
  // for them), within the daily cap. Also after a no-op: a round a crash interrupted is finished here.
  if (deps.notes) await sendOfficialRound({ ...deps, notes: deps.notes });
  return outcome;
}

async function lapseOrSkip(
  deps: Pick<CaseDeps, 'repo' | 'directory' | 'clock' | 'newId' | 'log' | 'config' | 'notes'>,
  input: { caseId: string; noticeId: string },
): Promise<DeadlineOutcome> {
  let directory: DirectorySnapshot | undefined;
  return retryOnConflict(async () => {
    const [c, notice] = await Promise.all([
      deps.repo.getCase(input.caseId),
      deps.repo.getNotice(input.caseId, input.noticeId),
    ]);
    if (!c || !notice) {
      deps.log.warn('notice deadline for an unknown case or notice', input);
      return 'not-found';
    }
    if (notice.status !== 'pending') {
      deps.log.info('notice deadline: nothing to do', { ...input, status: notice.status });
      return 'not-pending';
    }
    const now = deps.clock.now();
    if (now.getTime() < new Date(notice.deadline).getTime() - TIMER_PRECISION_MS) {
      deps.log.warn('notice deadline fired early: ignored (reconcile will process it once due)', {
        ...input,
        deadline: notice.deadline,
      });
      return 'not-due';
    }
    const reminders = await deps.repo.queuedMessageIds(notice.reminderMessageIds);
    if (closedStates.has(c.state) || c.currentNoticeId !== notice.id) {
      // Should not happen (ending a case resolves its notice); repair so reconcile stops finding it.
      await deps.repo.commit({
        case: c,
        expectedVersion: c.version,
        notice: {
          value: { ...notice, status: 'withdrawn', resolvedAt: now.toISOString() },
          expectedVersion: notice.version,
        },
        events: [],
        cancelMessageIds: reminders,
      });
      deps.log.warn('pending notice on a closed case withdrawn', { ...input, state: c.state });
      return 'case-closed';
    }

    directory ??= await deps.directory.load();
    const lapsed = applyAction(c, 'lapse', now);
    const escalated = applyAction(lapsed, 'escalate', now);
    const messages = escalationMessages(deps, directory, c, notice, now);
    const at = now.toISOString();
    await deps.repo.commit({
      case: escalated,
      expectedVersion: c.version,
      notice: {
        value: {
          ...notice,
          status: 'lapsed',
          resolvedAt: at,
          escalation: { level: 0, nextAt: reEscalationAt(deps, now, 1).toISOString() },
        },
        expectedVersion: notice.version,
      },
      events: [
        {
          id: deps.newId(),
          caseId: c.id,
          at,
          type: 'lapsed',
          data: { noticeId: notice.id, deadline: notice.deadline },
        },
        {
          id: deps.newId(),
          caseId: c.id,
          at,
          type: 'escalated',
          data: { noticeId: notice.id, recipients: messages.map((m) => m.recipient.role) },
        },
      ],
      ...(deps.notes
        ? { notes: messages.map((m) => noticeNote(m, c, notice, schoolName(directory!, c.schoolId), 'lapsed')) }
        : { enqueue: messages }),
      cancelMessageIds: reminders,
    });
    deps.log.info('notice lapsed and escalated', { ...input, messages: messages.length });
    return 'escalated';
  });
}

/**
 * When level `level` (1: 包片领导, 2: 总负责人 + office) is due after the previous step at `from`: the configured
 * delay in officials' working time (or as configured), so a Friday-evening lapse reaches the area leader on Monday.
 */
export function reEscalationAt(deps: Pick<CaseDeps, 'config' | 'log'>, from: Date, level: 1 | 2): Date {
  const { reEscalateAfter, basis } = deps.config.cases.escalation;
  const warn = (m: string) => deps.log.warn(m);
  const time =
    basis === 'wall'
      ? undefined
      : ladderTimeOf(new SchoolCalendar(deps.config.calendar, warn), deps.config.reports.officeHours, warn);
  return delayUntil(from, parseDuration(reEscalateAfter[level - 1]!), basis, time);
}

/** How a notice's alerts to officials read when the round merges several (group line, and the tag of each item). */
const noticeNoteKinds = {
  lapsed: { group: { key: 'notice.lapsed', many: '{n}名学生劝返复学通知书期满仍未复学' }, tag: '[通知书期满]' },
  're-escalated': {
    group: { key: 'notice.re-escalated', many: '{n}名学生通知书逾期无人确认跟进，请督办' },
    tag: '[请督办]',
  },
  'order-lapsed': {
    group: { key: 'notice.township-order-lapsed', many: '{n}名学生乡镇责令期满仍未复学' },
    tag: '[责令期满]',
  },
} as const;

/**
 * A notice's alert to an official as a note (the lapse, a re-escalation, a township order's lapse): alone it is the
 * same SMS; merged it reads as one line (R9: masked).
 */
export function noticeNote(
  m: Message,
  c: { id: string; studentName: string },
  notice: Notice,
  school: string,
  kind: keyof typeof noticeNoteKinds,
): Note {
  const pupil = `${school}${maskName(c.studentName)}`;
  const { group, tag } = noticeNoteKinds[kind];
  return noteFromMessage(m, {
    group,
    item: pupil,
    summary: `${tag}${pupil}（案件${caseRef(c.id)}）期限${returnBy(new Date(notice.deadline))}，未复学`,
  });
}

export const schoolName = (directory: DirectorySnapshot, id: string) =>
  directory.schools.find((s) => s.id === id)?.name ?? id;

function escalationMessages(
  deps: Pick<CaseDeps, 'config' | 'log'>,
  directory: DirectorySnapshot,
  c: { id: string; schoolId: string; townshipId: string; studentName: string },
  notice: Notice,
  now: Date,
): Message[] {
  const people = new Map(directory.people.filter((p) => p.active).map((p) => [p.id, p]));
  const school = directory.schools.find((s) => s.id === c.schoolId);
  const township = directory.townships.find((t) => t.id === c.townshipId);
  // studentName goes in as is: the renderer masks it for officials (R9).
  const params = {
    studentName: c.studentName,
    school: school?.name ?? c.schoolId,
    township: township?.name ?? c.townshipId,
    returnBy: returnBy(new Date(notice.deadline)),
    caseRef: caseRef(c.id),
  };
  const wanted: { ids: (string | undefined)[]; role: Person['roles'][number]; render: () => RenderedSms }[] = [
    {
      ids: [school?.headId],
      role: 'school-head',
      render: () => renderNoticeSms(noticeTemplates.lapsedSchoolHead, params, deps.config.sms),
    },
    {
      ids: township?.contactIds ?? [],
      role: 'township-contact',
      render: () => renderNoticeSms(noticeTemplates.lapsedTownshipContact, params, deps.config.sms),
    },
    {
      ids: [township?.governmentContactId],
      role: 'township-government',
      render: () => renderNoticeSms(noticeTemplates.lapsedTownshipGovernment, params, deps.config.sms),
    },
    {
      ids: directory.meta.officeIds ?? [],
      role: 'office',
      render: () => renderNoticeSms(noticeTemplates.lapsedOffice, params, deps.config.sms),
    },
  ];
  const messages: Message[] = [];
  const seen = new Set<string>();
  for (const w of wanted) {
    const found = w.ids
      .filter((id): id is string => !!id)
      .map((id) => people.get(id))
      .filter((p) => !!p);
    if (found.length === 0)
      deps.log.warn('escalation: no active recipient in the directory', { role: w.role, caseId: c.id });
    for (const person of found) {
      if (seen.has(person.id)) continue;
      seen.add(person.id);
      messages.push(
        queuedMessage({
          id: noticeMessageIds.escalation(notice.id, person.id),
          audience: 'official',
          recipient: { personId: person.id, role: w.role, phone: person.phone, label: person.name },
          rendered: w.render(),
          notBefore: now,
          now,
          subject: { kind: 'notice', id: notice.id },
          schoolId: c.schoolId,
          townshipId: c.townshipId,
          caseId: c.id,
        }),
      );
    }
  }
  return messages;
}
