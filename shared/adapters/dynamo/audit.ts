import { type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, type AuditLog, parseStoredAuditEntry } from '../../domain/access.ts';
import type { AuditKey, AuditPage, CaseAuditSource } from '../../use-cases/list-case-audit.ts';
import { queryAll, queryPage } from './client.ts';

/** Partition key prefix of every audit item; IAM denies changing or deleting items under it (infra/constructs). */
export const AUDIT_KEY_PREFIX = 'AUDIT#';

/** Audit writes in flight at once when entries are written one by one (each is one conditional PutItem). */
const PARALLEL_PUTS = 16;
/** DynamoDB's limit of items in one TransactWriteItems. */
const TRANSACTION_ITEMS = 100;

/**
 * Audit trail of personal-data reads (R9): pk=AUDIT#<caseId>, sk=<iso>#<id>; the by-owner index lists a
 * person's reads (gsi2pk=READER#<personId>). Append-only; kept as long as the table (no TTL).
 * 1. Each entry is one PutItem with `attribute_not_exists(pk)`: an entry, once written, is never overwritten (a
 *    repeated write of the same id leaves the first one as it was).
 * 2. A list read audits up to 100 entries in one TransactWriteItems of those conditional Puts (one request per
 *    page instead of one per case; IAM authorises each as PutItem). If the transaction is cancelled because an
 *    entry exists already (a retried request), the page falls back to one Put per entry, each keeping the first.
 * 3. Never BatchWriteItem (which would need a grant that also allows deletes) and never Update/Delete: the
 *    functions' roles deny UpdateItem, DeleteItem, BatchWriteItem and PartiQL writes on AUDIT# keys.
 */
export class DynamoAuditLog implements AuditLog, CaseAuditSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entries: AuditEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += TRANSACTION_ITEMS) {
      const page = entries.slice(i, i + TRANSACTION_ITEMS);
      if (page.length === 1) {
        await this.append(page[0]!);
        continue;
      }
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: page.map((e) => ({
              Put: { TableName: this.tableName, Item: auditItem(e), ConditionExpression: 'attribute_not_exists(pk)' },
            })),
          }),
        );
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
        for (let j = 0; j < page.length; j += PARALLEL_PUTS) {
          await Promise.all(page.slice(j, j + PARALLEL_PUTS).map((e) => this.append(e)));
        }
      }
    }
  }

  private async append(e: AuditEntry): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: auditItem(e),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // The entry's unique key exists already (a retried request): the first write stands, unchanged.
      if ((error as Error).name === 'ConditionalCheckFailedException') return;
      throw error;
    }
  }

  /** Every entry of one case, oldest first (tests and tools; the API pages with `pageForCase`). */
  async listForCase(caseId: string): Promise<AuditEntry[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `${AUDIT_KEY_PREFIX}${caseId}` },
    });
    return items.map(itemToEntry);
  }

  /**
   * One page of a case's entries, newest first (AU1): one Query of `pk = AUDIT#<caseId>` backwards from `startKey`,
   * `limit` items (1…101: one more than a page to know whether it is the last).
   */
  partitionOf(caseId: string): string {
    return auditPk(caseId);
  }

  async pageForCase(caseId: string, limit: number, startKey?: AuditKey): Promise<AuditPage> {
    const page = await queryPage(
      this.doc,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditPk(caseId) },
        ScanIndexForward: false,
      },
      limit,
      startKey ? { ...startKey } : undefined,
    );
    return {
      items: page.items.map((item) => ({
        entry: itemToEntry(item),
        key: { pk: String(item.pk), sk: String(item.sk) },
      })),
      more: page.nextKey !== undefined,
    };
  }
}

export const auditPk = (caseId: string) => `${AUDIT_KEY_PREFIX}${caseId}`;

function itemToEntry(item: Record<string, unknown>): AuditEntry {
  const { pk: _p, sk: _s, entity: _e, version: _v, gsi2pk: _g, gsi2sk: _h, ...entry } = item;
  return parseStoredAuditEntry(entry);
}

function auditItem(e: AuditEntry): Record<string, unknown> {
  return {
    pk: `${AUDIT_KEY_PREFIX}${e.caseId}`,
    sk: `${e.at}#${e.id}`,
    entity: 'AUDIT',
    version: 1,
    gsi2pk: `READER#${e.personId}`,
    gsi2sk: `AUDIT#${e.at}#${e.id}`,
    ...e,
  };
}
