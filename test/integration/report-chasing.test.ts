import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createChaseReportsHandler } from '../../functions/chase-reports/index.ts';
import { createOpenReportsHandler } from '../../functions/open-reports/index.ts';
import { createOutboxDispatcherHandler } from '../../functions/outbox-dispatcher/index.ts';
import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { ConcurrentUpdateError } from '../../shared/domain/errors.ts';
import { submitReport } from '../../shared/use-cases/submit-report.ts';
import { messageItems, queuedEvent, reportsWorld } from '../support/reports-world.ts';

// Monday 2023-02-20 is a school day: its 日报 is due 17:00 CST (09:00Z). Daily ladder: +30m, +16h, +1d, +1d16h.
const MONDAY_6AM = '2023-02-19T22:00:00.000Z';
const L0_AT = '2023-02-20T09:30:00.000Z';
const L1_AT = '2023-02-21T01:00:00.000Z';
const L2_AT = '2023-02-21T09:00:00.000Z';
const L3_AT = '2023-02-22T01:00:00.000Z';
const SLOT_ID = 'sch-1:daily:2023-02-20';

const submission = {
  counts: { enrolled: 300, returned: 298, notReturned: 1, droppedOut: 1 },
  notBack: [
    { studentName: '测试学生一', status: 'not-returned', reason: '外出务工随父母' },
    { studentName: '测试学生二', status: 'dropped-out' },
  ],
  submittedBy: 'head-1',
};

describe('open-reports', () => {
  it('opens the daily slot of each active school, and a second run creates nothing new', async () => {
    const world = await reportsWorld(MONDAY_6AM);
    const open = createOpenReportsHandler(world.deps);

    const first = await open();
    const second = await open();

    expect(first.opened).toEqual({ daily: { created: 1, existing: 0, periodKey: '2023-02-20' } });
    expect(second.opened).toEqual({ daily: { created: 0, existing: 1, periodKey: '2023-02-20' } });
    const slot = await new DynamoSlotRepository(world.doc, world.tableName).get(SLOT_ID);
    expect(slot).toMatchObject({ state: 'OPEN', nextLevel: 0, version: 1, nextDueAt: L0_AT });
    const openOfSchool = await world.doc.send(
      new QueryCommand({
        TableName: world.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :school AND begins_with(gsi2sk, :open)',
        ExpressionAttributeValues: { ':school': 'SCHOOL#sch-1', ':open': 'SLOT#OPEN#' },
      }),
    );
    expect(openOfSchool.Items?.map((i) => i.id)).toEqual([SLOT_ID]);
  });

  it('re-opens a missed day when an operator passes its date', async () => {
    const world = await reportsWorld('2023-02-21T22:00:00.000Z');

    const result = await createOpenReportsHandler(world.deps)({ date: '2023-02-20' });

    expect(result.opened.daily).toEqual({ created: 1, existing: 0, periodKey: '2023-02-20' });
  });

  it('opens nothing on a Sunday', async () => {
    const world = await reportsWorld('2023-02-18T22:00:00.000Z');

    const result = await createOpenReportsHandler(world.deps)();

    expect(result.opened).toEqual({});
  });
});

