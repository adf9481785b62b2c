import * as z from 'zod/mini';
import { type Actor, actorSchema, type Case, closedStates, parseInput } from '../domain/case.ts';
import type { Person } from '../domain/directory.ts';
import { NotFoundError, StateConflictError, ValidationError } from '../domain/errors.ts';
import {
  ESCALATION_LEVELS,
  type EscalationAck,
  type NoticeEscalation,
  orderLapseAt,
  type TownshipOrder,
  townshipOrderKinds,
} from '../domain/escalation.ts';
import { assertNotFuture, cstDateSchema, note, text } from '../domain/input.ts';
import type { Message } from '../domain/message.ts';
import type { Notice } from '../domain/notice.ts';
import type { DirectorySnapshot } from '../domain/ports.ts';
import { caseRef, noticeTemplates, renderNoticeSms, returnBy } from '../domain/templates/notice-templates.ts';
import type { SmsTemplate } from '../domain/templates/render.ts';
import { addDays, cstDate } from '../domain/time.ts';
import { type CaseDeps, queuedMessage, retryOnConflict } from './case-deps.ts';
import { noticeNote, reEscalationAt, schoolName } from './handle-notice-deadline.ts';
import { sendOfficialRound } from './send-official-round.ts';

type Deps = Pick<CaseDeps, 'repo' | 'directory' | 'clock' | 'newId' | 'log' | 'config' | 'notes'>;

export const acknowledgeInputSchema = z.strictObject({ note: z._default(note(300), '') });
export const townshipOrderInputSchema = z.strictObject({
  kind: z.enum(townshipOrderKinds, { error: `应为 ${townshipOrderKinds.join(' / ')} 之一` }),
  orderedOn: cstDateSchema,
  /** The order's document reference (文号). */
  ref: text(100),
  /** Default: orderedOn + cases.escalation.townshipOrderDays. */
  deadline: z.optional(cstDateSchema),
});

/** The acting official: name and id validated like every actor, the role (from the token) kept beside them. */
function officialOf(by: Actor & { role: string }): Actor & { role: string } {
  const { role, ...who } = by;
  return { ...parseInput(actorSchema, who, 'by'), role };
}

/** Loads a lapsed notice of an open chain, or says why there is nothing to act on. */
async function lapsedNotice(deps: Deps, ref: { caseId: string; noticeId: string }) {
  const [c, notice] = await Promise.all([deps.repo.getCase(ref.caseId), deps.repo.getNotice(ref.caseId, ref.noticeId)]);
  if (!c) throw new NotFoundError('case', ref.caseId);
  if (!notice) throw new NotFoundError('notice', ref.noticeId);
  if (notice.status !== 'lapsed')
    throw new StateConflictError('该通知书未逾期，没有需要确认或跟进的上报', 'NOTICE_NOT_LAPSED');
  return { c, notice, escalation: notice.escalation ?? { level: 0 } };
}

/**
 * An official takes the lapsed notice on (acknowledges its escalation): who, when, a note. The re-escalation stops.
 * Idempotent: the first acknowledgement stands; a second one answers `changed: false` with the first.
 */
export async function acknowledgeEscalationUseCase(
  deps: Deps,
  ref: { caseId: string; noticeId: string },
  input: z.input<typeof acknowledgeInputSchema>,
  by: Actor & { role: string },
): Promise<{ notice: Notice; changed: boolean }> {
  const actor = officialOf(by);
  const body = parseInput(acknowledgeInputSchema, input);
  return retryOnConflict(async () => {
    const { c, notice, escalation } = await lapsedNotice(deps, ref);
    if (escalation.acknowledged) return { notice, changed: false };
    const now = deps.clock.now();
    const ack: EscalationAck = { by: actor, at: now.toISOString(), note: body.note };
    const { nextAt: _stopped, ...rest } = escalation;
    const next: Notice = { ...notice, escalation: { ...rest, acknowledged: ack } };
    await deps.repo.commit({
      case: { ...c, updatedAt: now.toISOString() },
      expectedVersion: c.version,
      notice: { value: next, expectedVersion: notice.version },
      events: [
        {
          id: deps.newId(),
          caseId: c.id,
          at: ack.at,
          type: 'escalation-acknowledged',
          by: actor,
          data: { noticeId: notice.id, level: escalation.level, role: actor.role, note: ack.note },
        },
      ],
    });
    deps.log.info('escalation acknowledged', { caseId: c.id, noticeId: notice.id, level: escalation.level });
    return { notice: { ...next, version: notice.version + 1 }, changed: true };
  });
}

