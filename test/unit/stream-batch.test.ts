import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sequentialStreamHandler } from '../../functions/stream-batch.ts';
import { streamEvent } from '../support/stream-events.ts';

const item = (id: string) => ({ pk: `MSG#${id}`, sk: 'MSG', entity: 'MSG', id, status: 'QUEUED', version: 1 });
const idOf = (r: DynamoDBRecord) => r.dynamodb?.NewImage?.id?.S ?? '?';

describe('sequentialStreamHandler (outbox-dispatcher and case-reactor)', () => {
  it('handles the records of a batch one at a time, in stream order, even when earlier ones are slower', async () => {
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const handler = sequentialStreamHandler(async (r) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      log.push(`start ${idOf(r)}`);
      await new Promise((resolve) => setTimeout(resolve, idOf(r) === 'a' ? 30 : 1));
      log.push(`end ${idOf(r)}`);
      inFlight--;
    });

    const out = await handler(
      streamEvent(
        { eventName: 'INSERT', next: item('a') },
        { eventName: 'MODIFY', prev: item('a'), next: item('b') },
        { eventName: 'INSERT', next: item('c') },
      ),
    );

    expect(out.batchItemFailures).toEqual([]);
    expect(maxInFlight).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('reports a failing record alone, and a batch where every record fails as all failures (not a throw)', async () => {
    const handler = sequentialStreamHandler(async (r) => {
      if (idOf(r) !== 'ok') throw new Error(`record ${idOf(r)} failed`);
    });
    const mixed = streamEvent({ eventName: 'INSERT', next: item('ok') }, { eventName: 'INSERT', next: item('bad') });
    const allBad = streamEvent({ eventName: 'INSERT', next: item('x') }, { eventName: 'INSERT', next: item('y') });

    const one = await handler(mixed);
    const both = await handler(allBad);

    expect(one.batchItemFailures).toEqual([{ itemIdentifier: mixed.Records[1]!.dynamodb!.SequenceNumber }]);
    expect(both.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      allBad.Records.map((r) => r.dynamodb!.SequenceNumber),
    );
  });
});
