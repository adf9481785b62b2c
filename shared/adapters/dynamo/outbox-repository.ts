import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../domain/errors.ts';
import type { Message } from '../../domain/message.ts';
import { scrubText } from '../../domain/privacy.ts';
import type { OutboxRepository, StoredMessage } from '../../use-cases/dispatch-message.ts';
import { transactWrite } from './client.ts';
import { queryDueItems } from './due-index.ts';
import { enqueueMessage, enqueueOnce, messageKey } from './message-items.ts';
import { dueKey } from './table-definition.ts';

const isConditionFailure = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

/** A stored MSG item (or a stream image of one) as a message plus its delivery record. */
export function itemToStoredMessage(item: Record<string, unknown>): StoredMessage {
  const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...rest } = item;
  return { attempts: 0, version: 0, ...rest } as StoredMessage;
}

/**
 * The outbox in the single table (pk=MSG#id, sk=MSG). QUEUED messages sit in the due index DUE#MSG keyed by
 * notBefore; a SENDING one stays there keyed by its claim timeout, so a crash mid-send is found by the sweep.
 * SENT, FAILED and CANCELLED ones leave the index. Every update bumps `version` and is conditional on it.
 */
export class DynamoOutboxRepository implements OutboxRepository {
  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /** Enqueues a message with a deterministic id; false if it was already enqueued. */
  enqueue(message: Message): Promise<boolean> {
    return enqueueOnce(this.doc, this.tableName, message);
  }

  async get(id: string): Promise<StoredMessage | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: messageKey(id), ConsistentRead: true }),
    );
    return out.Item ? itemToStoredMessage(out.Item) : undefined;
  }

  async claim(msg: StoredMessage, now: Date, sendingTimeoutMs: number): Promise<StoredMessage | undefined> {
    const pk = messageKey(msg.id).pk;
    const timeout = dueKey('MSG', new Date(now.getTime() + sendingTimeoutMs), pk);
    const ok = await this.update(msg, 'QUEUED', {
      set: {
        status: 'SENDING',
        sendingAt: now.toISOString(),
        attempts: msg.attempts + 1,
        gsi1pk: timeout.gsi1pk,
        gsi1sk: timeout.gsi1sk,
      },
    });
    return ok
      ? {
          ...msg,
          status: 'SENDING',
          sendingAt: now.toISOString(),
          attempts: msg.attempts + 1,
          version: msg.version + 1,
        }
      : undefined;
  }

  markSent(msg: StoredMessage, providerMessageId: string, now: Date): Promise<boolean> {
    return this.update(msg, 'SENDING', this.sentChange(providerMessageId, now));
  }

  protected sentChange(providerMessageId: string, now: Date) {
    return { set: { status: 'SENT', sentAt: now.toISOString(), providerMessageId }, remove: ['gsi1pk', 'gsi1sk'] };
  }

  requeue(msg: StoredMessage, notBefore: Date, error: string): Promise<boolean> {
    const due = dueKey('MSG', notBefore, messageKey(msg.id).pk);
    return this.update(msg, 'SENDING', {
      set: { status: 'QUEUED', notBefore: notBefore.toISOString(), lastError: scrubText(error), ...due },
    });
  }

  defer(msg: StoredMessage, notBefore: Date): Promise<boolean> {
    const due = dueKey('MSG', notBefore, messageKey(msg.id).pk);
    return this.update(msg, 'QUEUED', { set: { notBefore: notBefore.toISOString(), ...due } });
  }

  touch(msg: StoredMessage): Promise<boolean> {
    return this.update(msg, 'QUEUED', { set: { releaseCount: (msg.releaseCount ?? 0) + 1 } });
  }

  async markFailed(
    msg: StoredMessage,
    input: { reason: string; now: Date; uncertain?: boolean; alerts: Message[] },
  ): Promise<boolean> {
    const reason = scrubText(input.reason).slice(0, 500);
    try {
      await transactWrite(this.doc, [
        {
          Update: {
            TableName: this.tableName,
            Key: messageKey(msg.id),
            UpdateExpression:
              'SET #status = :failed, failureReason = :reason, lastError = :reason, failedAt = :now, uncertain = :uncertain, version = :next REMOVE gsi1pk, gsi1sk',
            ConditionExpression: '#status = :expected AND version = :v',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':failed': 'FAILED',
              ':reason': reason,
              ':now': input.now.toISOString(),
              ':uncertain': input.uncertain === true,
              ':next': msg.version + 1,
              ':expected': msg.status,
              ':v': msg.version,
            },
          },
        },
        ...input.alerts.map((a) => enqueueMessage(this.tableName, a)),
      ]);
      return true;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) return false;
      throw error;
    }
  }

  async queryDue(now: Date, limit = 1000): Promise<{ messages: StoredMessage[]; itemsRead: number }> {
    const { items, itemsRead } = await queryDueItems(this.doc, this.tableName, 'MSG', now, { limit, pageSize: 500 });
    return { messages: items.map(itemToStoredMessage), itemsRead };
  }

  /** Conditional SET/REMOVE on the message: status and version must be what we read. False if not. */
  private async update(
    msg: StoredMessage,
    expectedStatus: string,
    change: { set: Record<string, unknown>; remove?: string[] },
  ): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(this.updateInput(msg, expectedStatus, change)));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  protected updateInput(
    msg: StoredMessage,
    expectedStatus: string,
    change: { set: Record<string, unknown>; remove?: string[] },
  ) {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':expected': expectedStatus,
      ':v': msg.version,
      ':next': msg.version + 1,
    };
    const sets = ['version = :next'];
    for (const [i, [k, v]] of Object.entries(change.set).entries()) {
      names[`#a${i}`] = k;
      values[`:a${i}`] = v;
      sets.push(`#a${i} = :a${i}`);
    }
    const remove = change.remove?.length ? ` REMOVE ${change.remove.join(', ')}` : '';
    return {
      TableName: this.tableName,
      Key: messageKey(msg.id),
      UpdateExpression: `SET ${sets.join(', ')}${remove}`,
      ConditionExpression: '#status = :expected AND version = :v',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }
}