/**
 * The 包乡镇人员 records what the township government did after the lapse (责令限期改正 / 限期返校): date,
 * reference, its own deadline (default orderedOn + townshipOrderDays). Recording it takes the escalation on (it
 * acknowledges it if nobody had). One order per notice: the same again is `changed: false`, a different one 409.
 */
export async function recordTownshipOrderUseCase(
  deps: Deps,
  ref: { caseId: string; noticeId: string },
  input: z.input<typeof townshipOrderInputSchema>,
  by: Actor & { role: string },
): Promise<{ notice: Notice; changed: boolean }> {
  const actor = officialOf(by);
  const body = parseInput(townshipOrderInputSchema, input);
  return retryOnConflict(async () => {
    const { c, notice, escalation } = await lapsedNotice(deps, ref);
    if (closedStates.has(c.state)) throw new StateConflictError('案件已结束，无需再登记乡镇政府的责令', 'CASE_CLOSED');
    const now = deps.clock.now();
    const deadline = body.deadline ?? addDays(body.orderedOn, deps.config.cases.escalation.townshipOrderDays);
    const existing = escalation.townshipOrder;
    if (existing) {
      const same =
        existing.kind === body.kind &&
        existing.orderedOn === body.orderedOn &&
        existing.ref === body.ref &&
        existing.deadline === deadline;
      if (same) return { notice, changed: false };
      throw new StateConflictError(
        `该通知书已登记乡镇政府${existing.kind}（${existing.ref}，期限 ${existing.deadline}），不能再登记不同的内容`,
        'TOWNSHIP_ORDER_ALREADY_RECORDED',
      );
    }
    assertNotFuture('orderedOn', `${body.orderedOn}T00:00:00+08:00`, now);
    const lapsedOn = cstDate(new Date(notice.resolvedAt ?? notice.deadline));
    if (body.orderedOn < lapsedOn)
      throw new ValidationError([{ field: 'orderedOn', reason: `不能早于通知书逾期日期（${lapsedOn}）` }]);
    if (deadline < body.orderedOn) throw new ValidationError([{ field: 'deadline', reason: '期限不能早于责令日期' }]);
    const order: TownshipOrder = {
      kind: body.kind,
      orderedOn: body.orderedOn,
      ref: body.ref,
      deadline,
      recordedBy: { ...(actor.personId ? { personId: actor.personId } : {}), name: actor.name },
      recordedAt: now.toISOString(),
    };
    const { nextAt: _stopped, ...rest } = escalation;
    const acknowledged = escalation.acknowledged ?? {
      by: actor,
      at: now.toISOString(),
      note: `登记乡镇政府${body.kind}`,
    };
    const next: Notice = { ...notice, escalation: { ...rest, acknowledged, townshipOrder: order } };
    await deps.repo.commit({
      case: { ...c, updatedAt: now.toISOString() },
      expectedVersion: c.version,
      notice: { value: next, expectedVersion: notice.version },
      events: [
        {
          id: deps.newId(),
          caseId: c.id,
          at: now.toISOString(),
          type: 'township-order',
          by: actor,
          data: { noticeId: notice.id, kind: order.kind, orderedOn: order.orderedOn, ref: order.ref, deadline },
        },
      ],
    });
    deps.log.info('township order recorded', { caseId: c.id, noticeId: notice.id, deadline });
    return { notice: { ...next, version: notice.version + 1 }, changed: true };
  });
}

export interface EscalationSweepResult {
  due: number;
  reEscalated: number;
  ordersLapsed: number;
  /** Chains ended because the case ended (returned, transferred…) before anything was due. */
  closed: number;
  failed: { noticeId: string; error: string }[];
}

