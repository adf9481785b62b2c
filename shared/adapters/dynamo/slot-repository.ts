import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../domain/errors.ts';
import type { Message } from '../../domain/message.ts';
import type { Note } from '../../domain/official-round.ts';
import { parseStoredSlot, type ReportSlot, type SlotRepository } from '../../domain/report-slot.ts';
import { scanPages, transactWrite } from './client.ts';
import { queryDueItems } from './due-index.ts';
import { enqueueMessage } from './message-items.ts';
import { putNote } from './note-repository.ts';
import { dueKey, lateKey } from './table-definition.ts';

export const slotKey = (id: string) => ({ pk: `SLOT#${id}`, sk: 'SLOT' });

/** Upper bound for `gsi1sk <= now` (re-exported for existing importers). */
export { dueUpTo } from './due-index.ts';

/**
 * Stored form: pk=SLOT#<school>:<cadence>:<period>, sk=SLOT. An OPEN slot whose ladder is not done carries the
 * sparse due-index key (DUE#SLOT, <nextDueAt>#pk); everything else has none, so the chase sweep never sees it.
 * gsi2 lists a school's slots by state and due date (SCHOOL#id, SLOT#<state>#<dueDate>#<cadence>), so "open slots
 * of a school" is one begins_with(SLOT#OPEN#). An OPEN slot also carries the sparse late-index key
 * (LATE#<township>, <deadline>#pk): filing puts the item without it, so the filed slot leaves the late board's index
 * in the same conditional write.
 */
export function slotToItem(slot: ReportSlot): Record<string, unknown> {
  const key = slotKey(slot.id);
  return {
    ...key,
    entity: 'SLOT',
    ...slot,
    ...(slot.state === 'OPEN' && slot.nextDueAt ? dueKey('SLOT', slot.nextDueAt, key.pk) : {}),
    ...(slot.state === 'OPEN' ? lateKey(slot.townshipId, slot.deadline, key.pk) : {}),
    gsi2pk: `SCHOOL#${slot.schoolId}`,
    gsi2sk: `SLOT#${slot.state}#${slot.dueDate}#${slot.cadence}`,
  };
}

export function itemToSlot(item: Record<string, unknown>): ReportSlot {
  const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...rest } = item;
  const { gsi3pk: _f, gsi3sk: _g, ...slot } = rest;
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

/**
 * Migration of a table written before the late index: gives every OPEN slot without late-index keys its keys
 * (`lateKey`), guarded by the version read and the OPEN state, so a slot filed or changed meanwhile is left as its
 * writer put it (that writer set or removed the keys itself). One filtered Scan; the version is not moved (the
 * slot's facts do not change). Returns how many slots were given keys and how many changed under the migration.
 */
export async function backfillLateIndex(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ updated: number; skipped: number }> {
  let updated = 0;
  let skipped = 0;
  const scan = {
    TableName: tableName,
    FilterExpression: 'entity = :e AND #state = :open AND attribute_not_exists(gsi3pk)',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':e': 'SLOT', ':open': 'OPEN' },
  };
  for await (const page of scanPages(doc, scan))
    for (const item of page.Items ?? []) {
      const slot = itemToSlot(item);
      const keys = lateKey(slot.townshipId, slot.deadline, String(item.pk));
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET gsi3pk = :gpk, gsi3sk = :gsk',
            ConditionExpression: 'version = :v AND #state = :open',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':gpk': keys.gsi3pk,
              ':gsk': keys.gsi3sk,
              ':v': item.version,
              ':open': 'OPEN',
            },
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
