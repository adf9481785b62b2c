import type { DynamoDBRecord } from 'aws-lambda';
import { DynamoAggregateStore } from '../../shared/adapters/dynamo/aggregate-store.ts';
import type { Deps } from '../deps.ts';
import { fromImage } from './stream-image.ts';

/**
 * Keeps the aggregates the statistics, digests and the late-slot gauge read (docs/table-design.md, "Aggregates"):
 * each record of a report slot, case, notice, plan visit or campaign moves the counters of its school's township
 * and of the county by contributions(NewImage) − contributions(OldImage). The source item's guard in the same
 * transaction makes a replayed or duplicated record count once (`duplicate`). It runs in the case reactor's
 * mapping: a third function reading the stream would pass DynamoDB's two readers per shard.
 */
export function aggregateRecord(deps: Pick<Deps, 'doc' | 'tableName' | 'log'>) {
  const store = new DynamoAggregateStore(deps.doc, deps.tableName);
  return async (record: DynamoDBRecord) => {
    const eventName = record.eventName;
    if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') return 'ignored' as const;
    const outcome = await store.apply({
      eventName,
      oldImage: fromImage(record.dynamodb?.OldImage),
      newImage: fromImage(record.dynamodb?.NewImage),
    });
    if (outcome === 'duplicate') deps.log.info('aggregates: record already applied', { eventId: record.eventID });
    return outcome;
  };
}