/**
 * The escalation sweep (reconcile's `escalations` task, every 15 minutes in office hours): lapsed notices with
 * something due (DUE#ESCALATION up to now).
 * 1. The case has ended (a return cancels everything): the chain closes, the notice leaves the due index.
 * 2. Re-escalation due and still unacknowledged: alert the next level (1: 包片领导; 2: 总负责人 + office), child's
 *    name masked, and schedule the one after in working time.
 * 3. Township order past its deadline: alert the chief and the office once.
 * Each step is one transaction with deterministic message ids, so a re-run or a race alerts nobody twice.
 */
export async function sweepEscalationsUseCase(deps: Deps): Promise<EscalationSweepResult> {
  const now = deps.clock.now();
  const due = await deps.repo.listDueEscalations(now);
  const result: EscalationSweepResult = { due: due.length, reEscalated: 0, ordersLapsed: 0, closed: 0, failed: [] };
  let directory: DirectorySnapshot | undefined;
  for (const item of due) {
    try {
      directory ??= await deps.directory.load();
      const outcome = await retryOnConflict(() => step(deps, directory!, item, now));
      if (outcome.reEscalated) result.reEscalated++;
      if (outcome.orderLapsed) result.ordersLapsed++;
      if (outcome.closed) result.closed++;
    } catch (error) {
      result.failed.push({ noticeId: item.id, error: (error as Error).message });
      deps.log.error('escalation sweep: notice failed', { noticeId: item.id, error: (error as Error).message });
    }
  }
  // The officials' notes written above go out merged with anything else due for them (one SMS per official).
  if (deps.notes) await sendOfficialRound({ ...deps, notes: deps.notes });
  if (due.length > 0) deps.log.info('escalation sweep', { ...result, failed: result.failed.length });
  return result;
}

async function step(deps: Deps, directory: DirectorySnapshot, item: Notice, now: Date) {
  const none = { reEscalated: false, orderLapsed: false, closed: false };
  const [c, notice] = await Promise.all([deps.repo.getCase(item.caseId), deps.repo.getNotice(item.caseId, item.id)]);
  if (!c || !notice || notice.status !== 'lapsed' || !notice.escalation) return none;
  const e = notice.escalation;
  const at = now.toISOString();
  const commit = (
    escalation: NoticeEscalation,
    events: Parameters<Deps['repo']['commit']>[0]['events'],
    enqueue: Message[],
  ) =>
    deps.repo.commit({
      case: { ...c, updatedAt: at },
      expectedVersion: c.version,
      notice: { value: { ...notice, escalation }, expectedVersion: notice.version },
      events,
      // With the round: officials' notes, merged per official within the daily cap; without it, one SMS each.
      ...(deps.notes
        ? {
            notes: enqueue.map((m) =>
              noticeNote(
                m,
                c,
                notice,
                schoolName(directory, c.schoolId),
                m.template === noticeTemplates.townshipOrderLapsed.id ? 'order-lapsed' : 're-escalated',
              ),
            ),
          }
        : { enqueue }),
    });

  if (closedStates.has(c.state)) {
    await commit({ ...e, closedBy: { state: c.state, at } }, [], []);
    return { ...none, closed: true };
  }
  let next: NoticeEscalation = { ...e };
  const events: Parameters<Deps['repo']['commit']>[0]['events'] = [];
  const enqueue: Message[] = [];
  let reEscalated = false;
  let orderLapsed = false;
  if (e.nextAt && !e.acknowledged && Date.parse(e.nextAt) <= now.getTime() && e.level < ESCALATION_LEVELS) {
    const level = (e.level + 1) as 1 | 2;
    const recipients = level === 1 ? areaLeaders(directory, c) : chiefAndOffice(directory);
    const template = level === 1 ? noticeTemplates.reEscalatedAreaLeader : noticeTemplates.reEscalatedChief;
    enqueue.push(...officialMessages(deps, directory, c, notice, recipients, template, `reesc-${level}`, now));
    const { nextAt: _done, ...rest } = next;
    next = {
      ...rest,
      level,
      ...(level < ESCALATION_LEVELS ? { nextAt: reEscalationAt(deps, now, 2).toISOString() } : {}),
    };
    events.push({
      id: deps.newId(),
      caseId: c.id,
      at,
      type: 're-escalated',
      data: { noticeId: notice.id, level, recipients: recipients.map((r) => r.role) },
    });
    reEscalated = true;
  }
  const order = e.townshipOrder;
  if (order && !order.lapsedAt && orderLapseAt(order).getTime() <= now.getTime()) {
    const recipients = chiefAndOffice(directory);
    const [, month, day] = order.deadline.split('-');
    const extra = { orderKind: order.kind, orderDeadline: `${Number(month)}月${Number(day)}日` };
    enqueue.push(
      ...officialMessages(
        deps,
        directory,
        c,
        notice,
        recipients,
        noticeTemplates.townshipOrderLapsed,
        'order-lapsed',
        now,
        extra,
      ),
    );
    next = { ...next, townshipOrder: { ...order, lapsedAt: at } };
    events.push({
      id: deps.newId(),
      caseId: c.id,
      at,
      type: 'township-order-lapsed',
      data: { noticeId: notice.id, kind: order.kind, deadline: order.deadline, ref: order.ref },
    });
    orderLapsed = true;
  }
  if (!reEscalated && !orderLapsed) {
    // Due by the index but nothing to do (acknowledged meanwhile): rewrite so the notice leaves or moves in the index.
    await commit(next, [], []);
    return none;
  }
  await commit(next, events, enqueue);
  deps.log.info('escalation step', { caseId: c.id, noticeId: notice.id, level: next.level, reEscalated, orderLapsed });
  return { reEscalated, orderLapsed, closed: false };
}

