import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/** One DynamoDB Local (in memory, free port) for the integration run; every test file makes its own tables. */
export default async function setup(project: TestProject) {
  const db = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', db.endpoint);
  const stop = () => {
    void db.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return async () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await db.stop();
  };
}
