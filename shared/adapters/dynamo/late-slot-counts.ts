import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Cadence } from '../../domain/periods.ts';
import { cstDate } from '../../domain/time.ts';
import type { LateSlotCounter } from '../../use-cases/count-late-slots.ts';
import { TABLE } from './table-definition.ts';

/**
 * Late slots of a school from the owner index (access pattern S5: `gsi2pk = SCHOOL#id AND gsi2sk BETWEEN
 * SLOT#OPEN# AND SLOT#OPEN#<today>~`, filter `deadline <= now`), the same read as the late board's, returning only
 * the sort key: `SLOT#OPEN#<dueDate>#<cadence>` names the cadence. The key bound skips slots due after today; the
 * filter drops today's slots whose deadline (e.g. 17:00) is still ahead. Capacity is charged on the items read.
 */
export class DynamoLateSlotCounter implements LateSlotCounter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async countLate(schoolId: string, now: Date): Promise<Partial<Record<Cadence, number>>> {
    const counts: Partial<Record<Cadence, number>> = {};
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE.ownerIndex.name,
          KeyConditionExpression: 'gsi2pk = :o AND gsi2sk BETWEEN :from AND :to',
          FilterExpression: 'deadline <= :now',
          ProjectionExpression: 'gsi2sk',
          ExpressionAttributeValues: {
            ':o': `SCHOOL#${schoolId}`,
            ':from': 'SLOT#OPEN#',
            ':to': `SLOT#OPEN#${cstDate(now)}~`,
            ':now': now.toISOString(),
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const cadence = String(item.gsi2sk).split('#')[3] as Cadence;
        counts[cadence] = (counts[cadence] ?? 0) + 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counts;
  }
}
