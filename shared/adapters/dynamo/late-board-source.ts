import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LateBoardPage, LateBoardSource, LateSlotFilter } from '../../use-cases/list-late-board.ts';
import { queryPage } from './client.ts';
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
    const page = await queryPage(
      this.doc,
      { TableName: this.tableName, ...lateSlotsOfTownship(townshipId, now, filter) },
      limit,
      startKey,
    );
    const items = page.items.map((item) => ({
      slot: itemToSlot(item),
      key: { pk: item.pk, sk: item.sk, gsi3pk: item.gsi3pk, gsi3sk: item.gsi3sk },
    }));
    return { items, ...(page.nextKey ? { nextKey: page.nextKey } : {}) };
  }
}
