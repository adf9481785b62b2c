import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type ActiveRoll, type RollPupil, type RollRepository, rollPupilSchema } from '../../domain/roll.ts';
import { queryAll, transactWrite } from './client.ts';
import { pointerPk, rollPk } from './roll-keys.ts';

/** BatchWriteItem takes 25 requests; a few batches run at once (DynamoDB Local and on-demand tables both keep up). */
const BATCH = 25;
const PARALLEL = 4;

/**
 * Rolls: `ROLL_PUPIL` items under `ROLL#<school>#<term>#<importId>` / `P#<pupilKey>`, and one `ROLL_ACTIVE`
 * pointer per school and term (`ROLL#<school>#<term>` / `ACTIVE`) naming the import that is the roll.
 */
export class DynamoRollRepository implements RollRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async active(schoolId: string, term: string): Promise<ActiveRoll | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pointerPk(schoolId, term), sk: 'ACTIVE' },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _e, ...rest } = out.Item;
    return rest as ActiveRoll;
  }

  async load(schoolId: string, term: string): Promise<RollPupil[]> {
    const active = await this.active(schoolId, term);
    if (!active) return [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': rollPk(schoolId, term, active.importId) },
    });
    return items
      .map(({ pk: _pk, sk: _sk, entity: _e, version: _v, ...rest }) => rollPupilSchema.parse(rest))
      .sort((a, b) => a.row - b.row);
  }

  async stage(schoolId: string, term: string, importId: string, pupils: readonly RollPupil[]): Promise<void> {
    const pk = rollPk(schoolId, term, importId);
    const requests = pupils.map((p) => ({
      PutRequest: { Item: { pk, sk: `P#${p.pupilKey}`, entity: 'ROLL_PUPIL', version: 1, ...p } },
    }));
    await batchWriteAll(this.doc, this.tableName, requests);
  }

  async activate(
    flips: readonly { next: Omit<ActiveRoll, 'version'>; previous: ActiveRoll | undefined }[],
  ): Promise<void> {
    await transactWrite(
      this.doc,
      flips.map(({ next, previous }) => ({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: pointerPk(next.schoolId, next.term),
            sk: 'ACTIVE',
            entity: 'ROLL_ACTIVE',
            ...next,
            version: (previous?.version ?? 0) + 1,
          },
          ...(previous
            ? {
                ConditionExpression: 'version = :v AND importId = :previous',
                ExpressionAttributeValues: { ':v': previous.version, ':previous': previous.importId },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      })),
      (i) => `学校 ${flips[i]?.next.schoolId} ${flips[i]?.next.term} 的在用名册已被另一次导入更新`,
    );
  }

  async discard(schoolId: string, term: string, importId: string): Promise<void> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': rollPk(schoolId, term, importId) },
      ProjectionExpression: 'pk, sk',
    });
    await batchWriteAll(
      this.doc,
      this.tableName,
      items.map((Key) => ({ DeleteRequest: { Key } })),
    );
  }
}

/** BatchWriteItem over any number of requests: 25 per call, a few calls at once, unprocessed items retried. */
export async function batchWriteAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: Record<string, unknown>[],
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next++];
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
        pending = out.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
        if (pending?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}
