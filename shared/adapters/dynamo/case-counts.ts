import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseState } from '../../domain/case.ts';
import type { OpenCaseCounter } from '../../use-cases/count-open-cases.ts';
import { queryPages } from './client.ts';
import { ownerIndexPrefix } from './key-conditions.ts';

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
    const query = {
      TableName: this.tableName,
      ...ownerIndexPrefix(`SCHOOL#${schoolId}`, 'CASE#OPEN#'),
      ProjectionExpression: 'gsi2sk',
    };
    for await (const page of queryPages(this.doc, query))
      for (const item of page.Items ?? []) {
        const state = String(item.gsi2sk).split('#')[2] as CaseState;
        counts[state] = (counts[state] ?? 0) + 1;
      }
    return counts;
  }
}
