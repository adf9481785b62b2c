import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { type OpenReportsResult, openReports } from '../../shared/use-cases/open-reports.ts';
import type { Deps } from '../deps.ts';

/** Scheduled daily: opens the report slots owed today. The event carries nothing we need. */
export function createOpenReportsHandler(deps: Deps): (event?: unknown) => Promise<OpenReportsResult> {
  const useCaseDeps = {
    slots: new DynamoSlotRepository(deps.doc, deps.tableName),
    directory: new DynamoDirectoryRepository(deps.doc, deps.tableName),
    clock: deps.clock,
    log: deps.log,
    config: deps.config,
  };
  return () => openReports(useCaseDeps);
}
