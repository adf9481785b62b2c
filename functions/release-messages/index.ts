import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoOutboxRepository } from '../../shared/adapters/dynamo/outbox-repository.ts';
import { type ReleaseResult, releaseMessages } from '../../shared/use-cases/release-messages.ts';
import type { Deps } from '../deps.ts';

/** Scheduled every 5 minutes: re-delivers due QUEUED messages to the stream; flags SENDING ones past timeout. */
export function createReleaseMessagesHandler(deps: Deps): (event?: unknown) => Promise<ReleaseResult> {
  const useCaseDeps = {
    outbox: new DynamoOutboxRepository(deps.doc, deps.tableName),
    directory: new DynamoDirectoryLookup(deps.doc, deps.tableName),
    clock: deps.clock,
    log: deps.log,
    config: deps.config,
  };
  return () => releaseMessages(useCaseDeps);
}
