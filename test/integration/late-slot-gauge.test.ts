import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createChaseReportsHandler } from '../../functions/chase-reports/index.ts';
import { createReconcileHandler, LATE_SLOTS_TASK } from '../../functions/reconcile/index.ts';
import { rebuildAggregates } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { DynamoLateSlotSource } from '../../shared/adapters/dynamo/case-read-models.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { lateSlotsOf } from '../../shared/adapters/dynamo/key-conditions.ts';
import { DynamoLateBoardSource } from '../../shared/adapters/dynamo/late-board-source.ts';
import { DynamoLateSlotCounter } from '../../shared/adapters/dynamo/late-slot-counts.ts';
import { slotToItem } from '../../shared/adapters/dynamo/slot-repository.ts';
import type { DirectoryEntity } from '../../shared/domain/ports.ts';
import type { ReportSlot } from '../../shared/domain/report-slot.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { reportsWorld } from '../support/reports-world.ts';
import { openSlot } from '../support/slot-fixtures.ts';

const NOW = cstInstant('2026-03-10', '10:00'); // a Tuesday morning

/** An OPEN slot due on `dueDate` at 17:00 CST; override what the case needs. */
const slot = (schoolId: string, cadence: ReportSlot['cadence'], dueDate: string, extra: Partial<ReportSlot> = {}) =>
  openSlot(schoolId, 'tw-1', cadence, dueDate, extra);

const school = (id: string): DirectoryEntity => ({
  kind: 'school',
  value: { id, name: `测试学校${id}`, townshipId: 'tw-1', headId: 'head-1', phone: '+867700000009', active: true },
});

/** Three schools: two late slots (one waiting for its next level, one past its whole ladder), one filed. */
async function seeded() {
  const world = await reportsWorld(NOW.toISOString());
  await new DynamoDirectoryRepository(world.doc, world.tableName).save([school('sch-2'), school('sch-3')]);
  const slots = [
    // Late since yesterday 17:00; level 1 went out, level 2 is due tonight: not in the chase sweep's read now.
    slot('sch-1', 'daily', '2026-03-09', { nextLevel: 1, nextDueAt: cstInstant('2026-03-10', '17:00').toISOString() }),
    // Late since last Friday, all four levels sent: left the due index for good.
    slot('sch-2', 'weekly', '2026-03-06', { nextLevel: 4 }),
    // Filed on time.
    slot('sch-3', 'daily', '2026-03-09', {
      state: 'SUBMITTED',
      firstSubmittedAt: cstInstant('2026-03-09', '16:00').toISOString(),
    }),
    // Due today at 17:00 and tomorrow: not late yet.
    slot('sch-2', 'daily', '2026-03-10', { nextDueAt: cstInstant('2026-03-10', '17:30').toISOString() }),
    slot('sch-3', 'daily', '2026-03-11', { nextDueAt: cstInstant('2026-03-11', '17:30').toISOString() }),
  ];
  for (const s of slots) await world.doc.send(new PutCommand({ TableName: world.tableName, Item: slotToItem(s) }));
  // Put directly, past the stream: recount the aggregates the gauge reads.
  await rebuildAggregates(world.doc, world.tableName);
  return world;
}

describe('reconcile late-slot task: OpenLateSlots', () => {
  it('counts every open slot past its deadline, a finished ladder included, per cadence', async () => {
    const { deps, metrics } = await seeded();

    const result = await createReconcileHandler(deps)({
      source: 'baoxue.scheduler',
      schedule: 'reconcile#2',
      scheduledTime: NOW.toISOString(),
      task: LATE_SLOTS_TASK,
    });

    expect(result).toEqual({
      task: LATE_SLOTS_TASK,
      lateSlots: { total: 2, byCadence: { daily: 1, weekly: 1, monthly: 0 } },
    });
    expect(Object.fromEntries(metrics.gauges)).toEqual({
      OpenLateSlots: 2,
      'OpenLateSlotsByCadence{cadence=daily}': 1,
      'OpenLateSlotsByCadence{cadence=weekly}': 1,
      'OpenLateSlotsByCadence{cadence=monthly}': 0,
    });
  });

  it('reads the county aggregate (one GetItem) and nothing else: no directory, no owner-index Query, no Scan', async () => {
    const { deps } = await seeded();
    const sent: { name: string; index?: string }[] = [];
    const doc = new Proxy(deps.doc, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? (command: { constructor: { name: string }; input: { IndexName?: string } }) => {
              sent.push({ name: command.constructor.name, index: command.input.IndexName });
              return target.send(command as never);
            }
          : Reflect.get(target, prop, receiver),
    });

    await createReconcileHandler({ ...deps, doc })({ task: LATE_SLOTS_TASK });

    expect(sent.map((c) => c.name)).toEqual(['GetCommand']);
    expect(sent.filter((c) => c.index === 'gsi2')).toEqual([]);
    expect(sent.map((c) => c.name)).not.toContain('ScanCommand');
    expect(sent.filter((c) => c.index === 'gsi1')).toEqual([]); // no due-index read: notices are the daily run's
  });

  it('sees what the chase sweep gauge cannot: LateReportSlots reads 0 at the same moment', async () => {
    const { deps, metrics } = await seeded();

    await createChaseReportsHandler(deps)();
    await createReconcileHandler(deps)({ task: LATE_SLOTS_TASK });

    expect(metrics.gauges.get('LateReportSlots')).toBe(0);
    expect(metrics.gauges.get('OpenLateSlots')).toBe(2);
  });

  it('refuses an unknown task instead of silently doing the daily run', async () => {
    const { deps } = await seeded();

    await expect(createReconcileHandler(deps)({ task: 'late-slot' })).rejects.toThrow(/task/);
  });
});

