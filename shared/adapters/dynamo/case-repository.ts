import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Case, type CaseEvent, type CaseState, closedStates } from '../../domain/case.ts';
import type { CaseChange, CaseRepository } from '../../domain/case-ports.ts';
import { ConcurrentUpdateError, DuplicateCaseError, TransactionConditionFailed } from '../../domain/errors.ts';
import { escalationDueAt } from '../../domain/escalation.ts';
import type { Notice } from '../../domain/notice.ts';
import { queryAll, queryPage, type TransactItem, transactWrite, versionGuard } from './client.ts';
import { ownerIndexPrefix } from './key-conditions.ts';
import { enqueueMessage, messageKey } from './message-items.ts';
import { putNote } from './note-repository.ts';
import { dueKey, TABLE } from './table-definition.ts';

/**
 * Item layout (docs/cases.md "Access patterns"):
 *  - case:   pk=CASE#<caseId>, sk=CASE; owner index gsi2pk=SCHOOL#<schoolId>,
 *            gsi2sk=CASE#<OPEN|CLOSED>#<state>#<openedAt>#<caseId> (open cases of a school = one begins_with)
 *  - notice: pk=CASE#<caseId>, sk=NOTICE#<noticeId>; while pending it sits in the due index
 *            (gsi1pk=DUE#NOTICE, gsi1sk=<deadline>#CASE#<caseId>#NOTICE#<noticeId>) and leaves it when resolved
 *  - event:  pk=CASE#<caseId>, sk=EVENT#<at>#<eventId> (the timeline: visits, status changes, transitions)
 *  - pupil:  pk=PUPIL#<pupilKey>, sk=CASE: the uniqueness item of a pupil with an open case (`caseId` = the holder);
 *            written and deleted only in the transaction that opens/reopens or ends that case
 * One Query on pk=CASE#<caseId> loads a case with its notices and timeline.
 */
export const caseKeys = {
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  pupil: (pupilKey: string) => ({ pk: `PUPIL#${pupilKey}`, sk: 'CASE' }),
  notice: (caseId: string, noticeId: string) => ({ pk: `CASE#${caseId}`, sk: `NOTICE#${noticeId}` }),
  event: (e: CaseEvent) => ({ pk: `CASE#${e.caseId}`, sk: `EVENT#${e.at}#${e.id}` }),
};

const KEY_FIELDS = ['pk', 'sk', 'entity', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'];

function strip<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_FIELDS.includes(k)) out[k] = v;
  return out as T;
}

/** Stored form of a case at a version. */
export function caseToItem(c: Case, version: number): Record<string, unknown> {
  return {
    ...caseKeys.case(c.id),
    entity: 'CASE',
    ...c,
    version,
    gsi2pk: `SCHOOL#${c.schoolId}`,
    gsi2sk: `${ownerPrefix(c.state)}${c.openedAt}#${c.id}`,
  };
}

/**
 * Stored form of a notice at a version. Due index: a pending notice under DUE#NOTICE by its deadline; a lapsed one
 * with work left (a re-escalation, a township order to check) under DUE#ESCALATION by when that is due.
 */
export function noticeToItem(n: Notice, version: number): Record<string, unknown> {
  const key = caseKeys.notice(n.caseId, n.id);
  const escalationDue = n.status === 'lapsed' ? escalationDueAt(n.escalation) : undefined;
  return {
    ...key,
    entity: 'NOTICE',
    ...n,
    version,
    ...(n.status === 'pending' ? dueKey('NOTICE', n.deadline, `${key.pk}#${key.sk}`) : {}),
    ...(escalationDue ? dueKey('ESCALATION', escalationDue, `${key.pk}#${key.sk}`) : {}),
  };
}

/** `CASE#OPEN#persuading#` / `CASE#CLOSED#returned#`: the owner-index prefix of a state. */
function ownerPrefix(state: CaseState): string {
  return `CASE#${closedStates.has(state) ? 'CLOSED' : 'OPEN'}#${state}#`;
}

/** The claim of a pupil key failed its condition: another case holds it (resolved into DuplicateCaseError). */
class PupilKeyTaken extends Error {}

