import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { cstDate } from '../../domain/time.ts';
import { TABLE } from './table-definition.ts';

/**
 * The key conditions of the table's queries, each written once: a read model and the gauge or count that summarises
 * it build their Query from the same function, so the figure always counts what the list shows.
 */
export type KeyCondition = Pick<
  QueryCommandInput,
  'IndexName' | 'KeyConditionExpression' | 'FilterExpression' | 'ExpressionAttributeValues'
>;

/** Owner index: the items of one owner (`SCHOOL#id`, `TOWNSHIP#id`, `READER#id`, …) whose sort key starts with `prefix`. */
export function ownerIndexPrefix(owner: string, prefix: string): KeyCondition {
  return {
    IndexName: TABLE.ownerIndex.name,
    KeyConditionExpression: 'gsi2pk = :o AND begins_with(gsi2sk, :p)',
    ExpressionAttributeValues: { ':o': owner, ':p': prefix },
  };
}

/** Owner index: the items of one owner whose sort key lies between `from` and `to` (both included). */
export function ownerIndexRange(owner: string, from: string, to: string): KeyCondition {
  return {
    IndexName: TABLE.ownerIndex.name,
    KeyConditionExpression: 'gsi2pk = :o AND gsi2sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':o': owner, ':from': from, ':to': to },
  };
}

/**
 * A school's late report slots (access pattern S5), the read of both the late board and the late-slot gauge: its
 * OPEN slots sort under `SLOT#OPEN#<dueDate>#<cadence>`, so the key bound skips slots due after today and the filter
 * drops today's slots whose deadline (e.g. 17:00) is still ahead. Slots whose whole ladder has been sent (gone from
 * the sparse due index) are still read.
 */
export function lateSlotsOf(schoolId: string, now: Date): KeyCondition {
  const range = ownerIndexRange(`SCHOOL#${schoolId}`, 'SLOT#OPEN#', `SLOT#OPEN#${cstDate(now)}~`);
  return {
    ...range,
    FilterExpression: 'deadline <= :now',
    ExpressionAttributeValues: { ...range.ExpressionAttributeValues, ':now': now.toISOString() },
  };
}

/** Merges extra expression values (a filter's) into a key condition's. */
export function withValues(condition: KeyCondition, values: Record<string, unknown>): KeyCondition {
  return { ...condition, ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ...values } };
}

/**
 * A township's late report slots (access pattern S6) from the sparse late index: every unfiled slot carries
 * `LATE#<townshipId>` / `<deadline>#<pk>`, so `gsi3sk <= <now>#~` is exactly "deadline at or before now" (the late
 * board's rule), oldest deadline first. Optional filters narrow the page (cadence, ladder level, one school);
 * DynamoDB applies them after the key condition, so a page may hold fewer items than its limit.
 */
export function lateSlotsOfTownship(
  townshipId: string,
  now: Date,
  filter: { cadence?: string; level?: number; schoolId?: string } = {},
): KeyCondition {
  const values: Record<string, unknown> = { ':t': `LATE#${townshipId}`, ':now': `${now.toISOString()}#~` };
  const clauses: string[] = [];
  if (filter.cadence !== undefined) {
    clauses.push('cadence = :cadence');
    values[':cadence'] = filter.cadence;
  }
  if (filter.level !== undefined) {
    clauses.push('nextLevel = :level');
    values[':level'] = filter.level;
  }
  if (filter.schoolId !== undefined) {
    clauses.push('schoolId = :school');
    values[':school'] = filter.schoolId;
  }
  return {
    IndexName: TABLE.lateIndex.name,
    KeyConditionExpression: 'gsi3pk = :t AND gsi3sk <= :now',
    ...(clauses.length > 0 ? { FilterExpression: clauses.join(' AND ') } : {}),
    ExpressionAttributeValues: values,
  };
}
