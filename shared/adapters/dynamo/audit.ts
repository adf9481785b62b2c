import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditLog } from '../../domain/access.ts';

/**
 * Audit trail of personal-data reads (R9): pk=AUDIT#<caseId>, sk=<iso>#<id>; the by-owner index lists a
 * person's reads (gsi2pk=READER#<personId>). Append-only; kept as long as the table (no TTL).
 */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entries: AuditEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 25) {
      const chunk = entries.slice(i, i + 25);
      let pending: Record<string, unknown>[] | undefined = chunk.map((e) => ({
        PutRequest: {
          Item: {
            pk: `AUDIT#${e.caseId}`,
            sk: `${e.at}#${e.id}`,
            entity: 'AUDIT',
            version: 1,
            gsi2pk: `READER#${e.personId}`,
            gsi2sk: `AUDIT#${e.at}#${e.id}`,
            ...e,
          },
        },
      }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 5) throw new Error(`audit: ${pending.length} entries left unprocessed after retries`);
        const out = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }),
        );
        pending = out.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
        if (pending?.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  async listForCase(caseId: string): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `AUDIT#${caseId}` },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const { pk: _p, sk: _s, entity: _e, version: _v, gsi2pk: _g, gsi2sk: _h, ...entry } = item;
        out.push(entry as AuditEntry);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}
