import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

/**
 * The Powertools idempotency DynamoDB persistence layer on the single table: one item per key, pk `IDEM#<key>`,
 * sk `IDEM`, with the table's TTL attribute `expiresAt`. Powertools' own composite layout puts every key under one
 * static partition key; this spreads them instead (its key is `<prefix>#<hash of the scoped Idempotency-Key>`).
 */
export class SingleTableIdempotency extends DynamoDBPersistenceLayer {
  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    // The document client passes plain (marshalled) commands through unchanged: one client per container.
    super({ tableName, awsSdkV3Client: doc, keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'expiresAt' });
  }

  protected override getKey(idempotencyKey: string): Record<string, AttributeValue> {
    return marshall({ pk: `IDEM#${idempotencyKey}`, sk: 'IDEM' });
  }
}
