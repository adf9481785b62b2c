import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoOutboxRepository } from '../../shared/adapters/dynamo/outbox-repository.ts';
import { METRICS } from '../../shared/observability/metrics.ts';
import { type ReleaseResult, releaseMessages } from '../../shared/use-cases/release-messages.ts';
import type { Deps } from '../deps.ts';

/**
 * Scheduled every 5 minutes: re-delivers due QUEUED messages to the stream; flags SENDING ones past timeout.
 * Each message it marks FAILED (uncertain) counts once in `SmsFailed`: `uncertain` counts only its own
 * successful conditional writes, and a FAILED message leaves the due index, so no later sweep sees it again.
 */
export function createReleaseMessagesHandler(deps: Deps): (event?: unknown) => Promise<ReleaseResult> {
  const useCaseDeps = {
    outbox: new DynamoOutboxRepository(deps.doc, deps.tableName),
    directory: new DynamoDirectoryLookup(deps.doc, deps.tableName),
    clock: deps.clock,
    log: deps.log,
    config: deps.config,
  };
  return async () => {
    const result = await releaseMessages(useCaseDeps);
    if (result.uncertain > 0) deps.metrics.count(METRICS.smsFailed, result.uncertain);
    return result;
  };
}
