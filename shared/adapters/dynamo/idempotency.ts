import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * The items behind the api's Powertools idempotency, on the single table: one item per key, pk `IDEM#<key>`, sk
 * `IDEM`, with the table's TTL attribute `expiresAt` and Powertools' attribute names for the rest. Powertools' own
 * DynamoDB layer puts every key under one static partition key; this spreads them instead (the key is
 * `<prefix>#<hash of the scoped Idempotency-Key>`).
 *
 * Plain reads and writes through the function's document client, no Powertools code: the persistence layer that
 * drives them (functions/api/idempotency.ts) is a lazy chunk of the api, loaded on the first POST with an
 * Idempotency-Key, and it uses this client instead of bundling an AWS SDK of its own. The conditions are Powertools'
 * DynamoDBPersistenceLayer's.
 */
export interface IdempotencyItem {
  idempotencyKey: string;
  /** Powertools' status: INPROGRESS, COMPLETED (EXPIRED is derived from the expiry). */
  status: string;
  /** Epoch seconds: the TTL. */
  expiryTimestamp?: number;
  /** Epoch milliseconds: after this an INPROGRESS record may be claimed again (the Lambda timed out). */
  inProgressExpiryTimestamp?: number;
  responseData?: Record<string, unknown>;
  payloadHash?: string;
}

export interface IdempotencyItems {
  get(idempotencyKey: string): Promise<IdempotencyItem | undefined>;
  /** Writes `item` unless a live record holds its key: `false` and the holder (when DynamoDB returned it) then. */
  claim(item: IdempotencyItem): Promise<{ claimed: true } | { claimed: false; holder?: IdempotencyItem }>;
  /** Sets the status, expiry, response and payload hash of the key's record. */
  complete(item: IdempotencyItem): Promise<void>;
  release(idempotencyKey: string): Promise<void>;
}

const ATTR = {
  status: 'status',
  expiry: 'expiresAt',
  inProgressExpiry: 'in_progress_expiration',
  data: 'data',
  validation: 'validation',
} as const;

const keyOf = (idempotencyKey: string) => ({ pk: `IDEM#${idempotencyKey}`, sk: 'IDEM' });

function itemOf(idempotencyKey: string, stored: Record<string, unknown>): IdempotencyItem {
  return {
    idempotencyKey,
    status: String(stored[ATTR.status]),
    expiryTimestamp: stored[ATTR.expiry] as number | undefined,
    inProgressExpiryTimestamp: stored[ATTR.inProgressExpiry] as number | undefined,
    responseData: stored[ATTR.data] as Record<string, unknown> | undefined,
    payloadHash: stored[ATTR.validation] as string | undefined,
  };
}

export class DynamoIdempotencyItems implements IdempotencyItems {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(idempotencyKey: string): Promise<IdempotencyItem | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(idempotencyKey), ConsistentRead: true }),
    );
    return Item ? itemOf(idempotencyKey, Item) : undefined;
  }

  async claim(item: IdempotencyItem): Promise<{ claimed: true } | { claimed: false; holder?: IdempotencyItem }> {
    const now = Date.now();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keyOf(item.idempotencyKey),
            [ATTR.expiry]: item.expiryTimestamp,
            [ATTR.status]: item.status,
            ...(item.inProgressExpiryTimestamp !== undefined
              ? { [ATTR.inProgressExpiry]: item.inProgressExpiryTimestamp }
              : {}),
            ...(item.payloadHash !== undefined ? { [ATTR.validation]: item.payloadHash } : {}),
          },
          // Free: never used, expired (TTL not swept yet), or in progress past its in-progress expiry.
          ConditionExpression:
            'attribute_not_exists(#id) OR #expiry < :now OR ' +
            '(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
          ExpressionAttributeNames: {
            '#id': 'pk',
            '#expiry': ATTR.expiry,
            '#in_progress_expiry': ATTR.inProgressExpiry,
            '#status': ATTR.status,
          },
          ExpressionAttributeValues: { ':now': now / 1000, ':now_in_millis': now, ':inprogress': 'INPROGRESS' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The document client does not translate an exception's item: it is still in DynamoDB's JSON.
      return error.Item
        ? { claimed: false, holder: itemOf(item.idempotencyKey, unmarshall(error.Item)) }
        : { claimed: false };
    }
  }

  async complete(item: IdempotencyItem): Promise<void> {
    const fields: [string, unknown][] = [
      [ATTR.expiry, item.expiryTimestamp],
      [ATTR.status, item.status],
      [ATTR.data, item.responseData],
      [ATTR.validation, item.payloadHash],
    ];
    const set = fields.filter(([, value]) => value !== undefined);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(item.idempotencyKey),
        UpdateExpression: `SET ${set.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(set.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(set.map(([, value], i) => [`:f${i}`, value])),
      }),
    );
  }

  async release(idempotencyKey: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(idempotencyKey) }));
  }
}
