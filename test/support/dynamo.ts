import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '../../local/dynamodb-local.ts';
import { createDocumentClient, localClientConfig } from '../../shared/adapters/dynamo/client.ts';

/**
 * A fresh table on the run's DynamoDB Local, so test files never see each other's items. Without its stream unless
 * the test reads the stream (`{ stream: true }`): on DynamoDB Local every write into a streamed table costs more the
 * more stream records the JVM holds, which made the suite's later files several times slower than run alone
 * (local/dynamodb-local.ts `ensureTable`).
 */
/** The DynamoDB Local of this test file: its own in e2e (test/support/dynamodb-per-file.ts), else the run's. */
export function testDynamoEndpoint(): string {
  return process.env.BAOXUE_TEST_DYNAMODB_ENDPOINT ?? inject('dynamoEndpoint');
}

export async function freshTable(
  prefix = 't',
  options: { stream?: boolean } = {},
): Promise<{ doc: DynamoDBDocumentClient; tableName: string; endpoint: string }> {
  const endpoint = testDynamoEndpoint();
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, tableName, { stream: options.stream ?? false });
  return { doc: createDocumentClient(localClientConfig(endpoint)), tableName, endpoint };
}
