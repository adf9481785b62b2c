import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SchoolCampaign } from '../../domain/campaign.ts';
import type { Plan, PlanVisit } from '../../domain/followup.ts';
import type { CstDate } from '../../domain/time.ts';
import type { FollowUpDueSource } from '../../use-cases/list-followup-due.ts';
import type { FollowUpDuePageSource, OwnerKey, OwnerPage } from '../../use-cases/list-followup-due-page.ts';
import { queryAll, queryPage } from './client.ts';
import { TABLE } from './table-definition.ts';

const STRIP = new Set(['pk', 'sk', 'entity', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']);
const strip = <T>(item: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !STRIP.has(k))) as T;

/**
 * The due list's reads (docs/followup.md, K3): a school's visits by due date (`gsi2sk = VISIT#<dueDate>#…`) and
 * its campaigns by window end (`CAMPAIGN#<end>#…`) on the owner index, then the plans by BatchGetItem. The API pages
 * them (K4: one Query per phase per page, `visitPage`/`campaignPage`); the CLI reads the whole range.
 */
export class DynamoFollowUpDueSource implements FollowUpDueSource, FollowUpDuePageSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async schoolVisits(schoolId: string, from: CstDate, to: CstDate): Promise<PlanVisit[]> {
    return (await this.owned(schoolId, `VISIT#${from}`, `VISIT#${to}~`)).map((i) => strip<PlanVisit>(i));
  }

  async schoolCampaigns(schoolId: string, from: CstDate, to: CstDate): Promise<SchoolCampaign[]> {
    return (await this.owned(schoolId, `CAMPAIGN#${from}`, `CAMPAIGN#${to}~`)).map((i) => strip<SchoolCampaign>(i));
  }

  async plans(ids: readonly string[]): Promise<Plan[]> {
    const out: Plan[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = ids
        .slice(i, i + 100)
        .map((id) => ({ pk: `PLAN#${id}`, sk: 'PLAN' }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 5) throw new Error(`plans: ${keys.length} keys left unprocessed after retries`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const page = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        out.push(...(page.Responses?.[this.tableName] ?? []).map((item) => strip<Plan>(item)));
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return out;
  }

  partitionOf(schoolId: string): string {
    return `SCHOOL#${schoolId}`;
  }

  async visitPage(
    schoolId: string,
    from: CstDate,
    to: CstDate,
    limit: number,
    startKey?: OwnerKey,
  ): Promise<OwnerPage<PlanVisit>> {
    return this.ownedPage<PlanVisit>(schoolId, `VISIT#${from}`, `VISIT#${to}~`, limit, startKey, {
      FilterExpression: '#status = :planned',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':planned': 'planned' },
    });
  }

  async campaignPage(
    schoolId: string,
    from: CstDate,
    to: CstDate,
    limit: number,
    startKey?: OwnerKey,
  ): Promise<OwnerPage<SchoolCampaign>> {
    return this.ownedPage<SchoolCampaign>(schoolId, `CAMPAIGN#${from}`, `CAMPAIGN#${to}~`, limit, startKey);
  }

  private async ownedPage<T>(
    schoolId: string,
    from: string,
    to: string,
    limit: number,
    startKey: OwnerKey | undefined,
    filter?: {
      FilterExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<OwnerPage<T>> {
    const page = await queryPage(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: TABLE.ownerIndex.name,
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
        ...(filter
          ? { FilterExpression: filter.FilterExpression, ExpressionAttributeNames: filter.ExpressionAttributeNames }
          : {}),
        ExpressionAttributeValues: {
          ':pk': this.partitionOf(schoolId),
          ':from': from,
          ':to': to,
          ...(filter?.ExpressionAttributeValues ?? {}),
        },
      },
      limit,
      startKey ? { ...startKey } : undefined,
    );
    const keyOf = (i: Record<string, unknown>): OwnerKey => ({
      pk: String(i.pk),
      sk: String(i.sk),
      gsi2pk: String(i.gsi2pk),
      gsi2sk: String(i.gsi2sk),
    });
    return {
      items: page.items.map((i) => ({ value: strip<T>(i), key: keyOf(i) })),
      more: page.nextKey !== undefined,
      ...(page.nextKey ? { nextKey: keyOf(page.nextKey) } : {}),
    };
  }

  private owned(schoolId: string, from: string, to: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: TABLE.ownerIndex.name,
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `SCHOOL#${schoolId}`, ':from': from, ':to': to },
    });
  }
}
