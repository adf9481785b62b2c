import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionConditionFailed } from '../../domain/errors.ts';
import type { StoredMessage } from '../../use-cases/dispatch-message.ts';
import { transactWrite } from './client.ts';
import { PROVIDER_LOOKUP_DAYS, providerMessageKey, type SmsProviderKind } from './message-items.ts';
import { DynamoOutboxRepository } from './outbox-repository.ts';

/**
 * The dispatcher's outbox: the SENT mark also writes the provider-id lookup (`PMSG#<provider>#<providerMessageId>`
 * → our id) in the same transaction, so a receipt that names only the provider's id (SNS's delivery-status logs)
 * finds its message. Its own class, so the other functions' bundles do not carry it.
 */
export class DynamoDispatchOutbox extends DynamoOutboxRepository {
  constructor(
    doc: DynamoDBDocumentClient,
    tableName: string,
    private readonly provider: SmsProviderKind,
  ) {
    super(doc, tableName);
  }

  override async markSent(msg: StoredMessage, providerMessageId: string, now: Date): Promise<boolean> {
    // An id the adapter made up (`unknown:…`: accepted without an id) names nothing a provider will report.
    if (providerMessageId.startsWith('unknown:')) return super.markSent(msg, providerMessageId, now);
    try {
      await transactWrite(this.doc, [
        { Update: this.updateInput(msg, 'SENDING', this.sentChange(providerMessageId, now)) },
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...providerMessageKey(this.provider, providerMessageId),
              entity: 'PMSG',
              messageId: msg.id,
              expiresAt: Math.floor(now.getTime() / 1000) + PROVIDER_LOOKUP_DAYS * 86_400,
            },
          },
        },
      ]);
      return true;
    } catch (error) {
      // The message is no longer the one claimed (the release sweep changed it): as the plain SENT mark's false.
      if (error instanceof TransactionConditionFailed) return false;
      throw error;
    }
  }
}
