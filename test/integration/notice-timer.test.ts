import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { createCaseReactorHandler } from '../../functions/case-reactor/index.ts';
import { createNoticeDeadlineHandler } from '../../functions/notice-deadline/index.ts';
import { createReconcileHandler } from '../../functions/reconcile/index.ts';
import { rebuildAggregates } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { DynamoCaseExtras } from '../../shared/adapters/dynamo/case-read-models.ts';
import { ConcurrentUpdateError } from '../../shared/domain/errors.ts';
import { caseRef } from '../../shared/domain/templates/notice-templates.ts';
import { cstInstant, DAY_MS } from '../../shared/domain/time.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordReturnUseCase } from '../../shared/use-cases/record-return.ts';
import { recordStatusChangeUseCase } from '../../shared/use-cases/record-status-change.ts';
import { sendOfficialRound } from '../../shared/use-cases/send-official-round.ts';
import { caseTestbed, openCaseInput } from '../support/case-fixtures.ts';
import { streamEvent } from '../support/stream-events.ts';

const ISSUED = cstInstant('2023-02-20', '10:00');
const DEADLINE = cstInstant('2023-02-27', '10:00');
const teacher = { name: '示例老师' };

/** A case persuaded twice and given a notice at 2023-02-20 10:00 CST. */
async function issuedNotice() {
  const bed = await caseTestbed(ISSUED.toISOString());
  const cases = caseDepsOf(bed.deps);
  const c = await openCaseUseCase(cases, openCaseInput());
  for (const outcome of ['not-home', 'refused'] as const)
    await logVisitUseCase(cases, c.id, { by: teacher, at: ISSUED.toISOString(), outcome });
  const notice = await issueNoticeUseCase(cases, c.id, { name: '示例校长', personId: 'p-head' });
  const inserted = await bed.noticeItem(c.id, notice.id);
  return { ...bed, cases, caseId: c.id, notice, inserted };
}

const escalations = (messages: Record<string, unknown>[]) =>
  messages.filter((m) => String(m.template).startsWith('notice.lapsed.'));

describe('issuing a notice', () => {
  it('stores the deadline a week later and queues the guardian notice and the reminder with the notice', async () => {
    const { notice, messagesOf } = await issuedNotice();

    const messages = await messagesOf(notice.id);
    expect(notice.deadline).toBe(DEADLINE.toISOString());
    expect(messages.map((m) => [m.template, m.status, m.notBefore]).sort()).toEqual([
      ['notice.guardian', 'QUEUED', ISSUED.toISOString()],
      ['notice.reminder', 'QUEUED', cstInstant('2023-02-25', '10:00').toISOString()],
    ]);
    // The guardian's 劝返复学通知书 SMS, word for word (template notice.guardian, docs/sms.md).
    expect(messages.find((m) => m.template === 'notice.guardian')?.text).toBe(
      '【荔浦教育】劝返复学通知书：示例家长您好，您的孩子测试小明未按时到示例镇中心小学上学。依据《义务教育法》，' +
        '请于2月27日10:00前送孩子返校复学，逾期学校将依法报告乡镇政府和市教育局。咨询电话07737200000',
    );
  });
});

