import { type DynamoDBDocumentClient, GetCommand, type QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Message } from '../../domain/message.ts';
import type { Notice } from '../../domain/notice.ts';
import { parseStoredNotice } from '../../domain/notice-stored.ts';
import type { ReportSlot } from '../../domain/report-slot.ts';
import type { CaseLogEntry, CaseLogKey, CaseLogSource } from '../../use-cases/list-case-messages.ts';
import type { LateSlotSource } from '../../use-cases/list-late-reports.ts';
import { runLimited } from '../../use-cases/run-limited.ts';
import { batchGetItems, queryAll, queryPage } from './client.ts';
import { lateSlotsOf, ownerIndexPrefix, withValues } from './key-conditions.ts';
import { itemToMessage, messageKey } from './message-items.ts';
import { itemToSlot } from './slot-repository.ts';
import { CASE_LOG_PREFIX, TABLE } from './table-definition.ts';

/**
 * Late slots from the owner index: one Query per school in scope (`lateSlotsOf`, the late-slot gauge's read too),
 * at most 16 in flight.
 */
export class DynamoLateSlotSource implements LateSlotSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listLate(now: Date, schoolIds: readonly string[]): Promise<ReportSlot[]> {
    const perSchool = await runLimited(schoolIds, 16, async (schoolId) => {
      const query = { TableName: this.tableName, ...lateSlotsOf(schoolId, now) };
      return (await queryAll(this.doc, query)).map(itemToSlot);
    });
    return perSchool.flat();
  }
}

/**
 * Read models of the API's case pages: a case's notices (pk=CASE#id, sk=NOTICE#…) and its outbox messages (the whole
 * log from the school's owner index, filtered by subject, for the timeline; a page of it from the case-log partition
 * of `gsi3`, for the message log). Both are parsed with their schema (noticeSchema, messageSchema): a malformed item
 * fails loudly, naming the field.
 */
export class DynamoCaseExtras implements CaseLogSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async notices(caseId: string): Promise<Notice[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':p': 'NOTICE#' },
    });
    return items.map((i) => parseStoredNotice(stripKeys(i)));
  }

  /**
   * Messages about the case or any of its notices, oldest first. An official's alert merged into a round message
   * (docs/sms.md) is found through its note (same owner index) and shown as that message with the note's own line
   * as text: the merged text lists other schools' causes, which this case's readers need not see.
   */
  async messages(schoolId: string, subjectIds: string[]): Promise<Message[]> {
    if (subjectIds.length === 0) return [];
    const direct = await this.ownerItems(schoolId, 'MSG#', subjectIds);
    const seen = new Set(direct.map((i) => String(i.id)));
    const merged: Message[] = [];
    for (const note of await this.ownerItems(schoolId, 'NOTE#', subjectIds)) {
      const into = typeof note.mergedInto === 'string' ? note.mergedInto : undefined;
      if (!into || seen.has(into)) continue;
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: `MSG#${into}`, sk: 'MSG' } }),
      );
      if (!out.Item) continue;
      const { covers: _covers, ...message } = itemToMessage(stripKeys(out.Item));
      merged.push({ ...message, text: `（合并发送）${String(note.summary)}` });
    }
    return [...direct.map((i) => itemToMessage(stripKeys(i))), ...merged].sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
  }

  partitionOf(caseId: string): string {
    return `${CASE_LOG_PREFIX}${caseId}`;
  }

  /** One page of the case's log (C3): Query `gsi3pk = CASELOG#<caseId>`, oldest first, from `startKey`. */
  async page(
    caseId: string,
    limit: number,
    startKey?: CaseLogKey,
  ): Promise<{ entries: CaseLogEntry[]; more: boolean }> {
    const page = await queryPage(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: TABLE.lateIndex.name,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': this.partitionOf(caseId) },
      },
      limit,
      startKey ? { ...startKey } : undefined,
    );
    const entries = page.items.map((item): CaseLogEntry => {
      const key = {
        pk: String(item.pk),
        sk: String(item.sk),
        gsi3pk: String(item.gsi3pk),
        gsi3sk: String(item.gsi3sk),
      };
      if (item.entity === 'NOTE')
        return {
          kind: 'note',
          id: String(item.id),
          summary: String(item.summary),
          ...(typeof item.mergedInto === 'string' ? { mergedInto: item.mergedInto } : {}),
          key,
        };
      return { kind: 'message', message: itemToMessage(stripKeys(item)), key };
    });
    return { entries, more: page.nextKey !== undefined };
  }

  /** The round messages merged notes went into: one BatchGetItem (a page holds at most 101 notes). */
  async roundMessages(ids: readonly string[]): Promise<Message[]> {
    const out: Message[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const items = await batchGetItems(this.doc, this.tableName, ids.slice(i, i + 100).map(messageKey));
      out.push(...items.map((item) => itemToMessage(stripKeys(item))));
    }
    return out;
  }

  private async ownerItems(schoolId: string, prefix: string, subjectIds: string[]) {
    const values: Record<string, unknown> = {};
    subjectIds.forEach((id, i) => {
      values[`:s${i}`] = id;
    });
    const items = await this.queryAll({
      ...withValues(ownerIndexPrefix(`SCHOOL#${schoolId}`, prefix), values),
      FilterExpression: `#subject.#id IN (${subjectIds.map((_, i) => `:s${i}`).join(', ')})`,
      ExpressionAttributeNames: { '#subject': 'subject', '#id': 'id' },
    });
    return items;
  }

  private queryAll(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) {
    return queryAll(this.doc, { ...input, TableName: this.tableName });
  }
}

const KEY_FIELDS = new Set(['pk', 'sk', 'entity', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk']);
function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_FIELDS.has(k)));
}
