/**
 * Where a bench keeps its data. Run alone, it starts its own DynamoDB Local (in memory) and its fixed table names.
 * Under test/e2e/benches.test.ts, `BENCH_DYNAMODB_ENDPOINT` names the e2e run's one DynamoDB Local: the bench then
 * uses it, with a suffix on every table name so no two runs share a table, and leaves it running.
 */
import { randomUUID } from 'node:crypto';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';

export interface BenchDynamo {
  endpoint: string;
  /** The table name to use for `base`: `base` itself on an own DynamoDB Local, `base-<random>` on a shared one. */
  table(base: string): string;
  stop(): Promise<void>;
}

export async function benchDynamo(): Promise<BenchDynamo> {
  const shared = process.env.BENCH_DYNAMODB_ENDPOINT;
  if (shared) {
    const suffix = randomUUID().slice(0, 8);
    return { endpoint: shared, table: (base) => `${base}-${suffix}`, stop: async () => {} };
  }
  const db = await startDynamoDbLocal();
  return { endpoint: db.endpoint, table: (base) => base, stop: () => db.stop() };
}

/** The `startRuntime` options that put a bench's runtime on the shared DynamoDB Local, if there is one. */
export function sharedRuntimeTable(base: string): { endpoint?: string; tableName?: string } {
  const shared = process.env.BENCH_DYNAMODB_ENDPOINT;
  return shared ? { endpoint: shared, tableName: `${base}-${randomUUID().slice(0, 8)}` } : {};
}