describe('case-reactor on the notice stream', () => {
  it('creates one schedule and leaves one guardian SMS when the same record is delivered twice', async () => {
    const { deps, timers, notice, inserted, messagesOf } = await issuedNotice();
    const reactor = createCaseReactorHandler(deps);
    const record = { eventName: 'INSERT' as const, next: inserted };

    const first = await reactor(streamEvent(record, record));
    const second = await reactor(streamEvent(record));

    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect([...timers.timers.keys()]).toEqual([`notice-${notice.id}`]);
    expect(timers.calls.filter((c) => c.op === 'createAt').map((c) => c.result)).toEqual([
      'created',
      'exists',
      'exists',
    ]);
    expect(timers.timers.get(`notice-${notice.id}`)).toEqual({
      at: DEADLINE,
      payload: { caseId: notice.caseId, noticeId: notice.id },
    });
    const guardian = (await messagesOf(notice.id)).filter((m) => m.template === 'notice.guardian');
    expect(guardian).toHaveLength(1);
  });

  it('deletes the schedule and cancels the reminder when the child returns before the deadline', async () => {
    const { deps, cases, timers, caseId, notice, inserted, messagesOf, noticeItem, clock } = await issuedNotice();
    const reactor = createCaseReactorHandler(deps);
    await reactor(streamEvent({ eventName: 'INSERT', next: inserted }));
    clock.set(cstInstant('2023-02-23', '08:00').toISOString());

    const result = await recordReturnUseCase(cases, caseId, { by: teacher, returnedOn: '2023-02-23' });
    const resolved = await noticeItem(caseId, notice.id);
    await reactor(streamEvent({ eventName: 'MODIFY', next: resolved, prev: inserted }));

    expect(result.notice).toEqual({ id: notice.id, status: 'complied' });
    expect(resolved.gsi1pk).toBeUndefined();
    expect(timers.timers.size).toBe(0);
    expect(timers.calls.at(-1)).toEqual({ op: 'delete', name: `notice-${notice.id}`, result: 'deleted' });
    const reminder = (await messagesOf(notice.id)).find((m) => m.template === 'notice.reminder');
    expect(reminder).toMatchObject({ status: 'CANCELLED' });
    expect(reminder?.gsi1pk).toBeUndefined();
  });

  it('withdraws the notice and stops its timer on a transfer out (转出)', async () => {
    const { deps, cases, timers, caseId, notice, inserted, noticeItem } = await issuedNotice();
    const reactor = createCaseReactorHandler(deps);
    await reactor(streamEvent({ eventName: 'INSERT', next: inserted }));

    await recordStatusChangeUseCase(cases, caseId, {
      kind: 'transfer-out',
      effectiveOn: '2023-02-20',
      evidence: ['转学联系函 2023-017'],
      destination: '示例市第一小学',
      by: teacher,
    });
    const resolved = await noticeItem(caseId, notice.id);
    await reactor(streamEvent({ eventName: 'MODIFY', next: resolved, prev: inserted }));

    expect(resolved.status).toBe('withdrawn');
    expect(timers.timers.size).toBe(0);
    expect((await cases.repo.getCase(caseId))?.state).toBe('transferred');
  });

  it('processes a notice at once when its record arrives after the deadline, counted in NoticesLapsed', async () => {
    const { deps, clock, inserted, caseId, notice, timers, messagesOf, metrics } = await issuedNotice();
    clock.set(new Date(DEADLINE.getTime() + DAY_MS).toISOString());

    await createCaseReactorHandler(deps)(streamEvent({ eventName: 'INSERT', next: inserted }));
    await createCaseReactorHandler(deps)(streamEvent({ eventName: 'INSERT', next: inserted }));

    expect(metrics.totals.get('NoticesLapsed')).toBe(1);
    expect(timers.timers.size).toBe(0);
    expect(escalations(await messagesOf(notice.id))).toHaveLength(4);
    expect((await caseDepsOf(deps).repo.getCase(caseId))?.state).toBe('escalated');
  });
});

