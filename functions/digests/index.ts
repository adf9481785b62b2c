import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import {
  DynamoFollowUpRepository,
  dynamoCaseFacts,
  dynamoReportFacts,
  statisticsSource,
} from '../../shared/adapters/dynamo/followup-repository.ts';
import { sendMonthlyReportsUseCase, sendWeeklyDigestsUseCase } from '../../shared/use-cases/send-digests.ts';
import type { Deps } from '../deps.ts';

/**
 * Daily scheduled run of the digests: the weekly digest of the previous week and the monthly township reports of
 * the previous month. Both are idempotent per week/month (deterministic ids, conditional writes), so the first
 * run after a week or month ends sends them and later runs skip: a missed run is caught up the next day.
 * The whole composition is here, readers of report slots and cases included: the cloud's handler.ts and the local
 * runtime both call this factory with nothing but `deps`, so neither face can run the function half-wired.
 */
export function createDigestsHandler(
  deps: Deps,
): () => Promise<{ weekly: { enqueued: number; skipped: number }; monthly: { stored: number; skipped: number } }> {
  const repo = new DynamoFollowUpRepository(deps.doc, deps.tableName);
  const useCaseDeps = {
    repo,
    directory: new DynamoDirectoryRepository(deps.doc, deps.tableName),
    facts: statisticsSource(repo, {
      reports: dynamoReportFacts(deps.doc, deps.tableName),
      cases: dynamoCaseFacts(deps.doc, deps.tableName),
    }),
    clock: deps.clock,
    newId: deps.newId,
    log: deps.log,
    config: deps.config,
  };
  return async () => {
    const weekly = await sendWeeklyDigestsUseCase(useCaseDeps);
    const { stored, skipped } = await sendMonthlyReportsUseCase(useCaseDeps);
    return { weekly, monthly: { stored, skipped } };
  };
}