describe('chase-reports', () => {
  it('sends level 0 to the head, level 1 to the township contact, and nothing after the report is filed', async () => {
    const world = await reportsWorld(MONDAY_6AM);
    await createOpenReportsHandler(world.deps)();
    const chase = createChaseReportsHandler(world.deps);

    // Wed's and Thu's 日报 are late with L0 due; Monday's is not late yet. The second sweep finds the same two
    // again, now with L1 due (their deadline + 16h passed long ago): the gauge is what each sweep had to act on.
    world.clock.set('2023-02-20T09:29:00.000Z');
    const early = await chase();
    world.clock.set(L0_AT);
    const level0 = await chase();
    const level0Again = await chase();
    world.clock.set(L1_AT);
    const level1 = await chase();
    world.clock.set('2023-02-21T03:00:00.000Z');
    await submitReport(
      {
        slots: new DynamoSlotRepository(world.doc, world.tableName),
        directory: new DynamoDirectoryLookup(world.doc, world.tableName),
        clock: world.clock,
        log: world.log,
        config: world.deps.config,
      },
      { schoolId: 'sch-1', cadence: 'daily', periodKey: '2023-02-20', submission },
    );
    world.clock.set(L2_AT);
    const level2 = await chase();
    world.clock.set(L3_AT);
    const level3 = await chase();

    expect([early.due, level0.messages, level0Again.due, level1.messages, level2.due, level3.due]).toEqual([
      0, 1, 0, 1, 0, 0,
    ]);
    const ids = (await messageItems(world.doc, world.tableName)).map((m) => m.id);
    expect(ids).toEqual([`slot#${SLOT_ID}#L0#head-1`, `slot#${SLOT_ID}#L1#contact-1`]);
    const slot = await new DynamoSlotRepository(world.doc, world.tableName).get(SLOT_ID);
    expect(slot).toMatchObject({ state: 'SUBMITTED', nextLevel: 2 });
    expect(slot?.nextDueAt).toBeUndefined();
  });

  it('runs the whole ladder when nobody files, once per level, then leaves the due index', async () => {
    const world = await reportsWorld(MONDAY_6AM);
    await createOpenReportsHandler(world.deps)();
    const chase = createChaseReportsHandler(world.deps);

    for (const at of [L0_AT, L1_AT, L2_AT, L3_AT, '2023-03-01T00:00:00.000Z']) {
      world.clock.set(at);
      await chase();
    }

    const messages = await messageItems(world.doc, world.tableName);
    expect(messages.map((m) => m.id)).toEqual([
      `slot#${SLOT_ID}#L0#head-1`,
      `slot#${SLOT_ID}#L1#contact-1`,
      `slot#${SLOT_ID}#L2#leader-1`,
      `slot#${SLOT_ID}#L3#chief-1`,
      `slot#${SLOT_ID}#L3#office-1`,
    ]);
    expect(messages.every((m) => !m.text.includes('测试学生'))).toBe(true);
    const due = await world.doc.send(
      new QueryCommand({
        TableName: world.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': 'DUE#SLOT' },
      }),
    );
    expect(due.Count).toBe(0);
  });

  it('catches up one level per sweep after an outage instead of skipping', async () => {
    const world = await reportsWorld(MONDAY_6AM);
    await createOpenReportsHandler(world.deps)();
    world.clock.set('2023-02-25T00:00:00.000Z');

    const first = await createChaseReportsHandler(world.deps)();

    expect(first.escalated).toBe(1);
    expect((await messageItems(world.doc, world.tableName)).map((m) => m.id)).toEqual([`slot#${SLOT_ID}#L0#head-1`]);
  });
});

describe('chase-reports metrics', () => {
  it('gauges LateReportSlots as the late slots the sweep read, 0 included, and counts Escalations', async () => {
    const world = await reportsWorld(MONDAY_6AM);
    const open = createOpenReportsHandler(world.deps);
    await open();
    await open({ date: '2023-02-16' });
    await open({ date: '2023-02-15' });
    const chase = createChaseReportsHandler(world.deps);

    // Wed's and Thu's 日报 are late with L0 due; Monday's is not late yet. The second sweep finds the same two
    // again, now with L1 due (their deadline + 16h passed long ago): the gauge is what each sweep had to act on.
    world.clock.set('2023-02-20T09:29:00.000Z');
    await chase();
    const beforeMonday = world.metrics.gauges.get('LateReportSlots');
    world.clock.set('2023-02-20T09:29:30.000Z');
    await chase();
    const afterOneLevel = world.metrics.gauges.get('LateReportSlots');

    expect(beforeMonday).toBe(2);
    expect(afterOneLevel).toBe(2);
    expect(world.metrics.totals.get('Escalations')).toBe(4);
  });

  it('gauges 3 when three late slots are due in one sweep, and 0 once no level is left to send', async () => {
    const world = await reportsWorld(MONDAY_6AM);
    const open = createOpenReportsHandler(world.deps);
    await open();
    await open({ date: '2023-02-16' });
    await open({ date: '2023-02-15' });
    const chase = createChaseReportsHandler(world.deps);

    world.clock.set(L0_AT);
    const first = await chase();
    const gaugeAtFirst = world.metrics.gauges.get('LateReportSlots');
    world.clock.set('2023-03-01T00:00:00.000Z');
    for (let sweep = 0; sweep < 4; sweep++) await chase();
    const last = await chase();

    expect(first.due).toBe(3);
    expect(gaugeAtFirst).toBe(3);
    expect(last.due).toBe(0);
    expect(world.metrics.gauges.get('LateReportSlots')).toBe(0);
  });
});

