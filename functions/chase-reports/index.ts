import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoNoteRepository } from '../../shared/adapters/dynamo/note-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { METRICS } from '../../shared/observability/metrics.ts';
import { type ChaseResult, chaseReports } from '../../shared/use-cases/chase-reports.ts';
import type { Deps } from '../deps.ts';

/**
 * Scheduled every 15 minutes: advances the ladder of each late report by one level. Emits `LateReportSlots`
 * (the late slots the due index returned, every sweep, 0 included, so the graph has no gaps) and `Escalations`.
 */
export function createChaseReportsHandler(deps: Deps): (event?: unknown) => Promise<ChaseResult> {
  const useCaseDeps = {
    slots: new DynamoSlotRepository(deps.doc, deps.tableName),
    notes: new DynamoNoteRepository(deps.doc, deps.tableName),
    directory: new DynamoDirectoryLookup(deps.doc, deps.tableName),
    clock: deps.clock,
    log: deps.log,
    config: deps.config,
  };
  return async () => {
    const result = await chaseReports(useCaseDeps);
    // Only what the sweep already read: slots past their deadline whose next ladder level is due (shared/observability/metrics.ts).
    deps.metrics.gauge(METRICS.lateReportSlots, result.due);
    deps.metrics.count(METRICS.escalations, result.notes);
    return result;
  };
}
