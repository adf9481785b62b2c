import { describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { createNoticeDeadlineHandler } from '../../functions/notice-deadline/index.ts';
import { createReconcileHandler } from '../../functions/reconcile/index.ts';
import { recount } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { dynamoCaseFacts } from '../../shared/adapters/dynamo/followup-repository.ts';
import { contributionsOf, readPlan, statisticsFromCounters } from '../../shared/domain/aggregates.ts';
import { computeStatistics } from '../../shared/domain/statistics.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { acknowledgeEscalationUseCase, recordTownshipOrderUseCase } from '../../shared/use-cases/escalations.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordReturnUseCase } from '../../shared/use-cases/record-return.ts';
import { caseTestbed, openCaseInput } from '../support/case-fixtures.ts';

// Issued Friday 2023-02-17 15:00 → lapses Friday 2023-02-24 15:00. Re-escalation after 10h of working time
// (08:00–18:00): Friday 15–18 counts 3h, Monday 08:00 + 7h → Monday 02-27 15:00 the 包片领导; another 10h → Tuesday
// 02-28 15:00 the 总负责人 and the office. Nothing on the weekend.
const ISSUED = cstInstant('2023-02-17', '15:00');
const LAPSE = cstInstant('2023-02-24', '15:00');
const TO_AREA_LEADER = cstInstant('2023-02-27', '15:00');
const TO_CHIEF = cstInstant('2023-02-28', '15:00');
const contact = { personId: 'p-contact', name: '示例专员', role: 'township-contact' };

async function lapsedNotice() {
  const bed = await caseTestbed(ISSUED.toISOString());
  const cases = caseDepsOf(bed.deps);
  const c = await openCaseUseCase(cases, openCaseInput());
  for (const outcome of ['not-home', 'refused'] as const)
    await logVisitUseCase(cases, c.id, { by: { name: '示例老师' }, at: ISSUED.toISOString(), outcome });
  const notice = await issueNoticeUseCase(cases, c.id, { name: '示例校长', personId: 'p-head' }, { confirmed: true });
  const ref = { caseId: c.id, noticeId: notice.id };
  bed.clock.set(LAPSE.toISOString());
  expect(await createNoticeDeadlineHandler(bed.deps)(ref)).toMatchObject({ outcome: 'escalated' });
  const sweep = async (iso: string) => {
    bed.clock.set(iso);
    return createReconcileHandler(bed.deps)({ task: 'escalations' });
  };
  const official = async () =>
    (await bed.messagesOf(notice.id))
      .filter((m) => /^notice\.(re-escalated|township-order-lapsed)/.test(String(m.template)))
      .map((m) => [m.template, m.recipient.personId, m.notBefore])
      .sort();
  return { ...bed, cases, ref, notice, sweep, official };
}

describe('re-escalation of a lapsed notice nobody takes on', () => {
  it('reaches the 包片领导 Monday 15:00 and the chief + office Tuesday 15:00 in working time, once per level', async () => {
    const { sweep, official, noticeItem, ref, deps } = await lapsedNotice();
    expect((await noticeItem(ref.caseId, ref.noticeId)).escalation).toEqual({
      level: 0,
      nextAt: TO_AREA_LEADER.toISOString(),
    });

    // Saturday, Sunday, Monday just before: nothing is due.
    for (const at of ['2023-02-25T02:00:00Z', '2023-02-26T08:00:00Z', '2023-02-27T06:59:00Z'])
      expect(await sweep(at)).toMatchObject({ due: 0, reEscalated: 0 });
    expect(await sweep(TO_AREA_LEADER.toISOString())).toMatchObject({ due: 1, reEscalated: 1 });
    expect(await sweep(cstInstant('2023-02-27', '15:15').toISOString())).toMatchObject({ due: 0, reEscalated: 0 });
    expect(await official()).toEqual([['notice.re-escalated.area-leader', 'p-leader', TO_AREA_LEADER.toISOString()]]);
    expect(await sweep(TO_CHIEF.toISOString())).toMatchObject({ due: 1, reEscalated: 1 });
    // Level 2 is the last: nothing is due any more, ever.
    expect(await sweep('2023-03-31T02:00:00Z')).toMatchObject({ due: 0 });
    expect(await official()).toEqual([
      ['notice.re-escalated.area-leader', 'p-leader', TO_AREA_LEADER.toISOString()],
      ['notice.re-escalated.chief', 'p-leader', TO_CHIEF.toISOString()],
      ['notice.re-escalated.chief', 'p-office', TO_CHIEF.toISOString()],
    ]);
    const events = (await caseDepsOf(deps).repo.listEvents(ref.caseId)).filter((e) => e.type === 're-escalated');
    expect(events.map((e) => e.data.level)).toEqual([1, 2]);
    const text = (
      await deps.doc.send(
        new (
          await import('@aws-sdk/lib-dynamodb')
        ).GetCommand({
          TableName: deps.tableName,
          Key: { pk: `MSG#notice-${ref.noticeId}-reesc-1-p-leader`, sk: 'MSG' },
        }),
      )
    ).Item?.text as string;
    expect(text).toContain('请督办');
    expect(text).not.toContain('测试小明');
  });

  it('an acknowledgement by the 包乡镇人员 stops it: no re-escalation at all; a second one changes nothing', async () => {
    const { cases, sweep, official, ref, clock, deps } = await lapsedNotice();
    clock.set(cstInstant('2023-02-24', '16:00').toISOString());

    const first = await acknowledgeEscalationUseCase(cases, ref, { note: '已联系乡镇，明天上门' }, contact);
    const second = await acknowledgeEscalationUseCase(cases, ref, { note: '再次确认' }, contact);

    expect(first.changed).toBe(true);
    expect(second.changed).toBe(false);
    expect(first.notice.escalation).toMatchObject({ level: 0, acknowledged: { note: '已联系乡镇，明天上门' } });
    expect(first.notice.escalation?.nextAt).toBeUndefined();
    expect(await sweep(TO_CHIEF.toISOString())).toMatchObject({ due: 0, reEscalated: 0 });
    expect(await official()).toEqual([]);
    const acks = (await caseDepsOf(deps).repo.listEvents(ref.caseId)).filter(
      (e) => e.type === 'escalation-acknowledged',
    );
    expect(acks.map((e) => [e.by?.name, e.data.note])).toEqual([['示例专员', '已联系乡镇，明天上门']]);
  });

  it('acknowledged after level 1: level 2 never goes out', async () => {
    const { cases, sweep, official, ref, clock } = await lapsedNotice();
    await sweep(TO_AREA_LEADER.toISOString());
    clock.set(cstInstant('2023-02-27', '16:00').toISOString());
    await acknowledgeEscalationUseCase(
      cases,
      ref,
      { note: '片长已督办' },
      { personId: 'p-leader', name: '示例片长', role: 'leader' },
    );
    expect(await sweep(TO_CHIEF.toISOString())).toMatchObject({ reEscalated: 0 });
    expect((await official()).map((m) => m[0])).toEqual(['notice.re-escalated.area-leader']);
  });
});

