import { DynamoAggregateStore } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import { sendMonthlyReportsUseCase, sendWeeklyDigestsUseCase } from '../../shared/use-cases/send-digests.ts';
import type { Deps } from '../deps.ts';

/**
 * Daily scheduled run of the digests: the weekly digest of the previous week and the monthly township reports of
 * the previous month. Both are idempotent per week/month (deterministic ids, conditional writes), so the first
 * run after a week or month ends sends them and later runs skip: a missed run is caught up the next day.
 * The whole composition is here, the aggregate reader included: the cloud's handler.ts and the local
 * runtime both call this factory with nothing but `deps`, so neither face can run the function half-wired.
 */
export function createDigestsHandler(
  deps: Deps,
): () => Promise<{ weekly: { enqueued: number; skipped: number }; monthly: { stored: number; skipped: number } }> {
  const repo = new DynamoFollowUpRepository(deps.doc, deps.tableName);
  const useCaseDeps = {
    repo,
    directory: new DynamoDirectoryRepository(deps.doc, deps.tableName),
    // The numbers come from the aggregates the stream keeps (functions/aggregator): a few requests per run.
    aggregates: new DynamoAggregateStore(deps.doc, deps.tableName),
    clock: deps.clock,
    newId: deps.newId,
    log: deps.log,
    config: deps.config,
  };
  return async () => {
    // One load of the directory per run, for both digests (its pages grow with the schools).
    const directory = await useCaseDeps.directory.load();
    const weekly = await sendWeeklyDigestsUseCase(useCaseDeps, directory);
    const { stored, skipped } = await sendMonthlyReportsUseCase(useCaseDeps, directory);
    return { weekly, monthly: { stored, skipped } };
  };
}
