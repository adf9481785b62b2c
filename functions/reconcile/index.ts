import * as z from 'zod/mini';
import { compareSchoolAggregates, DynamoAggregateStore } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { DynamoOpenCaseCounter } from '../../shared/adapters/dynamo/case-counts.ts';
import { DynamoOutboxRepository } from '../../shared/adapters/dynamo/outbox-repository.ts';
import { METRICS } from '../../shared/observability/metrics.ts';
import { countLateSlotsFromAggregates } from '../../shared/use-cases/aggregate-statistics.ts';
import type { LateSlotCounts } from '../../shared/use-cases/count-late-slots.ts';
import { countOpenCases, type OpenCaseCounts } from '../../shared/use-cases/count-open-cases.ts';
import { type EscalationSweepResult, sweepEscalationsUseCase } from '../../shared/use-cases/escalations.ts';
import { checkNoticeDeliveriesUseCase, type DeliveryCheckResult } from '../../shared/use-cases/notice-deliveries.ts';
import { type ReconcileReport, reconcileNoticesUseCase } from '../../shared/use-cases/reconcile-notices.ts';
import { caseDepsOf } from '../case-reactor/case-deps.ts';
import type { Deps } from '../deps.ts';
import { parsedHandler } from '../parsed-handler.ts';

/** The `task` of reconcile's hourly schedule (functions/manifest.ts); absent = the daily run. */
export const LATE_SLOTS_TASK = 'late-slots';
/** The `task` of the 15-minute escalation sweep in office hours. */
export const ESCALATIONS_TASK = 'escalations';

/** Scheduled event (cloud Input or local emulator); called with nothing in tests and by hand. */
const reconcileEventSchema = z.optional(
  z.looseObject({ task: z.optional(z.enum([LATE_SLOTS_TASK, ESCALATIONS_TASK])) }),
);

/** Schools whose aggregates the daily run recounts and compares. */
export const AGGREGATE_SAMPLE = 5;

export type ReconcileResult =
  | ({ task: 'reconcile' } & ReconcileReport & { openCases: OpenCaseCounts; aggregateMismatches: number })
  | { task: typeof LATE_SLOTS_TASK; lateSlots: LateSlotCounts }
  | ({ task: typeof ESCALATIONS_TASK } & EscalationSweepResult & { deliveries: DeliveryCheckResult });

/**
 * Two jobs, one per schedule:
 * - daily (07:30 CST): missed deadlines are processed, missing or misplaced timers re-created or moved, heads
 *   reminded of notices without a recorded receipt (school days), then the open cases are counted on
 *   the owner index for `OpenCases` and `CasesByState`. The gauges go out even when notices failed; the run fails
 *   after them so the error alarm sees it.
 * - every 15 minutes in office hours (`task: escalations`): lapsed notices nobody acknowledged go up a level
 *   (包片领导, then 总负责人 + office); township orders past their deadline alert the chief and the office; a
 *   guardian's notice SMS that failed, was not delivered or not confirmed in time becomes the school's task.
 * - hourly in school hours (`task: late-slots`): the report slots open past their deadline are counted on the owner
 *   aggregates for `OpenLateSlots` and `OpenLateSlotsByCadence` (one GetItem; docs/deploy.md "Metrics").
 */
export function createReconcileHandler(deps: Deps) {
  const cases = caseDepsOf(deps);
  const caseCounter = new DynamoOpenCaseCounter(deps.doc, deps.tableName);
  const aggregates = new DynamoAggregateStore(deps.doc, deps.tableName);
  const outbox = new DynamoOutboxRepository(deps.doc, deps.tableName);
  return parsedHandler(reconcileEventSchema, async (event): Promise<ReconcileResult> => {
    if (event?.task === ESCALATIONS_TASK) {
      const sweep = await sweepEscalationsUseCase(cases);
      // The same cadence suits the guardian's notice SMS: one that did not reach the phone is the school's task.
      const deliveries = await checkNoticeDeliveriesUseCase({ ...cases, messages: outbox });
      if (sweep.failed.length > 0)
        throw new Error(`escalation sweep: ${sweep.failed.length} of ${sweep.due} notices failed (see the log)`);
      if (deliveries.failed.length > 0)
        throw new Error(
          `delivery check: ${deliveries.failed.length} of ${deliveries.checked} notices failed (see the log)`,
        );
      return { task: ESCALATIONS_TASK, ...sweep, deliveries };
    }
    if (event?.task === LATE_SLOTS_TASK) {
      // From the county's all-time aggregate: one GetItem, whatever the number of schools.
      const lateSlots = await countLateSlotsFromAggregates({
        aggregates,
        clock: deps.clock,
        cadences: deps.config.reports.cadences,
      });
      deps.metrics.gauge(METRICS.openLateSlots, lateSlots.total);
      for (const [cadence, n] of Object.entries(lateSlots.byCadence))
        deps.metrics.gauge(METRICS.openLateSlotsByCadence, n, { cadence });
      deps.log.info('late report slots counted', { ...lateSlots });
      return { task: LATE_SLOTS_TASK, lateSlots };
    }

    let report: ReconcileReport | undefined;
    let failure: unknown;
    try {
      report = await reconcileNoticesUseCase({ ...cases, outbox });
    } catch (error) {
      failure = error; // e.g. the due-index read failed: still count the cases, then fail the run.
    }
    if (report && report.processedLate > 0) deps.metrics.count(METRICS.noticesLapsed, report.processedLate);
    const openCases = await countOpenCases({ directory: cases.directory, counter: caseCounter });
    deps.metrics.gauge(METRICS.openCases, openCases.total);
    for (const [state, n] of Object.entries(openCases.byState)) deps.metrics.gauge(METRICS.casesByState, n, { state });
    deps.log.info('open cases counted', { ...openCases });
    const aggregateMismatches = await reconcileAggregateSample(deps, aggregates, cases.directory);
    if (!report) throw failure;
    if (report.failed.length > 0)
      throw new Error(`reconcile: ${report.failed.length} of ${report.open} open notices failed (see the log)`);
    return { task: 'reconcile', ...report, openCases, aggregateMismatches };
  });
}

/**
 * Recounts a sample of schools (AGGREGATE_SAMPLE, a different one each day) from their items and compares them
 * with the stored aggregates: the `AggregateMismatches` gauge (alarmed) and one error line per differing bucket.
 */
async function reconcileAggregateSample(
  deps: Deps,
  aggregates: DynamoAggregateStore,
  directory: { load(): Promise<{ schools: { id: string; townshipId: string }[] }> },
): Promise<number> {
  const { schools } = await directory.load();
  const day = Math.floor(deps.clock.now().getTime() / 86_400_000);
  const sorted = [...schools].sort((a, b) => a.id.localeCompare(b.id));
  const sample = Array.from({ length: Math.min(AGGREGATE_SAMPLE, sorted.length) }, (_, i) => {
    return sorted[(day * AGGREGATE_SAMPLE + i) % sorted.length]!;
  });
  const mismatches = await compareSchoolAggregates(deps.doc, deps.tableName, aggregates, sample);
  deps.metrics.gauge(METRICS.aggregateMismatches, mismatches.length);
  for (const m of mismatches)
    deps.log.error('aggregates differ from a recount: run `npm run cli -- rebuild-aggregates`', { ...m });
  deps.log.info('aggregates compared', { schools: sample.map((s) => s.id), mismatches: mismatches.length });
  return mismatches.length;
}