describe('chase racing a submission', () => {
  it('enqueues nothing when the slot was filed after the sweep read it', async () => {
    const world = await reportsWorld(MONDAY_6AM);
    await createOpenReportsHandler(world.deps)();
    const slots = new DynamoSlotRepository(world.doc, world.tableName);
    const staleCopy = (await slots.get(SLOT_ID))!;
    world.clock.set(L0_AT);
    await submitReport(
      {
        slots,
        directory: new DynamoDirectoryLookup(world.doc, world.tableName),
        clock: world.clock,
        log: world.log,
        config: world.deps.config,
      },
      { schoolId: 'sch-1', cadence: 'daily', periodKey: '2023-02-20', submission },
    );

    const attempt = slots.advance(staleCopy, { ...staleCopy, nextLevel: 1 }, []);

    await expect(attempt).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await messageItems(world.doc, world.tableName)).toEqual([]);
    expect((await slots.get(SLOT_ID))?.state).toBe('SUBMITTED');
  });
});

describe('submit-report', () => {
  it('keeps the earlier figures in history when the same period is filed again', async () => {
    const world = await reportsWorld(MONDAY_6AM);
    const deps = {
      slots: new DynamoSlotRepository(world.doc, world.tableName),
      directory: new DynamoDirectoryLookup(world.doc, world.tableName),
      clock: world.clock,
      log: world.log,
      config: world.deps.config,
    };
    const input = { schoolId: 'sch-1', cadence: 'daily' as const, periodKey: '2023-02-20', submission };

    const first = await submitReport(deps, input);
    world.clock.set('2023-02-20T10:00:00.000Z');
    const second = await submitReport(deps, {
      ...input,
      submission: { ...submission, counts: { ...submission.counts, returned: 297, enrolled: 299 } },
    });

    expect(first).toMatchObject({ resubmission: false, onTime: true });
    expect(second.resubmission).toBe(true);
    expect(second.slot.history).toHaveLength(1);
    expect(second.slot.history[0]?.counts.returned).toBe(298);
    expect(second.slot.submission?.counts.returned).toBe(297);
    expect(second.slot.firstSubmittedAt).toBe(MONDAY_6AM);
  });

  it('refuses a list of pupils that does not match the counts, naming the field', async () => {
    const world = await reportsWorld(MONDAY_6AM);
    const deps = {
      slots: new DynamoSlotRepository(world.doc, world.tableName),
      directory: new DynamoDirectoryLookup(world.doc, world.tableName),
      clock: world.clock,
      log: world.log,
      config: world.deps.config,
    };

    const attempt = submitReport(deps, {
      schoolId: 'sch-1',
      cadence: 'daily',
      periodKey: '2023-02-20',
      submission: { ...submission, notBack: [] },
    });

    await expect(attempt).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('submission.notBack'),
    });
  });
});

describe('chase → outbox → SMS', () => {
  it('sends the chase message through the dispatcher', async () => {
    const world = await reportsWorld(MONDAY_6AM);
    await createOpenReportsHandler(world.deps)();
    world.clock.set(L0_AT);
    await createChaseReportsHandler(world.deps)();

    const result = await createOutboxDispatcherHandler(world.deps)(await queuedEvent(world.doc, world.tableName));

    expect(result.batchItemFailures).toEqual([]);
    expect(world.sms.sent).toEqual([
      {
        phone: '+8613800000001',
        messageId: `slot#${SLOT_ID}#L0#head-1`,
        template: 'report.reminder',
        params: { school: '马岭镇中心小学', period: '2月20日', report: '日报', deadline: '2月20日17:00' },
        text: '【荔浦教育】马岭镇中心小学2月20日日报未报送（截止2月20日17:00），请校长尽快报送。',
      },
    ]);
  });
});
