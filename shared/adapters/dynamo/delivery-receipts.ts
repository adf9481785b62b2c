import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryReceipt } from '../../domain/delivery.ts';
import { messageKey, providerMessageKey } from './message-items.ts';

export type ReceiptOutcome = 'recorded' | 'duplicate' | 'unknown';

/**
 * Writes a receipt onto the message's delivery record (`delivery` on MSG#id): the first receipt wins, a second
 * one for the same message is a no-op (`duplicate`), a receipt for no message of ours is `unknown`. The write
 * does not bump `version`: the receipt can arrive before the SENT write, which is conditional on the version.
 */
export class DynamoDeliveryReceipts {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Our message id for a provider's message id (the lookup the SENT mark wrote), or undefined. */
  async resolve(provider: DeliveryReceipt['provider'], providerMessageId: string): Promise<string | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: providerMessageKey(provider, providerMessageId) }),
    );
    const id = out.Item?.messageId;
    return typeof id === 'string' ? id : undefined;
  }

  async record(messageId: string, receipt: DeliveryReceipt, receivedAt: Date): Promise<ReceiptOutcome> {
    const delivery = {
      status: receipt.status,
      at: receipt.at,
      code: receipt.code,
      provider: receipt.provider,
      receivedAt: receivedAt.toISOString(),
      ...(receipt.providerMessageId ? { providerMessageId: receipt.providerMessageId } : {}),
    };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: messageKey(messageId),
          UpdateExpression: 'SET delivery = :d',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(delivery)',
          ExpressionAttributeValues: { ':d': delivery },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'recorded';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return error.Item ? 'duplicate' : 'unknown';
      throw error;
    }
  }
}
