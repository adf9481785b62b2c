import { METRICS } from '../../infra/metrics.ts';
import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { type ChaseResult, chaseReports } from '../../shared/use-cases/chase-reports.ts';
import type { Deps } from '../deps.ts';

/** Scheduled every 15 minutes: advances the ladder of each late report by one level. */
export function createChaseReportsHandler(deps: Deps): (event?: unknown) => Promise<ChaseResult> {
  const useCaseDeps = {
    slots: new DynamoSlotRepository(deps.doc, deps.tableName),
    directory: new DynamoDirectoryLookup(deps.doc, deps.tableName),
    clock: deps.clock,
    log: deps.log,
    config: deps.config,
  };
  return async () => {
    const result = await chaseReports(useCaseDeps);
    deps.metrics.count(METRICS.escalations, result.messages);
    return result;
  };
}
