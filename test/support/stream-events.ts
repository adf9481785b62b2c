import type { AttributeValue, DynamoDBStreamEvent } from 'aws-lambda';

/** Marshals plain item values into a stream image (strings, numbers, booleans, lists, maps). */
export function toImage(item: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, toAttribute(v)]));
}

function toAttribute(v: unknown): AttributeValue {
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (v === null || v === undefined) return { NULL: true };
  if (Array.isArray(v)) return { L: v.map(toAttribute) };
  return { M: toImage(v as Record<string, unknown>) };
}

let seq = 0;
/** A DynamoDB stream event with one record per item change, Lambda-shaped. */
export function streamEvent(
  ...changes: {
    eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
    next?: Record<string, unknown>;
    prev?: Record<string, unknown>;
  }[]
): DynamoDBStreamEvent {
  return {
    Records: changes.map((c) => {
      const key = (c.next ?? c.prev)!;
      seq++;
      return {
        eventID: `evt-${seq}`,
        eventName: c.eventName,
        eventSource: 'aws:dynamodb',
        eventVersion: '1.1',
        awsRegion: 'cn-local-1',
        eventSourceARN: 'arn:aws:dynamodb:cn-local-1:000000000000:table/test/stream/2023',
        dynamodb: {
          Keys: toImage({ pk: key.pk, sk: key.sk }),
          ...(c.next ? { NewImage: toImage(c.next) } : {}),
          ...(c.prev ? { OldImage: toImage(c.prev) } : {}),
          SequenceNumber: String(seq).padStart(21, '0'),
          SizeBytes: 100,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      };
    }),
  };
}