describe('notice-deadline', () => {
  it('lapses the case and escalates to head, 包乡镇人员, township government and office, masking the child', async () => {
    const { deps, clock, caseId, notice, messagesOf, cases } = await issuedNotice();
    clock.set(DEADLINE.toISOString());

    const out = await createNoticeDeadlineHandler(deps)({ caseId, noticeId: notice.id });

    expect(out.outcome).toBe('escalated');
    const sent = escalations(await messagesOf(notice.id));
    expect(sent.map((m) => (m.recipient as { role: string }).role).sort()).toEqual([
      'office',
      'school-head',
      'township-contact',
      'township-government',
    ]);
    // Each official's alert word for word: the child's name masked, the deadline, what that official must do.
    expect(Object.fromEntries(sent.map((m) => [(m.recipient as { role: string }).role, m.text]))).toEqual({
      office: `【荔浦教育】通知书逾期：示例镇示例镇中心小学学生测**明，期限2月27日10:00，未复学。案件${caseRef(caseId)}`,
      'school-head':
        '【荔浦教育】示例镇中心小学学生测**明的劝返复学通知书已于2月27日10:00到期，仍未复学。请校长依规向乡镇政府和市教育局书面报告。',
      'township-contact':
        '【荔浦教育】示例镇示例镇中心小学学生测**明的劝返复学通知书2月27日10:00到期仍未复学，请督促学校书面报告并跟进劝返。',
      'township-government':
        '【荔浦教育】示例镇中心小学学生测**明经多次劝返并下达劝返复学通知书，期限（2月27日10:00）已过仍未复学，学校将书面报告，请乡镇政府依法采取措施。',
    });
    for (const m of sent) {
      expect(m.text).not.toContain('测试小明');
      expect(m.text).toContain('测**明');
      expect(m.audience).toBe('official');
    }
    expect((await cases.repo.getCase(caseId))?.state).toBe('escalated');
    const events = await cases.repo.listEvents(caseId);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['opened', 'visit', 'notice-issued', 'lapsed', 'escalated']),
    );
  });

  it('does nothing the second time for the same notice, and counts NoticesLapsed once', async () => {
    const { deps, clock, caseId, notice, messagesOf, metrics } = await issuedNotice();
    clock.set(DEADLINE.toISOString());
    const handler = createNoticeDeadlineHandler(deps);
    await handler({ caseId, noticeId: notice.id });
    const before = await messagesOf(notice.id);

    const again = await handler({ caseId, noticeId: notice.id });

    expect(again.outcome).toBe('not-pending');
    expect(await messagesOf(notice.id)).toHaveLength(before.length);
    expect(metrics.totals.get('NoticesLapsed')).toBe(1);
    expect(metrics.totals.has('Escalations')).toBe(false); // report-ladder only (shared/observability/metrics.ts)
  });

  it('sends nothing when the child returned first (return, then deadline)', async () => {
    const { deps, cases, clock, caseId, notice, messagesOf } = await issuedNotice();
    clock.set(new Date(DEADLINE.getTime() - 60_000 * 5).toISOString());
    await recordReturnUseCase(cases, caseId, { by: teacher, returnedOn: '2023-02-27' });
    clock.set(DEADLINE.toISOString());

    const out = await createNoticeDeadlineHandler(deps)({ caseId, noticeId: notice.id });

    expect(out.outcome).toBe('not-pending');
    expect(escalations(await messagesOf(notice.id))).toHaveLength(0);
    expect((await cases.repo.getNotice(caseId, notice.id))?.status).toBe('complied');
    expect((await cases.repo.getCase(caseId))?.state).toBe('returned');
  });

  it('keeps the escalation when the return is recorded after the deadline (deadline, then return)', async () => {
    const { deps, cases, clock, caseId, notice, messagesOf } = await issuedNotice();
    clock.set(DEADLINE.toISOString());
    await createNoticeDeadlineHandler(deps)({ caseId, noticeId: notice.id });

    const result = await recordReturnUseCase(cases, caseId, { by: teacher, returnedOn: '2023-02-27' });

    expect(result.notice).toBeUndefined();
    expect(result.case.state).toBe('returned');
    expect((await cases.repo.getNotice(caseId, notice.id))?.status).toBe('lapsed');
    expect(escalations(await messagesOf(notice.id))).toHaveLength(4);
  });

  it('gives exactly one outcome when the return and the deadline race', async () => {
    for (let round = 0; round < 4; round++) {
      const { deps, cases, clock, caseId, notice, messagesOf } = await issuedNotice();
      clock.set(DEADLINE.toISOString());

      const [deadline, ret] = await Promise.allSettled([
        createNoticeDeadlineHandler(deps)({ caseId, noticeId: notice.id }),
        recordReturnUseCase(cases, caseId, { by: teacher, returnedOn: '2023-02-27' }),
      ]);

      for (const r of [deadline, ret])
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrentUpdateError);
      const status = (await cases.repo.getNotice(caseId, notice.id))?.status;
      const sent = escalations(await messagesOf(notice.id));
      expect(['complied', 'lapsed']).toContain(status);
      expect(sent).toHaveLength(status === 'lapsed' ? 4 : 0);
    }
  });
});