describe('late board and late-slot gauge: one key condition', () => {
  /** The Query inputs a reader sends, recorded. */
  function recording(doc: Awaited<ReturnType<typeof seeded>>['doc']) {
    const inputs: Record<string, unknown>[] = [];
    const proxy = new Proxy(doc, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? (command: { input: Record<string, unknown> }) => {
              inputs.push(command.input);
              return target.send(command as never);
            }
          : Reflect.get(target, prop, receiver),
    });
    return { proxy, inputs };
  }

  it('the board lists exactly the slots the per-school count counts, for every school and at several moments', async () => {
    const { doc, tableName } = await seeded();
    const board = new DynamoLateSlotSource(doc, tableName);
    const gauge = new DynamoLateSlotCounter(doc, tableName);
    const moments = [NOW, cstInstant('2026-03-10', '17:00'), cstInstant('2026-03-12', '08:00')];
    const seen: number[] = [];
    for (const now of moments)
      for (const schoolId of ['sch-1', 'sch-2', 'sch-3']) {
        const listed = await board.listLate(now, [schoolId]);
        const counted = await gauge.countLate(schoolId, now);
        const byCadence: Record<string, number> = {};
        for (const s of listed) byCadence[s.cadence] = (byCadence[s.cadence] ?? 0) + 1;
        expect(counted).toEqual(byCadence);
        seen.push(listed.length);
      }
    // Not vacuous: at 10:00 sch-1 and sch-2 have one late slot each; at 17:00 sch-2's daily slot joins; on the 12th
    // the filed slot stays out and sch-3's slot of the 11th is late.
    expect(seen).toEqual([1, 1, 0, 1, 2, 0, 1, 2, 1]);
  });

  it('the township late index (gsi3) lists exactly the slots the per-school reads list, at several moments', async () => {
    const { doc, tableName } = await seeded();
    const perSchool = new DynamoLateSlotSource(doc, tableName);
    const byTownship = new DynamoLateBoardSource(doc, tableName);
    const moments = [NOW, cstInstant('2026-03-10', '17:00'), cstInstant('2026-03-12', '08:00')];
    const counts: number[] = [];
    for (const now of moments) {
      const want = (await perSchool.listLate(now, ['sch-1', 'sch-2', 'sch-3'])).map((s) => s.id).sort();
      const page = await byTownship.page('tw-1', now, {}, 100);
      expect(page.nextKey).toBeUndefined();
      expect(page.items.map((i) => i.slot.id).sort()).toEqual(want);
      // Oldest deadline first: the order the board shows.
      const deadlines = page.items.map((i) => i.slot.deadline);
      expect(deadlines).toEqual([...deadlines].sort());
      counts.push(want.length);
    }
    expect(counts).toEqual([2, 3, 4]);
  });

  it('both send the same key condition, filter and values (only the projection differs)', async () => {
    const { doc, tableName } = await seeded();
    const a = recording(doc);
    const b = recording(doc);
    await new DynamoLateSlotSource(a.proxy, tableName).listLate(NOW, ['sch-2']);
    await new DynamoLateSlotCounter(b.proxy, tableName).countLate('sch-2', NOW);
    const [boardInput] = a.inputs;
    const [gaugeInput] = b.inputs;
    const { ProjectionExpression, ...gaugeRest } = gaugeInput ?? {};
    expect(ProjectionExpression).toBe('gsi2sk');
    expect(boardInput).toEqual({ ...gaugeRest, ExclusiveStartKey: undefined });
    expect(boardInput).toMatchObject({ TableName: tableName, ...lateSlotsOf('sch-2', NOW) });
  });
});