type Recipient = { person: Person; role: Person['roles'][number] };

function areaLeaders(directory: DirectorySnapshot, c: Case): Recipient[] {
  const township = directory.townships.find((t) => t.id === c.townshipId);
  const area = directory.areas.find((a) => a.id === township?.areaId && a.active);
  const leader = directory.people.find((p) => p.id === area?.leaderId && p.active);
  return leader ? [{ person: leader, role: 'area-leader' }] : [];
}

function chiefAndOffice(directory: DirectorySnapshot): Recipient[] {
  const out: Recipient[] = [];
  const add = (id: string | undefined, role: Recipient['role']) => {
    const person = directory.people.find((p) => p.id === id && p.active);
    if (person && !out.some((r) => r.person.id === person.id)) out.push({ person, role });
  };
  add(directory.meta.chiefId, 'chief');
  for (const id of directory.meta.officeIds ?? []) add(id, 'office');
  return out;
}

function officialMessages<P extends Record<string, string | number>>(
  deps: Deps,
  directory: DirectorySnapshot,
  c: Case,
  notice: Notice,
  recipients: Recipient[],
  template: SmsTemplate<P>,
  kind: string,
  now: Date,
  extra: Record<string, string> = {},
): Message[] {
  if (recipients.length === 0)
    deps.log.warn('escalation: no active recipient in the directory', { template: template.id, caseId: c.id });
  const school = directory.schools.find((s) => s.id === c.schoolId);
  const township = directory.townships.find((t) => t.id === c.townshipId);
  // studentName goes in as is: the renderer masks it for officials (R9).
  const params = {
    studentName: c.studentName,
    school: school?.name ?? c.schoolId,
    township: township?.name ?? c.townshipId,
    returnBy: returnBy(new Date(notice.deadline)),
    caseRef: caseRef(c.id),
    ...extra,
  } as unknown as P;
  const rendered = renderNoticeSms(template, params, deps.config.sms);
  return recipients.map(({ person, role }) =>
    queuedMessage({
      id: `notice-${notice.id}-${kind}-${person.id}`,
      audience: 'official',
      recipient: { personId: person.id, role, phone: person.phone, label: person.name },
      rendered,
      notBefore: now,
      now,
      subject: { kind: 'notice', id: notice.id },
      schoolId: c.schoolId,
      townshipId: c.townshipId,
      caseId: c.id,
    }),
  );
}