describe('reconcile', () => {
  it('re-creates a schedule that is missing', async () => {
    const { deps, clock, timers, notice, caseId } = await issuedNotice();
    clock.set(cstInstant('2023-02-22', '07:30').toISOString());

    const report = await createReconcileHandler(deps)();
    const again = await createReconcileHandler(deps)();

    expect(report).toMatchObject({ open: 1, timersRecreated: 1, processedLate: 0, failed: [] });
    expect(timers.timers.get(`notice-${notice.id}`)).toEqual({
      at: DEADLINE,
      payload: { caseId, noticeId: notice.id },
    });
    expect(again).toMatchObject({ open: 1, timersRecreated: 0, processedLate: 0 });
  });

  it('processes a deadline whose timer never fired, once, counted in NoticesLapsed', async () => {
    const { deps, clock, notice, caseId, cases, messagesOf, metrics } = await issuedNotice();
    clock.set(cstInstant('2023-02-28', '07:30').toISOString());

    const report = await createReconcileHandler(deps)();
    const again = await createReconcileHandler(deps)();

    expect(report).toMatchObject({ open: 1, processedLate: 1, timersRecreated: 0, failed: [] });
    expect((await cases.repo.getCase(caseId))?.state).toBe('escalated');
    expect(escalations(await messagesOf(notice.id))).toHaveLength(4);
    expect(again).toMatchObject({ open: 0, processedLate: 0 });
    expect(metrics.totals.get('NoticesLapsed')).toBe(1);
  });
});

describe('reconcile: open-case gauges', () => {
  it('gauges OpenCases and CasesByState from the owner index; a returned case is not counted', async () => {
    const { deps, cases, caseId, metrics } = await issuedNotice();
    const persuading = await openCaseUseCase(cases, openCaseInput({ studentName: '测试小红' }));
    await logVisitUseCase(cases, persuading.id, { by: teacher, at: ISSUED.toISOString(), outcome: 'refused' });
    await openCaseUseCase(cases, openCaseInput({ studentName: '测试小刚' }));
    const returned = await openCaseUseCase(cases, openCaseInput({ studentName: '测试小华' }));
    await recordReturnUseCase(cases, returned.id, { by: teacher, returnedOn: '2023-02-20' });
    // Written without the stream poller: recount the aggregates the daily run also compares.
    await rebuildAggregates(deps.doc, deps.tableName);

    const report = await createReconcileHandler(deps)();

    expect((await cases.repo.getCase(caseId))?.state).toBe('notice-issued');
    expect(report).toMatchObject({ task: 'reconcile', openCases: { total: 3, schools: 1 }, aggregateMismatches: 0 });
    expect(Object.fromEntries(metrics.gauges)).toEqual({
      AggregateMismatches: 0,
      OpenCases: 3,
      'CasesByState{state=opened}': 1,
      'CasesByState{state=persuading}': 1,
      'CasesByState{state=notice-issued}': 1,
      'CasesByState{state=lapsed}': 0,
      'CasesByState{state=escalated}': 0,
    });
  });

  it('AggregateMismatches: a case changed past the stream differs from its recount (logged); a rebuild clears it', async () => {
    const { deps, cases, metrics, log } = await issuedNotice();
    const opened = await openCaseUseCase(cases, openCaseInput({ studentName: '测试小红' }));
    await rebuildAggregates(deps.doc, deps.tableName);
    await recordReturnUseCase(cases, opened.id, { by: teacher, returnedOn: '2023-02-20' }); // no poller runs

    const stale = await createReconcileHandler(deps)();
    await rebuildAggregates(deps.doc, deps.tableName);
    const rebuilt = await createReconcileHandler(deps)();

    expect(stale).toMatchObject({ aggregateMismatches: expect.any(Number) });
    expect((stale as { aggregateMismatches: number }).aggregateMismatches).toBeGreaterThan(0);
    expect(log.lines.filter((l) => l.level === 'error' && l.message.startsWith('aggregates differ'))).not.toEqual([]);
    expect(rebuilt).toMatchObject({ aggregateMismatches: 0 });
    expect(metrics.gauges.get('AggregateMismatches')).toBe(0);
  });

  it('still gauges the open cases when a notice fails, then fails the run', async () => {
    const { deps, clock, metrics } = await issuedNotice();
    clock.set(cstInstant('2023-02-22', '07:30').toISOString());
    const timers = { ...deps.timers, exists: () => Promise.reject(new Error('Scheduler unavailable')) };

    const run = createReconcileHandler({ ...deps, timers })();

    await expect(run).rejects.toThrow('reconcile: 1 of 1 open notices failed');
    expect(metrics.gauges.get('OpenCases')).toBe(1);
    expect(metrics.gauges.get('CasesByState{state=notice-issued}')).toBe(1);
  });

  it('still gauges the open cases when the open notices cannot be read at all, then fails with that error', async () => {
    const { deps, metrics } = await issuedNotice();
    const doc = new Proxy(deps.doc, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? (command: { input: { IndexName?: string } }) =>
              command.input.IndexName === 'gsi1'
                ? Promise.reject(new Error('due index unavailable'))
                : target.send(command as never)
          : Reflect.get(target, prop, receiver),
    });

    const run = createReconcileHandler({ ...deps, doc })();

    await expect(run).rejects.toThrow('due index unavailable');
    expect(metrics.gauges.get('OpenCases')).toBe(1);
  });
});

