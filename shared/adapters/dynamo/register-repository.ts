import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ActiveRegister, RegisterRepository } from '../../domain/cross-check.ts';
import { ConcurrentUpdateError } from '../../domain/errors.ts';
import { type RegisterChild, registerChildSchema } from '../../domain/register.ts';
import { queryAll } from './client.ts';
import { batchWriteAll } from './roll-repository.ts';

const stagedPk = (townshipId: string, importId: string) => `REG#${townshipId}#${importId}`;
const pointerPk = (townshipId: string) => `REG#${townshipId}`;

/**
 * Household registers (户籍 lists of school-age children): `REG_CHILD` items under `REG#<township>#<importId>` /
 * `C#<childKey>` and one `REG_ACTIVE` pointer per township (`REG#<township>` / `ACTIVE`), as the rolls do: an import
 * stages its children invisibly and becomes the register with one conditional Put of the pointer.
 */
export class DynamoRegisterRepository implements RegisterRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async active(townshipId: string): Promise<ActiveRegister | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pointerPk(townshipId), sk: 'ACTIVE' },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _e, ...rest } = out.Item;
    return rest as ActiveRegister;
  }

  async load(townshipId: string): Promise<RegisterChild[]> {
    const active = await this.active(townshipId);
    if (!active) return [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': stagedPk(townshipId, active.importId) },
    });
    return items
      .map(({ pk: _pk, sk: _sk, entity: _e, version: _v, ...rest }) => registerChildSchema.parse(rest))
      .sort((a, b) => a.row - b.row);
  }

  async stage(townshipId: string, importId: string, children: readonly RegisterChild[]): Promise<void> {
    const pk = stagedPk(townshipId, importId);
    await batchWriteAll(
      this.doc,
      this.tableName,
      children.map((c) => ({
        PutRequest: { Item: { pk, sk: `C#${c.childKey}`, entity: 'REG_CHILD', version: 1, ...c } },
      })),
    );
  }

  async activate(next: Omit<ActiveRegister, 'version'>, previous: ActiveRegister | undefined): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: pointerPk(next.townshipId),
            sk: 'ACTIVE',
            entity: 'REG_ACTIVE',
            ...next,
            version: (previous?.version ?? 0) + 1,
          },
          ...(previous
            ? {
                ConditionExpression: 'version = :v AND importId = :previous',
                ExpressionAttributeValues: { ':v': previous.version, ':previous': previous.importId },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException')
        throw new ConcurrentUpdateError(`乡镇 ${next.townshipId} 的在用户籍名单`);
      throw error;
    }
  }

  async discard(townshipId: string, importId: string): Promise<void> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': stagedPk(townshipId, importId) },
      ProjectionExpression: 'pk, sk',
    });
    await batchWriteAll(
      this.doc,
      this.tableName,
      items.map((Key) => ({ DeleteRequest: { Key } })),
    );
  }
}
