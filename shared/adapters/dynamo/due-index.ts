import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPages } from './client.ts';
import { TABLE } from './table-definition.ts';

/** Upper bound for `gsi1sk <= now`: keys are `<iso>#<pk>`, and `~` sorts after every pk character. */
export const dueUpTo = (now: Date) => `${now.toISOString()}#~`;

/**
 * The items of one kind in the sparse due index (gsi1pk = `DUE#<kind>`) that are due by `now`, oldest first, at most
 * `limit`, read in pages of at most `pageSize`. `itemsRead` is what DynamoDB scanned (the sweeps' cost figure).
 */
export async function queryDueItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  kind: string,
  now: Date,
  { limit, pageSize }: { limit: number; pageSize: number },
): Promise<{ items: Record<string, unknown>[]; itemsRead: number }> {
  const items: Record<string, unknown>[] = [];
  let itemsRead = 0;
  const query = {
    TableName: tableName,
    IndexName: TABLE.dueIndex.name,
    KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
    ExpressionAttributeValues: { ':due': `DUE#${kind}`, ':now': dueUpTo(now) },
  };
  for await (const page of queryPages(doc, query, () => Math.min(limit - items.length, pageSize))) {
    itemsRead += page.ScannedCount ?? 0;
    items.push(...(page.Items ?? []));
    if (items.length >= limit) break;
  }
  return { items, itemsRead };
}
