import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../domain/errors.ts';

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

/** A guard of a transaction failed: which item (its index in the transaction), for callers that map it further. */
export class TransactionConditionFailed extends ConcurrentUpdateError {
  constructor(
    what: string,
    readonly index: number,
  ) {
    super(what);
  }
}

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

/** Every item of a Query, page after page (for reads that need them all; sweeps with a limit page themselves). */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
