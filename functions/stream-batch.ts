import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** A stream consumer as the factories return it. */
export type StreamBatchHandler = (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse>;

/**
 * The one way a table-stream consumer handles its batch: records strictly in stream order, one at a time
 * (`processInParallel: false`; Powertools defaults to parallel), so two records of the same item in one batch
 * (a notice INSERTed pending, then MODIFYed to complied) can never race. A failing record is reported alone
 * (partial batch response) and Lambda retries from it, in order.
 *
 * The processor is created once per handler, i.e. once per container in the cloud, where `handler.ts` builds
 * the handler at module scope. It holds the state of the batch in progress, so invocations of one handler are
 * chained: Lambda never overlaps them, and a local caller that does waits its turn instead of sharing the state.
 */
export function sequentialStreamHandler(onRecord: (record: DynamoDBRecord) => Promise<unknown>): StreamBatchHandler {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  let previous: Promise<unknown> = Promise.resolve();
  return (event, context) => {
    const run = previous.then(() =>
      processPartialResponse(event, onRecord, processor, {
        ...(context ? { context } : {}),
        processInParallel: false,
        // A batch whose every record failed is answered like a partial one (all listed), not thrown.
        throwOnFullBatchFailure: false,
      }),
    );
    previous = run.catch(() => undefined);
    return run;
  };
}
