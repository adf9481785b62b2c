import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoDispatchOutbox } from '../../shared/adapters/dynamo/dispatch-outbox.ts';
import { itemToStoredMessage } from '../../shared/adapters/dynamo/outbox-repository.ts';
import { messageSchema } from '../../shared/domain/message.ts';
import { METRICS } from '../../shared/observability/metrics.ts';
import { dispatchMessage } from '../../shared/use-cases/dispatch-message.ts';
import type { Deps } from '../deps.ts';
import { type StreamBatchHandler, sequentialStreamHandler } from '../stream-batch.ts';

/**
 * Table stream consumer for the outbox (FilterCriteria: entity MSG, status QUEUED, INSERT or MODIFY).
 * One record at a time (no Promise.all): a record whose send failed transiently fails alone and the partial
 * batch response makes Lambda retry from it; records already handled are no-ops the second time (the claim
 * is conditional on status and version).
 */
export function createOutboxDispatcherHandler(deps: Deps): StreamBatchHandler {
  const dispatchDeps = {
    // The SENT mark also writes the provider-id lookup the SNS delivery-status logs are matched by.
    outbox: new DynamoDispatchOutbox(deps.doc, deps.tableName, deps.config.sms.provider.kind),
    directory: new DynamoDirectoryLookup(deps.doc, deps.tableName),
    sms: deps.sms,
    clock: deps.clock,
    log: deps.log,
    config: deps.config,
  };
  const recordHandler = async (record: DynamoDBRecord) => {
    const image = record.dynamodb?.NewImage;
    if (!image) return 'ignored';
    const item = unmarshall(image as Record<string, AttributeValue>);
    // A malformed item would fail the record until it ages out and block the shard meanwhile: log and skip it.
    const valid = messageSchema.safeParse(item);
    if (!valid.success) {
      deps.log.error('outbox item is not a valid message; skipped', {
        pk: String(item.pk),
        issues: valid.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
      return 'invalid';
    }
    const outcome = await dispatchMessage(dispatchDeps, itemToStoredMessage(item));
    if (outcome === 'sent') deps.metrics.count(METRICS.smsSent, valid.data.parts);
    if (outcome === 'failed') deps.metrics.count(METRICS.smsFailed);
    return outcome;
  };
  return sequentialStreamHandler(recordHandler);
}
