import { describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { createCaseReactorHandler } from '../../functions/case-reactor/index.ts';
import { createNoticeDeadlineHandler } from '../../functions/notice-deadline/index.ts';
import { createReconcileHandler } from '../../functions/reconcile/index.ts';
import { StateConflictError, ValidationError } from '../../shared/domain/errors.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordNoticeReceiptUseCase } from '../../shared/use-cases/record-notice-receipt.ts';
import { caseTestbed, openCaseInput } from '../support/case-fixtures.ts';
import { streamEvent } from '../support/stream-events.ts';

// Monday 2023-02-20 10:00 CST issued; Wednesday 2023-02-22 15:30 received → the week runs to Wednesday 03-01 15:30.
const ISSUED = cstInstant('2023-02-20', '10:00');
const PROVISIONAL = cstInstant('2023-02-27', '10:00');
const RECEIVED = '2023-02-22 15:30';
const DEADLINE = cstInstant('2023-03-01', '15:30');
const head = { name: '示例校长', personId: 'p-head' };
const signed = {
  receivedAt: RECEIVED,
  method: 'signed-receipt' as const,
  receivedBy: '示例家长',
  evidenceRef: '送达回证 2023-017',
};

async function issuedNotice(options: Parameters<typeof issueNoticeUseCase>[3] = {}) {
  const bed = await caseTestbed(ISSUED.toISOString());
  const cases = caseDepsOf(bed.deps);
  const c = await openCaseUseCase(cases, openCaseInput());
  for (const outcome of ['not-home', 'refused'] as const)
    await logVisitUseCase(cases, c.id, { by: { name: '示例老师' }, at: ISSUED.toISOString(), outcome });
  const notice = await issueNoticeUseCase(cases, c.id, head, options);
  const inserted = await bed.noticeItem(c.id, notice.id);
  const reactor = createCaseReactorHandler(bed.deps);
  await reactor(streamEvent({ eventName: 'INSERT', next: inserted }));
  const ref = { caseId: c.id, noticeId: notice.id };
  return { ...bed, cases, ref, notice, inserted, reactor };
}

const timerOf = (timers: { timers: Map<string, { at: Date }> }, noticeId: string) =>
  timers.timers.get(`notice-${noticeId}`)?.at.toISOString();

describe('recording the receipt (送达) of a notice', () => {
  it('moves the deadline to receipt + 7 days, the timer once, and the guardian reminder with it', async () => {
    const { cases, clock, timers, ref, notice, inserted, reactor, noticeItem, messagesOf } = await issuedNotice();
    expect(timerOf(timers, notice.id)).toBe(PROVISIONAL.toISOString());
    clock.set(cstInstant('2023-02-22', '16:00').toISOString());

    const r = await recordNoticeReceiptUseCase(cases, ref, signed, head);
    const stored = await noticeItem(ref.caseId, ref.noticeId);
    await reactor(streamEvent({ eventName: 'MODIFY', prev: inserted, next: stored }));

    expect(r.changed).toBe(true);
    expect(r.previousDeadline).toBe(PROVISIONAL.toISOString());
    expect(stored.deadline).toBe(DEADLINE.toISOString());
    expect(stored.receipt).toMatchObject({
      receivedAt: cstInstant('2023-02-22', '15:30').toISOString(),
      method: 'signed-receipt',
      receivedBy: '示例家长',
      evidenceRef: '送达回证 2023-017',
      recordedBy: head,
    });
    // The due index follows the deadline: reconcile and the board read the new one.
    expect(stored.gsi1sk).toMatch(new RegExp(`^${DEADLINE.toISOString()}#`));
    expect(timers.calls.filter((c) => c.op === 'moveTo').map((c) => c.result)).toEqual(['moved']);
    expect(timerOf(timers, notice.id)).toBe(DEADLINE.toISOString());
    const messages = await messagesOf(notice.id);
    expect(messages.map((m) => [m.id.replace(notice.id, 'N'), m.status, m.notBefore]).sort()).toEqual([
      ['notice-N-guardian', 'QUEUED', ISSUED.toISOString()],
      ['notice-N-reminder', 'CANCELLED', cstInstant('2023-02-25', '10:00').toISOString()],
      ['notice-N-reminder-received', 'QUEUED', cstInstant('2023-02-27', '15:30').toISOString()],
    ]);
    expect(messages.find((m) => m.id.endsWith('-reminder-received'))?.text).toContain('3月1日15:30');
  });

  it('a duplicate receipt changes nothing; a different one is refused (409)', async () => {
    const { cases, clock, timers, ref, notice, noticeItem, reactor, inserted } = await issuedNotice();
    clock.set(cstInstant('2023-02-22', '16:00').toISOString());
    await recordNoticeReceiptUseCase(cases, ref, signed, head);
    const once = await noticeItem(ref.caseId, ref.noticeId);
    await reactor(streamEvent({ eventName: 'MODIFY', prev: inserted, next: once }));
    // The same stream record delivered again: the timer is already there.
    await reactor(streamEvent({ eventName: 'MODIFY', prev: inserted, next: once }));

    const again = await recordNoticeReceiptUseCase(cases, ref, signed, head);
    const twice = await noticeItem(ref.caseId, ref.noticeId);

    expect(again.changed).toBe(false);
    expect(twice.version).toBe(once.version);
    expect(timers.calls.filter((c) => c.op === 'moveTo').map((c) => c.result)).toEqual(['moved', 'unchanged']);
    const other = recordNoticeReceiptUseCase(cases, ref, { ...signed, receivedAt: '2023-02-22 09:00' }, head);
    await expect(other).rejects.toBeInstanceOf(StateConflictError);
    await expect(other).rejects.toMatchObject({ code: 'RECEIPT_ALREADY_RECORDED' });
    expect(timerOf(timers, notice.id)).toBe(DEADLINE.toISOString());
  });

  it('the timer at the provisional deadline does nothing; the moved one lapses the notice', async () => {
    const { deps, cases, clock, ref, noticeItem } = await issuedNotice();
    clock.set(cstInstant('2023-02-22', '16:00').toISOString());
    await recordNoticeReceiptUseCase(cases, ref, signed, head);

    clock.set(PROVISIONAL.toISOString());
    expect(await createNoticeDeadlineHandler(deps)(ref)).toMatchObject({ outcome: 'not-due' });
    clock.set(DEADLINE.toISOString());
    expect(await createNoticeDeadlineHandler(deps)(ref)).toMatchObject({ outcome: 'escalated' });
    expect((await noticeItem(ref.caseId, ref.noticeId)).status).toBe('lapsed');
  });

  it('refuses impossible receipts, naming the field, and leaves the notice as it was', async () => {
    const { cases, clock, ref, noticeItem } = await issuedNotice();
    clock.set(cstInstant('2023-02-22', '16:00').toISOString());
    const before = await noticeItem(ref.caseId, ref.noticeId);
    const cases_ = [
      [{ ...signed, receivedAt: '2023-02-20 09:00' }, 'receivedAt', '早于通知书签发时间'],
      [{ ...signed, receivedAt: '2023-02-23 09:00' }, 'receivedAt', '将来'],
      [{ ...signed, receivedAt: '2023-02-30 09:00' }, 'receivedAt', '不是真实存在的日期'],
      [{ ...signed, receivedAt: '2023-02-22 24:00' }, 'receivedAt', '格式'],
      [{ ...signed, method: 'pigeon' }, 'method', 'in-person'],
      [{ ...signed, receivedBy: ' \u200b ' }, 'receivedBy', '不能为空'],
      [{ ...signed, extra: 1 }, 'extra', '不允许的字段'],
    ] as const;
    for (const [input, field, reason] of cases_) {
      const error = await recordNoticeReceiptUseCase(cases, ref, input as never, head).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      const issues = (error as ValidationError).issues;
      expect(issues[0]!.field).toBe(field);
      expect(issues[0]!.reason).toContain(reason);
    }
    expect((await noticeItem(ref.caseId, ref.noticeId)).version).toBe(before.version);
  });

  it('refuses a receipt once the notice has lapsed (409 NOTICE_NOT_PENDING)', async () => {
    const { deps, cases, clock, ref } = await issuedNotice();
    clock.set(PROVISIONAL.toISOString());
    await createNoticeDeadlineHandler(deps)(ref);
    const late = recordNoticeReceiptUseCase(cases, ref, signed, head);
    await expect(late).rejects.toMatchObject({ code: 'NOTICE_NOT_PENDING' });
  });

  it('handed over in person at issue: the receipt is the issue, the deadline a week later', async () => {
    const { notice, noticeItem, ref, timers } = await issuedNotice({ receivedInPerson: { receivedBy: '示例家长' } });
    const stored = await noticeItem(ref.caseId, ref.noticeId);
    expect(notice.deadline).toBe(PROVISIONAL.toISOString());
    expect(stored.receipt).toMatchObject({
      receivedAt: ISSUED.toISOString(),
      method: 'in-person',
      receivedBy: '示例家长',
    });
    expect(timerOf(timers, notice.id)).toBe(PROVISIONAL.toISOString());
  });
});

describe('receipts under concurrency', () => {
  it('10 identical receipts at once: one is recorded, nine change nothing; one event, one re-timed reminder', async () => {
    const { cases, clock, ref, notice, noticeItem, messagesOf, deps } = await issuedNotice();
    clock.set(cstInstant('2023-02-22', '16:00').toISOString());
    const before = (await noticeItem(ref.caseId, ref.noticeId)).version;

    const results = await Promise.all(
      Array.from({ length: 10 }, () => recordNoticeReceiptUseCase(cases, ref, signed, head)),
    );

    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect((await noticeItem(ref.caseId, ref.noticeId)).version).toBe(before + 1);
    const events = (await caseDepsOf(deps).repo.listEvents(ref.caseId)).filter((e) => e.type === 'notice-received');
    expect(events).toHaveLength(1);
    const reminders = (await messagesOf(notice.id)).filter((m) => String(m.id).endsWith('-reminder-received'));
    expect(reminders).toHaveLength(1);
  });

  it('5 different receipts at once: exactly one wins, the others are 409 RECEIPT_ALREADY_RECORDED', async () => {
    const { cases, clock, ref, noticeItem } = await issuedNotice();
    clock.set(cstInstant('2023-02-22', '16:00').toISOString());
    const times = ['09:00', '10:00', '11:00', '12:00', '13:00'];

    const settled = await Promise.allSettled(
      times.map((t) => recordNoticeReceiptUseCase(cases, ref, { ...signed, receivedAt: `2023-02-22 ${t}` }, head)),
    );

    const won = settled.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of settled.filter((x) => x.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'RECEIPT_ALREADY_RECORDED' });
    const stored = await noticeItem(ref.caseId, ref.noticeId);
    expect(stored.deadline).toBe(
      (won[0] as PromiseFulfilledResult<{ notice: { deadline: string } }>).value.notice.deadline,
    );
  });

  it('a receipt racing the provisional deadline: either it lapses and the receipt is refused, or the timer is early', async () => {
    const { deps, cases, clock, ref, noticeItem } = await issuedNotice();
    clock.set(PROVISIONAL.toISOString());

    const [receipt, deadline] = await Promise.allSettled([
      recordNoticeReceiptUseCase(cases, ref, signed, head),
      createNoticeDeadlineHandler(deps)(ref),
    ]);

    const stored = await noticeItem(ref.caseId, ref.noticeId);
    if (stored.status === 'lapsed') {
      expect(receipt).toMatchObject({ status: 'rejected', reason: { code: 'NOTICE_NOT_PENDING' } });
      expect(stored.receipt).toBeUndefined();
    } else {
      expect(stored.status).toBe('pending');
      expect(stored.deadline).toBe(DEADLINE.toISOString());
      expect(deadline).toMatchObject({ status: 'fulfilled', value: { outcome: 'not-due' } });
    }
  });
});

