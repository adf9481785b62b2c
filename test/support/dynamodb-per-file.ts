import { afterAll } from 'vitest';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

/**
 * e2e setup file: a DynamoDB Local of its own for each e2e file (they run one after another). The local runtime's
 * table has its stream, and DynamoDB Local's writes grow slower with every stream record the JVM keeps (24 h, across
 * tables, deleted ones included: local/dynamodb-local.ts `ensureTable`), so a JVM shared by the e2e files made each
 * file slower than the one before. Tests read the endpoint through `testDynamoEndpoint()` (test/support/dynamo.ts).
 */
const db = await startDynamoDbLocal();
process.env.BAOXUE_TEST_DYNAMODB_ENDPOINT = db.endpoint;
afterAll(async () => {
  delete process.env.BAOXUE_TEST_DYNAMODB_ENDPOINT;
  await db.stop();
});
