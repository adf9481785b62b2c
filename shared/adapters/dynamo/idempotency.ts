import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

/**
 * The Powertools idempotency DynamoDB persistence layer on the single table: one item per key, pk `IDEM#<key>`,
 * sk `IDEM`, with the table's TTL attribute `expiresAt`. Powertools' own composite layout puts every key under one
 * static partition key; this spreads them instead (its key is `<prefix>#<hash of the scoped Idempotency-Key>`).
 *
 * With `doc`, the layer sends through that client (run from source: one AWS SDK, one client per container). Without
 * it, Powertools makes its own DynamoDBClient from the function's environment (region, credentials): so it does in
 * the api's lazy chunk `lazy/idempotency.mjs`, a bundle of its own whose SDK classes are not the main chunk's (the
 * layer's "item already exists" check is an `instanceof` of its own SDK's exception).
 */
export class SingleTableIdempotency extends DynamoDBPersistenceLayer {
  constructor(tableName: string, doc?: DynamoDBDocumentClient) {
    super({
      tableName,
      // The document client passes plain (marshalled) commands through unchanged.
      ...(doc ? { awsSdkV3Client: doc } : {}),
      keyAttr: 'pk',
      sortKeyAttr: 'sk',
      expiryAttr: 'expiresAt',
    });
  }

  protected override getKey(idempotencyKey: string): Record<string, AttributeValue> {
    return marshall({ pk: `IDEM#${idempotencyKey}`, sk: 'IDEM' });
  }
}