describe('the township stage', () => {
  it('an order stops the chain; its lapse alerts the chief and the office once', async () => {
    const { cases, sweep, official, ref, clock, noticeItem } = await lapsedNotice();
    clock.set(cstInstant('2023-02-27', '10:00').toISOString());

    const r = await recordTownshipOrderUseCase(
      cases,
      ref,
      { kind: '限期返校', orderedOn: '2023-02-27', ref: '示例政发〔2023〕1号' },
      contact,
    );

    // Default deadline: 7 days; checked the morning after, 2023-03-07 08:00.
    expect(r.notice.escalation?.townshipOrder).toMatchObject({ deadline: '2023-03-06', ref: '示例政发〔2023〕1号' });
    expect(r.notice.escalation?.acknowledged?.note).toBe('登记乡镇政府限期返校');
    expect(await sweep(TO_CHIEF.toISOString())).toMatchObject({ due: 0, reEscalated: 0 });
    expect(await sweep(cstInstant('2023-03-07', '08:00').toISOString())).toMatchObject({ due: 1, ordersLapsed: 1 });
    expect(await sweep(cstInstant('2023-03-07', '08:15').toISOString())).toMatchObject({ due: 0 });
    expect(await official()).toEqual([
      ['notice.township-order-lapsed', 'p-leader', cstInstant('2023-03-07', '08:00').toISOString()],
      ['notice.township-order-lapsed', 'p-office', cstInstant('2023-03-07', '08:00').toISOString()],
    ]);
    expect((await noticeItem(ref.caseId, ref.noticeId)).gsi1pk).toBeUndefined();
  });

  it('a return before the order deadline cancels it: no alert, the notice leaves the due index', async () => {
    const { cases, sweep, official, ref, clock, noticeItem } = await lapsedNotice();
    clock.set(cstInstant('2023-02-27', '10:00').toISOString());
    await recordTownshipOrderUseCase(
      cases,
      ref,
      { kind: '责令限期改正', orderedOn: '2023-02-27', ref: '示例〔2023〕2号', deadline: '2023-03-03' },
      contact,
    );
    clock.set(cstInstant('2023-03-02', '10:00').toISOString());
    await recordReturnUseCase(cases, ref.caseId, { by: { name: '示例老师' }, returnedOn: '2023-03-02' });

    expect(await sweep(cstInstant('2023-03-04', '08:00').toISOString())).toMatchObject({
      due: 1,
      closed: 1,
      ordersLapsed: 0,
    });
    expect(await official()).toEqual([]);
    const stored = await noticeItem(ref.caseId, ref.noticeId);
    expect(stored.escalation.closedBy.state).toBe('returned');
    expect(stored.gsi1pk).toBeUndefined();
  });

  it('refuses impossible orders naming the field, and a second different order (409)', async () => {
    const { cases, ref, clock } = await lapsedNotice();
    clock.set(cstInstant('2023-02-27', '10:00').toISOString());
    const bad = [
      [{ kind: '限期返校', orderedOn: '2023-02-23', ref: 'x' }, 'orderedOn'],
      [{ kind: '限期返校', orderedOn: '2023-02-28', ref: 'x' }, 'orderedOn'],
      [{ kind: '限期返校', orderedOn: '2023-02-27', ref: 'x', deadline: '2023-02-26' }, 'deadline'],
      [{ kind: '罚款', orderedOn: '2023-02-27', ref: 'x' }, 'kind'],
      [{ kind: '限期返校', orderedOn: '2023-02-30', ref: 'x' }, 'orderedOn'],
    ] as const;
    for (const [input, field] of bad)
      await expect(recordTownshipOrderUseCase(cases, ref, input as never, contact)).rejects.toMatchObject({
        issues: [expect.objectContaining({ field })],
      });
    await recordTownshipOrderUseCase(cases, ref, { kind: '限期返校', orderedOn: '2023-02-27', ref: 'A' }, contact);
    await expect(
      recordTownshipOrderUseCase(cases, ref, { kind: '限期返校', orderedOn: '2023-02-27', ref: 'B' }, contact),
    ).rejects.toMatchObject({ code: 'TOWNSHIP_ORDER_ALREADY_RECORDED' });
  });
});

