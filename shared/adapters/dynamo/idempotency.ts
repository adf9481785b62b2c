import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  IDEMPOTENCY_TTL_SECONDS,
  type IdempotencyBegin,
  type IdempotencyStore,
  type StoredResponse,
} from '../../domain/access.ts';

export const idempotencyKey = (key: string) => ({ pk: `IDEM#${key}`, sk: 'IDEM' });

/**
 * Idempotency keys in the single table: pk=IDEM#<caller>#<key>, with `expiresAt` (epoch seconds) as the
 * table's TTL attribute. TTL deletion is lazy (up to days late), so expiry is also checked in the condition.
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async begin(key: string, requestHash: string, now: Date): Promise<IdempotencyBegin> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...idempotencyKey(key),
            entity: 'IDEMPOTENCY',
            version: 1,
            requestHash,
            state: 'IN_PROGRESS',
            createdAt: now.toISOString(),
            expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return { kind: 'new' };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: idempotencyKey(key), ConsistentRead: true }),
    );
    // Released between our put and get: the caller may simply retry.
    if (!Item) return { kind: 'in-progress' };
    if (Item.requestHash !== requestHash) return { kind: 'mismatch' };
    if (Item.state === 'COMPLETED') return { kind: 'replay', response: Item.response as StoredResponse };
    return { kind: 'in-progress' };
  }

  async complete(key: string, requestHash: string, response: StoredResponse, now: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: idempotencyKey(key),
        UpdateExpression: 'SET #state = :done, #response = :response, expiresAt = :exp, version = version + :one',
        ConditionExpression: 'requestHash = :hash',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: {
          ':done': 'COMPLETED',
          ':response': response,
          ':exp': Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
          ':one': 1,
          ':hash': requestHash,
        },
      }),
    );
  }

  async release(key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: idempotencyKey(key) }));
  }
}
