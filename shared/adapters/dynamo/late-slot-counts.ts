import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Cadence } from '../../domain/periods.ts';
import type { LateSlotCounter } from '../../use-cases/count-late-slots.ts';
import { queryPages } from './client.ts';
import { lateSlotsOf } from './key-conditions.ts';

/**
 * Late slots of a school from the owner index: the late board's read (`lateSlotsOf`, access pattern S5), returning
 * only the sort key: `SLOT#OPEN#<dueDate>#<cadence>` names the cadence. Capacity is charged on the items read.
 */
export class DynamoLateSlotCounter implements LateSlotCounter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async countLate(schoolId: string, now: Date): Promise<Partial<Record<Cadence, number>>> {
    const counts: Partial<Record<Cadence, number>> = {};
    const query = { TableName: this.tableName, ...lateSlotsOf(schoolId, now), ProjectionExpression: 'gsi2sk' };
    for await (const page of queryPages(this.doc, query))
      for (const item of page.Items ?? []) {
        const cadence = String(item.gsi2sk).split('#')[3] as Cadence;
        counts[cadence] = (counts[cadence] ?? 0) + 1;
      }
    return counts;
  }
}