describe('lapsed notices and the daily cap', () => {
  it('holds the office’s alerts over the cap, merges them the next day, and the case page still shows its own line', async () => {
    const bed = await caseTestbed(ISSUED.toISOString());
    bed.deps.config = { ...bed.deps.config, sms: { ...bed.deps.config.sms, dailyCapPerNumber: 1 } };
    const cases = caseDepsOf(bed.deps);
    const issued = [];
    for (const [i, studentName] of ['测试小明', '测试小红', '测试小刚'].entries()) {
      const c = await openCaseUseCase(cases, openCaseInput({ studentName, studentRef: `CAP-${i}` }));
      for (const outcome of ['not-home', 'refused'] as const)
        await logVisitUseCase(cases, c.id, { by: teacher, at: ISSUED.toISOString(), outcome });
      issued.push({
        caseId: c.id,
        notice: await issueNoticeUseCase(cases, c.id, { name: '示例校长', personId: 'p-head' }),
      });
    }
    bed.clock.set(DEADLINE.toISOString());
    const deadline = createNoticeDeadlineHandler(bed.deps);
    for (const n of issued)
      expect((await deadline({ caseId: n.caseId, noticeId: n.notice.id })).outcome).toBe('escalated');
    const toOffice = async () => {
      const items = await bed.doc.send(
        new ScanCommand({
          TableName: bed.tableName,
          FilterExpression: 'entity = :m',
          ExpressionAttributeValues: { ':m': 'MSG' },
          ConsistentRead: true,
        }),
      );
      return (items.Items ?? []).filter((m) => m.recipient.personId === 'p-office');
    };
    expect(await toOffice()).toHaveLength(1); // the cap: one a day; the other two lapses are held

    bed.clock.set(cstInstant('2023-02-28', '08:00').toISOString());
    const round = await sendOfficialRound({ ...cases, notes: cases.notes! });
    const office = await toOffice();
    expect(office).toHaveLength(2);
    const merged = office.find((m) => String(m.id).startsWith('round#'))!;
    expect(merged.text).toContain('2名学生劝返复学通知书期满仍未复学');
    expect(merged.text).not.toMatch(/测试小[红刚]/);
    expect(round.messages).toBeGreaterThanOrEqual(1);

    const shown = await new DynamoCaseExtras(bed.doc, bed.tableName).messages('school-demo', [issued[2]!.notice.id]);
    const line = shown.find((m) => m.id === merged.id);
    expect(line?.text).toMatch(/^（合并发送）\[通知书期满\].*测\*\*刚/);
    expect(line?.covers).toBeUndefined();
  });
});
