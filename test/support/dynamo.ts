import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '../../local/dynamodb-local.ts';
import { createDocumentClient, localClientConfig } from '../../shared/adapters/dynamo/client.ts';

/** A fresh table on the run's DynamoDB Local, so test files never see each other's items. */
export async function freshTable(
  prefix = 't',
): Promise<{ doc: DynamoDBDocumentClient; tableName: string; endpoint: string }> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, tableName);
  return { doc: createDocumentClient(localClientConfig(endpoint)), tableName, endpoint };
}
