import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { scanPages } from './client.ts';
import { caseLogKey } from './table-definition.ts';

const isConditionFailure = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

/**
 * Migration of a table written before the paged message log: gives every message and alert note about a case or one
 * of its notices its case-log keys (`caseId`, `caseLogKey`), so `GET /api/cases/:caseId/messages` lists it.
 * 1. One Scan of the notices (`id`, `caseId` only): which case each notice belongs to.
 * 2. One filtered Scan of MSG and NOTE items without `gsi3pk` whose subject is a notice or a case; each gets the keys
 *    in an UpdateItem guarded by `attribute_not_exists(gsi3pk)` (an item given them meanwhile is left alone). The
 *    version is not moved: the message's facts do not change. A round message merged from several notes (subject
 *    `system`) stays out of every case's log, as when it is written; its notes are given the keys.
 * Returns how many items were given keys, and how many were skipped (written meanwhile, or of a notice not found).
 */
export async function backfillCaseLog(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ updated: number; skipped: number }> {
  const caseOfNotice = new Map<string, string>();
  const notices = {
    TableName: tableName,
    FilterExpression: 'entity = :e',
    ProjectionExpression: 'id, caseId',
    ExpressionAttributeValues: { ':e': 'NOTICE' },
  };
  for await (const page of scanPages(doc, notices))
    for (const n of page.Items ?? []) caseOfNotice.set(String(n.id), String(n.caseId));
  let updated = 0;
  let skipped = 0;
  const scan = {
    TableName: tableName,
    FilterExpression:
      '(entity = :msg OR entity = :note) AND attribute_not_exists(gsi3pk) AND (#s.#k = :notice OR #s.#k = :case)',
    ExpressionAttributeNames: { '#s': 'subject', '#k': 'kind' },
    ExpressionAttributeValues: { ':msg': 'MSG', ':note': 'NOTE', ':notice': 'notice', ':case': 'case' },
  };
  for await (const page of scanPages(doc, scan))
    for (const item of page.Items ?? []) {
      const subject = item.subject as { kind: string; id: string };
      const caseId = subject.kind === 'case' ? subject.id : caseOfNotice.get(subject.id);
      if (!caseId) {
        skipped++;
        continue;
      }
      const keys = caseLogKey(caseId, String(item.createdAt), String(item.pk));
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET caseId = :c, gsi3pk = :gpk, gsi3sk = :gsk',
            ConditionExpression: 'attribute_not_exists(gsi3pk)',
            ExpressionAttributeValues: { ':c': caseId, ':gpk': keys.gsi3pk, ':gsk': keys.gsi3sk },
          }),
        );
        updated++;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        skipped++;
      }
    }
  return { updated, skipped };
}