/** DynamoDB single-table implementation of the case repository. */
export class DynamoCaseRepository implements CaseRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getCase(caseId: string): Promise<Case | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: caseKeys.case(caseId), ConsistentRead: true }),
    );
    return out.Item ? strip<Case>(out.Item) : undefined;
  }

  async getNotice(caseId: string, noticeId: string): Promise<Notice | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: caseKeys.notice(caseId, noticeId), ConsistentRead: true }),
    );
    return out.Item ? strip<Notice>(out.Item) : undefined;
  }

  async listEvents(caseId: string): Promise<CaseEvent[]> {
    return (
      await this.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':p': 'EVENT#' },
        ConsistentRead: true,
      })
    ).map((i) => strip<CaseEvent>(i));
  }

  async listBySchool(schoolId: string, filter?: CaseState | 'open' | 'closed'): Promise<Case[]> {
    const prefix =
      filter === undefined
        ? 'CASE#'
        : filter === 'open'
          ? 'CASE#OPEN#'
          : filter === 'closed'
            ? 'CASE#CLOSED#'
            : ownerPrefix(filter);
    return (await this.queryAll(ownerIndexPrefix(`SCHOOL#${schoolId}`, prefix))).map((i) => strip<Case>(i));
  }

  async pageBySchool(
    schoolId: string,
    filter: 'open' | 'closed' | undefined,
    limit: number,
    startKey?: Record<string, unknown>,
  ): Promise<{ cases: Case[]; nextKey?: Record<string, unknown> }> {
    const prefix = filter === 'open' ? 'CASE#OPEN#' : filter === 'closed' ? 'CASE#CLOSED#' : 'CASE#';
    const query = { TableName: this.tableName, ...ownerIndexPrefix(`SCHOOL#${schoolId}`, prefix) };
    const page = await queryPage(this.doc, query, limit, startKey);
    return { cases: page.items.map((i) => strip<Case>(i)), ...(page.nextKey ? { nextKey: page.nextKey } : {}) };
  }

  async pendingNotices(refs: readonly { caseId: string; noticeId: string }[]): Promise<Notice[]> {
    const found: Notice[] = [];
    for (let i = 0; i < refs.length; i += 100) {
      let keys: Record<string, unknown>[] = refs.slice(i, i + 100).map((r) => caseKeys.notice(r.caseId, r.noticeId));
      while (keys.length > 0) {
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        found.push(...(out.Responses?.[this.tableName] ?? []).map((item) => strip<Notice>(item)));
        keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found.filter((n) => n.status === 'pending');
  }

  async listOpenNotices(dueBy?: Date): Promise<Notice[]> {
    const items = await this.queryAll({
      IndexName: TABLE.dueIndex.name,
      KeyConditionExpression: dueBy ? 'gsi1pk = :k AND gsi1sk <= :due' : 'gsi1pk = :k',
      // '~' sorts after '#', so every key whose instant equals dueBy is included.
      ExpressionAttributeValues: { ':k': 'DUE#NOTICE', ...(dueBy ? { ':due': `${dueBy.toISOString()}~` } : {}) },
    });
    return items.map((i) => strip<Notice>(i)).filter((n) => n.status === 'pending');
  }

  async listDueEscalations(dueBy: Date): Promise<Notice[]> {
    const items = await this.queryAll({
      IndexName: TABLE.dueIndex.name,
      KeyConditionExpression: 'gsi1pk = :k AND gsi1sk <= :due',
      ExpressionAttributeValues: { ':k': 'DUE#ESCALATION', ':due': `${dueBy.toISOString()}~` },
    });
    return items.map((i) => strip<Notice>(i));
  }

  async queuedMessageIds(ids: string[]): Promise<string[]> {
    const queued: string[] = [];
    for (const id of ids) {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: messageKey(id), ConsistentRead: true }),
      );
      if (out.Item?.status === 'QUEUED') queued.push(id);
    }
    return queued;
  }

  async commit(change: CaseChange): Promise<void> {
    const claim = change.pupilKey && 'claim' in change.pupilKey ? change.pupilKey.claim : undefined;
    const release = change.pupilKey && 'release' in change.pupilKey ? change.pupilKey.release : undefined;
    // Only a key this case still holds is given back: one never taken (older data) or already taken over is left.
    const releasing = release && (await this.keyItem(release))?.caseId === change.case.id ? release : undefined;
    const attempt = async (staleHolder?: string) => {
      const keyAction = claim
        ? this.claimKey(claim, change.case, staleHolder)
        : releasing
          ? this.releaseKey(releasing, change.case.id)
          : undefined;
      await this.write(change, keyAction);
    };
    // Another case holds the pupil: refused, naming it, unless that case is closed or gone (a key left behind by an
    // inconsistency must not block the pupil for ever): then take it over, guarded by that stale holder.
    let stale: string | undefined;
    for (let round = 1; ; round++) {
      try {
        await attempt(stale);
        return;
      } catch (error) {
        if (!(error instanceof PupilKeyTaken)) throw error;
        const holder = (await this.keyItem(claim!))?.caseId;
        if (holder !== undefined && (await this.isOpen(holder))) throw new DuplicateCaseError([holder]);
        if (round >= 3) throw new ConcurrentUpdateError(`pupil key ${claim}`);
        stale = holder; // undefined: released meanwhile, so free again
      }
    }
  }

  async pupilKeyHolder(pupilKey: string): Promise<string | undefined> {
    const holder = (await this.keyItem(pupilKey))?.caseId;
    return holder && (await this.isOpen(holder)) ? holder : undefined;
  }

  private async keyItem(pupilKey: string): Promise<{ caseId: string } | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: caseKeys.pupil(pupilKey), ConsistentRead: true }),
    );
    return out.Item ? { caseId: String(out.Item.caseId) } : undefined;
  }

  private async isOpen(caseId: string): Promise<boolean> {
    const c = await this.getCase(caseId);
    return c !== undefined && !closedStates.has(c.state);
  }

  /** Put of the pupil's key for this case: free, already ours (a retried reopen), or left by `staleHolder`. */
  private claimKey(pupilKey: string, c: Case, staleHolder?: string): { item: TransactItem; label: string } {
    return {
      label: `pupil key ${pupilKey} (held by another case)`,
      item: {
        Put: {
          TableName: this.tableName,
          Item: {
            ...caseKeys.pupil(pupilKey),
            entity: 'PUPIL',
            pupilKey,
            caseId: c.id,
            schoolId: c.schoolId,
            since: c.updatedAt,
            version: 1,
          },
          ConditionExpression: staleHolder ? 'caseId = :stale' : 'attribute_not_exists(pk) OR caseId = :self',
          ExpressionAttributeValues: staleHolder ? { ':stale': staleHolder } : { ':self': c.id },
        },
      },
    };
  }

  /** Delete of the pupil's key, only while this case holds it. */
  private releaseKey(pupilKey: string, caseId: string): { item: TransactItem; label: string } {
    return {
      label: `pupil key ${pupilKey} (no longer held by case ${caseId})`,
      item: {
        Delete: {
          TableName: this.tableName,
          Key: caseKeys.pupil(pupilKey),
          ConditionExpression: 'caseId = :self',
          ExpressionAttributeValues: { ':self': caseId },
        },
      },
    };
  }

  private async write(change: CaseChange, keyAction?: { item: TransactItem; label: string }): Promise<void> {
    const items: TransactItem[] = [];
    const labels: string[] = [];
    items.push({
      Put: {
        TableName: this.tableName,
        Item: caseToItem(change.case, change.expectedVersion + 1),
        ...versionGuard(change.expectedVersion),
      },
    });
    labels.push(`case ${change.case.id}`);
    if (change.notice) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: noticeToItem(change.notice.value, change.notice.expectedVersion + 1),
          ...versionGuard(change.notice.expectedVersion),
        },
      });
      labels.push(`notice ${change.notice.value.id}`);
    }
    for (const e of change.events) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...caseKeys.event(e), entity: 'CASE_EVENT', ...e, version: 1 },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      labels.push(`event ${e.type} ${e.id}`);
    }
    for (const m of change.enqueue ?? []) {
      items.push(enqueueMessage(this.tableName, m));
      labels.push(`message ${m.id} (already enqueued)`);
    }
    for (const n of change.notes ?? []) {
      items.push(putNote(this.tableName, n));
      labels.push(`note ${n.id} (already written)`);
    }
    for (const id of change.cancelMessageIds ?? []) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: messageKey(id),
          // Only a message nobody has started sending can be cancelled; REMOVE takes it out of the due index.
          UpdateExpression: 'SET #status = :cancelled, version = version + :one REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#status = :queued',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':cancelled': 'CANCELLED', ':queued': 'QUEUED', ':one': 1 },
        },
      });
      labels.push(`message ${id} (no longer QUEUED)`);
    }
    const keyIndex = keyAction ? items.push(keyAction.item) - 1 : -1;
    if (keyAction) labels.push(keyAction.label);
    try {
      await transactWrite(this.doc, items, (i) => labels[i] ?? `item ${i}`);
    } catch (error) {
      // Another guard failing first (a stale case version) stays a ConcurrentUpdateError: reload and decide again.
      if (error instanceof TransactionConditionFailed && error.index === keyIndex && keyAction?.item.Put)
        throw new PupilKeyTaken(error.message);
      throw error;
    }
  }

  async appendEvent(event: CaseEvent): Promise<'added' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...caseKeys.event(event), entity: 'CASE_EVENT', ...event, version: 1 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'added';
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return 'exists';
      throw error;
    }
  }

  private queryAll(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) {
    return queryAll(this.doc, { ...input, TableName: this.tableName });
  }
}
