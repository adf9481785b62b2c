import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { itemToSlot } from '../../shared/adapters/dynamo/slot-repository.ts';
import { TABLE } from '../../shared/adapters/dynamo/table-definition.ts';
import type { ReportSlot } from '../../shared/domain/report-slot.ts';
import type { LateSlotSource } from '../../shared/use-cases/list-late-reports.ts';

/**
 * Late slots from the sparse due index (`DUE#SLOT`): every OPEN slot whose ladder still has a level to send sits
 * there, whatever its next due time, so one Query partition reads what is late and never every school.
 * Known gap: a slot whose whole ladder has been sent leaves the index (see docs/api.md).
 */
export class DynamoLateSlotSource implements LateSlotSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listLate(now: Date): Promise<ReportSlot[]> {
    const slots: ReportSlot[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE.dueIndex.name,
          KeyConditionExpression: 'gsi1pk = :due',
          FilterExpression: 'deadline <= :now',
          ExpressionAttributeValues: { ':due': 'DUE#SLOT', ':now': now.toISOString() },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) slots.push(itemToSlot(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return slots;
  }
}