describe('reconcile and the receipt', () => {
  it('moves a timer that does not match its deadline (the move was lost)', async () => {
    const { deps, cases, clock, timers, ref, notice } = await issuedNotice();
    clock.set(cstInstant('2023-02-22', '16:00').toISOString());
    await recordNoticeReceiptUseCase(cases, ref, signed, head);
    // No case-reactor run: the timer still fires at the provisional deadline.
    clock.set(cstInstant('2023-02-23', '07:30').toISOString());

    const out = await createReconcileHandler(deps)({});

    expect(out).toMatchObject({ task: 'reconcile', open: 1, timersMoved: 1, timersRecreated: 0, receiptReminders: 0 });
    expect(timerOf(timers, notice.id)).toBe(DEADLINE.toISOString());
    expect(await createReconcileHandler(deps)({})).toMatchObject({ timersMoved: 0 });
  });

  it('reminds the head each school day until the receipt is recorded, once per day', async () => {
    const { deps, cases, clock, ref, notice, messagesOf } = await issuedNotice();
    const reconcile = createReconcileHandler(deps);
    const reminders = async () =>
      (await messagesOf(notice.id)).filter((m) => m.template === 'notice.receipt-missing.school-head');

    // Issue day: no reminder yet. Tuesday and Wednesday: one each (a second run the same day adds none).
    expect(await reconcile({})).toMatchObject({ receiptReminders: 0 });
    for (const day of ['2023-02-21', '2023-02-22']) {
      clock.set(cstInstant(day, '07:30').toISOString());
      expect(await reconcile({})).toMatchObject({ receiptReminders: 1 });
      expect(await reconcile({})).toMatchObject({ receiptReminders: 0 });
    }
    const sent = await reminders();
    expect(sent.map((m) => [m.recipient.role, m.notBefore])).toEqual([
      ['school-head', cstInstant('2023-02-21', '08:00').toISOString()],
      ['school-head', cstInstant('2023-02-22', '08:00').toISOString()],
    ]);
    // Officials never read the child's full name (R9).
    expect(sent[0]!.text).not.toContain('测试小明');
    expect(sent[0]!.text).toContain('尚未登记送达');

    // Saturday: no school, no reminder. After the receipt: none either.
    clock.set(cstInstant('2023-02-25', '07:30').toISOString());
    expect(await reconcile({})).toMatchObject({ receiptReminders: 0 });
    clock.set(cstInstant('2023-02-27', '07:00').toISOString());
    await recordNoticeReceiptUseCase(cases, ref, { ...signed, receivedAt: '2023-02-24 10:00' }, head);
    clock.set(cstInstant('2023-02-27', '07:30').toISOString());
    expect(await reconcile({})).toMatchObject({ receiptReminders: 0, processedLate: 0 });
    expect(await reminders()).toHaveLength(2);
  });
});
