import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError, TransactionConditionFailed } from '../../domain/errors.ts';

/** One document client per container, created at init and passed to every adapter. */
export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** Local endpoints (DynamoDB Local) take any static credentials. */
export function localClientConfig(endpoint: string): DynamoDBClientConfig {
  return {
    endpoint,
    region: 'cn-local-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Attempts of a transaction that DynamoDB cancelled for a conflict with another one in flight (no guard failed). */
const CONFLICT_ATTEMPTS = 8;

/**
 * Writes all items or none. A failed condition becomes TransactionConditionFailed (a ConcurrentUpdateError) naming
 * what was stale, so the caller can reload and decide again; nothing is half-written. A transaction cancelled only
 * because another one touched the same item at the same moment (`TransactionConflict`, no condition failed) is
 * sent again after a short random pause: its conditions are evaluated afresh, so the retry decides on the winner's
 * state (e.g. 50 concurrent openings of one pupil: one case, 49 refused by the key's condition).
 */
export async function transactWrite(
  doc: DynamoDBDocumentClient,
  items: TransactItem[],
  describe: (index: number) => string = (i) => `item ${i}`,
): Promise<void> {
  if (items.length === 0) return;
  if (items.length > 100) throw new RangeError(`a transaction holds at most 100 items, got ${items.length}`);
  for (let attempt = 1; ; attempt++) {
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (failed >= 0) throw new TransactionConditionFailed(describe(failed), failed);
      const conflict = reasons.findIndex((r) => r.Code === 'TransactionConflict');
      if (conflict < 0) throw error;
      if (attempt >= CONFLICT_ATTEMPTS) throw new ConcurrentUpdateError(`${describe(conflict)} (transaction conflict)`);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

/** Condition + values for "the stored version is still the one I read" (or the item is new when expected = 0). */
export function versionGuard(expected: number): {
  ConditionExpression: string;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (expected === 0) return { ConditionExpression: 'attribute_not_exists(pk)' };
  return {
    ConditionExpression: 'version = :expectedVersion',
    ExpressionAttributeValues: { ':expectedVersion': expected },
  };
}

/**
 * The one way to page (every multi-page read goes through these): pages of a Query or a Scan, following
 * `LastEvaluatedKey` until the last one. `pageLimit`, when given, sets each page's `Limit` from what the caller has
 * gathered so far (sweeps with a budget); a caller that has enough simply stops iterating.
 */
export async function* queryPages(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  pageLimit?: () => number,
): AsyncGenerator<QueryCommandOutput> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const limit = pageLimit ? { Limit: pageLimit() } : {};
    const page = await doc.send(new QueryCommand({ ...input, ...limit, ExclusiveStartKey: startKey }));
    yield page;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Pages of a Scan (local tools and the aggregate rebuild; never on a request path). */
export async function* scanPages(
  doc: DynamoDBDocumentClient,
  input: Omit<ScanCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<ScanCommandOutput> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ ...input, ExclusiveStartKey: startKey }));
    yield page;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item of a Query, page after page (for reads that need them all; sweeps with a limit page themselves). */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of queryPages(doc, input)) items.push(...(page.Items ?? []));
  return items;
}

/** Every item of a Scan. */
export async function scanAll(
  doc: DynamoDBDocumentClient,
  input: Omit<ScanCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of scanPages(doc, input)) items.push(...(page.Items ?? []));
  return items;
}

/** Largest page a listing returns (`?limit` ≤ 100). */
export const MAX_PAGE = 100;

/**
 * One page of a Query for a paged listing: at most `limit` (1…MAX_PAGE, or MAX_PAGE + 1 for a read that looks one
 * item ahead to know whether the page is the last) items from `startKey` (the previous page's `nextKey`); `nextKey`
 * only when DynamoDB has more. The API wraps `nextKey` into an opaque cursor.
 */
export async function queryPage(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>,
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<{ items: Record<string, unknown>[]; nextKey?: Record<string, unknown> }> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE + 1)
    throw new RangeError(`a page holds 1…${MAX_PAGE} items (one more to look ahead), got ${limit}`);
  const page = await doc.send(new QueryCommand({ ...input, Limit: limit, ExclusiveStartKey: startKey }));
  return { items: page.Items ?? [], ...(page.LastEvaluatedKey ? { nextKey: page.LastEvaluatedKey } : {}) };
}

/**
 * The items of up to 100 keys of one table: one BatchGetItem, and again for the keys DynamoDB left unprocessed (a
 * throttled partition; short pauses, a few attempts). Missing items are left out; the order is DynamoDB's.
 */
export async function batchGetItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  if (keys.length > 100) throw new RangeError(`a BatchGetItem holds at most 100 keys, got ${keys.length}`);
  const out: Record<string, unknown>[] = [];
  let left: Record<string, unknown>[] | undefined = [...keys];
  for (let attempt = 0; left && left.length > 0; attempt++) {
    if (attempt > 5) throw new Error(`batch get: ${left.length} keys left unprocessed after retries`);
    if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    const page = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: left } } }));
    out.push(...(page.Responses?.[tableName] ?? []));
    left = page.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
  }
  return out;
}