describe('township orders in the statistics (notice item → aggregates, and the facts reader, agree)', () => {
  const march = { from: '2023-02-01', to: '2023-03-31' };
  const orderFields = (item: Record<string, unknown>) =>
    contributionsOf(item)
      .filter((c) => /^o[ilreop]$/.test(c.field))
      .map((c) => `${c.date} ${c.field}`)
      .sort();
  const statsOf = async (bed: Awaited<ReturnType<typeof lapsedNotice>>) => {
    const c = (await bed.cases.repo.getCase(bed.ref.caseId))!;
    const facts = await dynamoCaseFacts(bed.doc, bed.tableName)([c.schoolId], march);
    const fromFacts = computeStatistics({ reports: [], visits: [], cases: facts }, march, bed.clock.now());
    const agg = recount([await bed.noticeItem(bed.ref.caseId, bed.ref.noticeId)]);
    const county = (bucket: string) => agg.county.get(bucket) ?? {};
    const fromAggregates = statisticsFromCounters(readPlan(march, bed.clock.now()), county);
    const pick = (s: typeof fromFacts) => [
      s.townshipOrders,
      s.townshipOrdersReturned,
      s.townshipOrdersLapsed,
      s.townshipOrdersEnded,
      s.townshipOrdersOpen,
    ];
    expect(pick(fromAggregates)).toEqual(pick(fromFacts));
    return pick(fromFacts);
  };

  it('an order counts on its date as open, then as lapsed once its deadline passed with the child not back', async () => {
    const bed = await lapsedNotice();
    expect(await statsOf(bed)).toEqual([0, 0, 0, 0, 0]);
    bed.clock.set(cstInstant('2023-02-27', '10:00').toISOString());
    await recordTownshipOrderUseCase(
      bed.cases,
      bed.ref,
      { kind: '限期返校', orderedOn: '2023-02-27', ref: '示例政发〔2023〕1号' },
      contact,
    );
    expect(orderFields(await bed.noticeItem(bed.ref.caseId, bed.ref.noticeId))).toEqual([
      '2023-02-27 oi',
      '2023-02-27 op',
    ]);
    expect(await statsOf(bed)).toEqual([1, 0, 0, 0, 1]);
    await bed.sweep(cstInstant('2023-03-07', '08:00').toISOString());
    expect(orderFields(await bed.noticeItem(bed.ref.caseId, bed.ref.noticeId))).toEqual([
      '2023-02-27 oi',
      '2023-02-27 ol',
    ]);
    expect(await statsOf(bed)).toEqual([1, 0, 1, 0, 0]);
  });

  it('a return before the deadline counts as returned once the deadline is checked (open until then)', async () => {
    const bed = await lapsedNotice();
    bed.clock.set(cstInstant('2023-02-27', '10:00').toISOString());
    await recordTownshipOrderUseCase(
      bed.cases,
      bed.ref,
      { kind: '责令限期改正', orderedOn: '2023-02-27', ref: '示例〔2023〕2号', deadline: '2023-03-03' },
      contact,
    );
    bed.clock.set(cstInstant('2023-03-02', '10:00').toISOString());
    await recordReturnUseCase(bed.cases, bed.ref.caseId, { by: { name: '示例老师' }, returnedOn: '2023-03-02' });
    expect(await statsOf(bed)).toEqual([1, 0, 0, 0, 1]);
    await bed.sweep(cstInstant('2023-03-04', '08:00').toISOString());
    expect(await statsOf(bed)).toEqual([1, 1, 0, 0, 0]);
    // An order outside the range is not counted in it.
    const facts = await dynamoCaseFacts(bed.doc, bed.tableName)(['school-demo'], {
      from: '2023-03-01',
      to: '2023-03-31',
    });
    expect(
      computeStatistics(
        { reports: [], visits: [], cases: facts },
        { from: '2023-03-01', to: '2023-03-31' },
        bed.clock.now(),
      ).townshipOrders,
    ).toBe(0);
  });
});
