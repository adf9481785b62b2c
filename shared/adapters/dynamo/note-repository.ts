import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError, TransactionConditionFailed } from '../../domain/errors.ts';
import type { Message } from '../../domain/message.ts';
import { type Note, noteSchema, phoneKey } from '../../domain/official-round.ts';
import type { CstDate } from '../../domain/time.ts';
import type { NoteRepository, RoundWrite } from '../../use-cases/send-official-round.ts';
import { type TransactItem, transactWrite } from './client.ts';
import { queryDueItems } from './due-index.ts';
import { enqueueMessage } from './message-items.ts';
import { caseLogKey, dueKey } from './table-definition.ts';

export const noteKey = (id: string) => ({ pk: `NOTE#${id}`, sk: 'NOTE' });
const counterKey = (phone: string, day: CstDate) => ({ pk: `SMSDAY#${phoneKey(phone)}`, sk: `DAY#${day}` });
/** Counters are kept a few days (TTL, epoch seconds) for the office's questions, then DynamoDB deletes them. */
const COUNTER_DAYS = 7;

/** Writes a note inside the transaction of the change that causes it; fails it if the same cause was noted already. */
export function putNote(tableName: string, note: Note): TransactItem {
  const parsed = noteSchema.parse(note);
  const key = noteKey(parsed.id);
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...key,
        entity: 'NOTE',
        ...parsed,
        version: 0,
        ...dueKey('NOTE', parsed.notBefore, key.pk),
        // The school's owner index: a case page finds the merged message its notice's note went into.
        ...(parsed.schoolId
          ? { gsi2pk: `SCHOOL#${parsed.schoolId}`, gsi2sk: `NOTE#${parsed.createdAt}#${parsed.id}` }
          : {}),
        // The case's message log: a merged alert shows there as the round message it went into.
        ...(parsed.caseId ? caseLogKey(parsed.caseId, parsed.createdAt, key.pk) : {}),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function itemToNote(item: Record<string, unknown>): Note {
  return noteSchema.parse(item);
}

/**
 * Notes (pk=NOTE#id, sk=NOTE) sit in the due index DUE#NOTE keyed by notBefore until a round merges them (then
 * `mergedInto` names the message and they leave the index). Daily counters: pk=SMSDAY#<hash of the phone>,
 * sk=DAY#<CST date>, `count`.
 */
export class DynamoNoteRepository implements NoteRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async dueNotes(now: Date, limit: number): Promise<Note[]> {
    const { items } = await queryDueItems(this.doc, this.tableName, 'NOTE', now, { limit, pageSize: 500 });
    return items.map(itemToNote);
  }

  async countToday(phone: string, day: CstDate): Promise<number> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: counterKey(phone, day), ConsistentRead: true }),
    );
    return (out.Item?.count as number | undefined) ?? 0;
  }

  async sendRound(
    message: Message,
    notes: Note[],
    counter: { phone: string; day: CstDate; cap: number },
  ): Promise<RoundWrite> {
    const at = message.createdAt;
    const expiresAt = Math.floor(new Date(at).getTime() / 1000) + COUNTER_DAYS * 86_400;
    try {
      await transactWrite(
        this.doc,
        [
          enqueueMessage(this.tableName, message),
          {
            Update: {
              TableName: this.tableName,
              Key: counterKey(counter.phone, counter.day),
              UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one, entity = :entity, expiresAt = :exp',
              ConditionExpression: 'attribute_not_exists(#count) OR #count < :cap',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: {
                ':zero': 0,
                ':one': 1,
                ':cap': counter.cap,
                ':entity': 'SMSDAY',
                ':exp': expiresAt,
              },
            },
          },
          ...notes.map(
            (n): TransactItem => ({
              Update: {
                TableName: this.tableName,
                Key: noteKey(n.id),
                UpdateExpression: 'SET mergedInto = :m, mergedAt = :at, version = version + :one REMOVE gsi1pk, gsi1sk',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(mergedInto)',
                ExpressionAttributeValues: { ':m': message.id, ':at': at, ':one': 1 },
              },
            }),
          ),
        ],
        (i) => (i === 0 ? `message ${message.id}` : i === 1 ? 'daily SMS counter' : `note ${notes[i - 2]?.id}`),
      );
      return 'sent';
    } catch (error) {
      if (error instanceof TransactionConditionFailed && error.index === 1) return 'capped';
      if (error instanceof ConcurrentUpdateError) return 'conflict';
      throw error;
    }
  }

  async hold(notes: Note[], until: Date): Promise<void> {
    const iso = until.toISOString();
    for (const n of notes) {
      const key = noteKey(n.id);
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET notBefore = :nb, gsi1pk = :gpk, gsi1sk = :gsk, version = version + :one',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(mergedInto)',
            ExpressionAttributeValues: { ':nb': iso, ':one': 1, ...prefixed(dueKey('NOTE', iso, key.pk)) },
          }),
        );
      } catch (error) {
        // Merged by a concurrent round meanwhile: nothing to hold.
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
  }
}

const prefixed = (k: { gsi1pk: string; gsi1sk: string }) => ({ ':gpk': k.gsi1pk, ':gsk': k.gsi1sk });
