import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../domain/errors.ts';
import { type Message, messageSchema } from '../../domain/message.ts';
import { type TransactItem, transactWrite } from './client.ts';
import { caseLogKey, dueKey } from './table-definition.ts';

export const messageKey = (id: string) => ({ pk: `MSG#${id}`, sk: 'MSG' });

export type SmsProviderKind = 'sns' | 'tencent' | 'aliyun';

/**
 * The lookup from a provider's message id to ours (`PMSG#<provider>#<providerMessageId>`), written with the SENT
 * mark: SNS's delivery-status logs name only the MessageId that Publish returned.
 */
export const providerMessageKey = (provider: SmsProviderKind, providerMessageId: string) => ({
  pk: `PMSG#${provider}#${providerMessageId}`,
  sk: 'PMSG',
});

/** How long the lookup is kept (table TTL): receipts come within 72 hours of the send. */
export const PROVIDER_LOOKUP_DAYS = 30;

/** The stored form of an outbox message. Queued messages sit in the due index until sent. */
export function messageToItem(message: Message): Record<string, unknown> {
  const key = messageKey(message.id);
  return {
    ...key,
    entity: 'MSG',
    ...message,
    ...(message.status === 'QUEUED' ? dueKey('MSG', message.notBefore, key.pk) : {}),
    ...(message.schoolId
      ? { gsi2pk: `SCHOOL#${message.schoolId}`, gsi2sk: `MSG#${message.createdAt}#${message.id}` }
      : {}),
    ...(message.caseId ? caseLogKey(message.caseId, message.createdAt, key.pk) : {}),
  };
}

export function itemToMessage(item: Record<string, unknown>): Message {
  return messageSchema.parse(item);
}

/** Enqueue inside a transaction: fails the whole transaction if the same deterministic id was already enqueued. */
export function enqueueMessage(tableName: string, message: Message): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: messageToItem(messageSchema.parse(message)),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Enqueues one message on its own; false when its deterministic id was already enqueued (a rerun). */
export async function enqueueOnce(doc: DynamoDBDocumentClient, tableName: string, message: Message): Promise<boolean> {
  try {
    await transactWrite(doc, [enqueueMessage(tableName, message)]);
    return true;
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) return false;
    throw error;
  }
}
