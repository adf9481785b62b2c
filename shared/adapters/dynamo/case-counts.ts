import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseState } from '../../domain/case.ts';
import type { OpenCaseCounter } from '../../use-cases/count-open-cases.ts';
import { TABLE } from './table-definition.ts';

/**
 * Open cases of a school from the owner index (access pattern C2: `gsi2pk = SCHOOL#id AND begins_with(gsi2sk,
 * CASE#OPEN#)`), reading only the sort key: `CASE#OPEN#<state>#<openedAt>#<caseId>` already names the state.
 * Capacity is charged on the items read either way; the projection only keeps the response small.
 */
export class DynamoOpenCaseCounter implements OpenCaseCounter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async countOpen(schoolId: string): Promise<Partial<Record<CaseState, number>>> {
    const counts: Partial<Record<CaseState, number>> = {};
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE.ownerIndex.name,
          KeyConditionExpression: 'gsi2pk = :o AND begins_with(gsi2sk, :p)',
          ExpressionAttributeValues: { ':o': `SCHOOL#${schoolId}`, ':p': 'CASE#OPEN#' },
          ProjectionExpression: 'gsi2sk',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const state = String(item.gsi2sk).split('#')[2] as CaseState;
        counts[state] = (counts[state] ?? 0) + 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counts;
  }
}
