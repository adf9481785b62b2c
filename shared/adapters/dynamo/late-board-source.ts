import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LateBoardPage, LateBoardSource, LateSlotFilter } from '../../use-cases/list-late-board.ts';
import { lateSlotsOfTownship } from './key-conditions.ts';
import { itemToSlot } from './slot-repository.ts';

/**
 * The late board's read (access pattern S6): one Query of the sparse late index per township page, oldest deadline
 * first. Each slot comes with its index key, so a page that stops inside DynamoDB's page resumes right after the
 * last slot shown.
 */
export class DynamoLateBoardSource implements LateBoardSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async page(
    townshipId: string,
    now: Date,
    filter: LateSlotFilter,
    limit: number,
    startKey?: Record<string, unknown>,
  ): Promise<LateBoardPage> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        ...lateSlotsOfTownship(townshipId, now, filter),
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = (out.Items ?? []).map((item) => ({
      slot: itemToSlot(item),
      key: { pk: item.pk, sk: item.sk, gsi3pk: item.gsi3pk, gsi3sk: item.gsi3sk },
    }));
    return { items, ...(out.LastEvaluatedKey ? { nextKey: out.LastEvaluatedKey } : {}) };
  }
}
