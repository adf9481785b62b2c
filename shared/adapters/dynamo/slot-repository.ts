import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../domain/errors.ts';
import type { Message } from '../../domain/message.ts';
import type { Note } from '../../domain/official-round.ts';
import { parseStoredSlot, type ReportSlot, type SlotRepository } from '../../domain/report-slot.ts';
import { transactWrite } from './client.ts';
import { queryDueItems } from './due-index.ts';
import { enqueueMessage } from './message-items.ts';
import { putNote } from './note-repository.ts';
import { dueKey } from './table-definition.ts';

export const slotKey = (id: string) => ({ pk: `SLOT#${id}`, sk: 'SLOT' });

/** Upper bound for `gsi1sk <= now` (re-exported for existing importers). */
export { dueUpTo } from './due-index.ts';

/**
 * Stored form: pk=SLOT#<school>:<cadence>:<period>, sk=SLOT. An OPEN slot whose ladder is not done carries the
 * sparse due-index key (DUE#SLOT, <nextDueAt>#pk); everything else has none, so the chase sweep never sees it.
 * gsi2 lists a school's slots by state and due date (SCHOOL#id, SLOT#<state>#<dueDate>#<cadence>), so "open slots
 * of a school" is one begins_with(SLOT#OPEN#).
 */
export function slotToItem(slot: ReportSlot): Record<string, unknown> {
  const key = slotKey(slot.id);
  return {
    ...key,
    entity: 'SLOT',
    ...slot,
    ...(slot.state === 'OPEN' && slot.nextDueAt ? dueKey('SLOT', slot.nextDueAt, key.pk) : {}),
    gsi2pk: `SCHOOL#${slot.schoolId}`,
    gsi2sk: `SLOT#${slot.state}#${slot.dueDate}#${slot.cadence}`,
  };
}

export function itemToSlot(item: Record<string, unknown>): ReportSlot {
  const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...slot } = item;
  return parseStoredSlot(slot);
}

const isConditionFailure = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

/** Report slots in the single table; every write is conditional on the version read. */
export class DynamoSlotRepository implements SlotRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<ReportSlot | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: slotKey(id), ConsistentRead: true }),
    );
    return out.Item ? itemToSlot(out.Item) : undefined;
  }

  async createIfAbsent(slot: ReportSlot): Promise<'created' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: slotToItem({ ...slot, version: 1 }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'exists';
      throw error;
    }
  }

  async save(slot: ReportSlot): Promise<ReportSlot> {
    const next = { ...slot, version: slot.version + 1 };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: slotToItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': slot.version },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(`report slot ${slot.id}`);
      throw error;
    }
    return next;
  }

  async queryDue(now: Date, limit = 1000): Promise<{ slots: ReportSlot[]; itemsRead: number }> {
    const { items, itemsRead } = await queryDueItems(this.doc, this.tableName, 'SLOT', now, { limit, pageSize: 500 });
    return { slots: items.map(itemToSlot), itemsRead };
  }

  async advance(current: ReportSlot, update: ReportSlot, messages: Message[], notes: Note[] = []): Promise<ReportSlot> {
    const slot = current;
    const next = { ...update, version: current.version + 1 };
    await transactWrite(
      this.doc,
      [
        {
          Put: {
            TableName: this.tableName,
            Item: slotToItem(next),
            // Guarded by version AND ladder position: two sweeps racing cannot both send the same level.
            ConditionExpression: 'version = :v AND #state = :open AND nextLevel = :level',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':v': slot.version, ':open': 'OPEN', ':level': current.nextLevel },
          },
        },
        ...messages.map((m) => enqueueMessage(this.tableName, m)),
        ...notes.map((n) => putNote(this.tableName, n)),
      ],
      (i) =>
        i === 0
          ? `report slot ${slot.id}`
          : i <= messages.length
            ? `message ${messages[i - 1]?.id}`
            : `note ${notes[i - 1 - messages.length]?.id}`,
    );
    return next;
  }
}
