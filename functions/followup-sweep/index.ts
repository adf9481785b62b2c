import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import { type SweepResult, sweepFollowUpUseCase } from '../../shared/use-cases/sweep-followup.ts';
import type { Deps } from '../deps.ts';

/** Scheduled sweep of follow-up/送教上门 visits and 大家访 campaigns: reminders and escalations that are due. */
export function createFollowupSweepHandler(deps: Deps): () => Promise<SweepResult> {
  const useCaseDeps = {
    repo: new DynamoFollowUpRepository(deps.doc, deps.tableName),
    directory: new DynamoDirectoryRepository(deps.doc, deps.tableName),
    clock: deps.clock,
    newId: deps.newId,
    log: deps.log,
    config: deps.config,
  };
  return async () => sweepFollowUpUseCase(useCaseDeps);
}
