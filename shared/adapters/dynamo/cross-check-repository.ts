import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Candidate,
  CrossCheckRepository,
  CrossCheckRun,
  Decision,
  DropoutEntry,
} from '../../domain/cross-check.ts';
import { CandidateTakenError, ConcurrentUpdateError, TransactionConditionFailed } from '../../domain/errors.ts';
import { runLimited } from '../../use-cases/run-limited.ts';
import { queryAll, transactWrite } from './client.ts';

const checkPk = (townshipId: string) => `XCHK#${townshipId}`;
const entryKey = (id: string) => ({ pk: `DROPOUT#${id}`, sk: 'ENTRY' });
const KEYS = ['pk', 'sk', 'entity', 'gsi2pk', 'gsi2sk'] as const;

function strip<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const k of KEYS) delete copy[k];
  return copy as T;
}

/**
 * 四查三比对 items: candidates `XCHK#<township>` / `C#<candidateId>` and the township's last run `XCHK#<township>` /
 * `RUN` (one Query reads both); 辍学台账 entries `DROPOUT#<personKey>` / `ENTRY`, listed per township on the owner
 * index (`TOWNSHIP#<id>`, `DROPOUT#<on|struck>#<enteredAt>#<id>`). The entry's key is the child: one entry per child,
 * whatever the number of lists or officials confirming it at once.
 */
export class DynamoCrossCheckRepository implements CrossCheckRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private candidateItem(c: Candidate) {
    return { pk: checkPk(c.townshipId), sk: `C#${c.id}`, entity: 'XCHK_CANDIDATE', ...c };
  }

  private entryItem(e: DropoutEntry) {
    return {
      ...entryKey(e.id),
      entity: 'DROPOUT_ENTRY',
      gsi2pk: `TOWNSHIP#${e.townshipId}`,
      gsi2sk: `DROPOUT#${e.status}#${e.enteredAt}#${e.id}`,
      ...e,
    };
  }

  async candidates(townshipId: string): Promise<Candidate[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': checkPk(townshipId), ':c': 'C#' },
    });
    return items.map((i) => strip<Candidate>(i));
  }

  async candidate(townshipId: string, id: string): Promise<Candidate | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: checkPk(townshipId), sk: `C#${id}` },
        ConsistentRead: true,
      }),
    );
    return out.Item ? strip<Candidate>(out.Item) : undefined;
  }

  async lastRun(townshipId: string): Promise<CrossCheckRun | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: checkPk(townshipId), sk: 'RUN' }, ConsistentRead: true }),
    );
    return out.Item ? strip<CrossCheckRun>(out.Item) : undefined;
  }

  async saveRun(
    run: Omit<CrossCheckRun, 'version'>,
    previous: CrossCheckRun | undefined,
    changes: { next: Candidate; previousVersion: number }[],
  ): Promise<void> {
    await runLimited(changes, 8, async ({ next, previousVersion }) => {
      await this.put(
        this.candidateItem(next),
        previousVersion,
        `乡镇 ${next.townshipId} 的比对候选 ${next.id}（请重新运行比对）`,
      );
    });
    await this.put(
      { pk: checkPk(run.townshipId), sk: 'RUN', entity: 'XCHK_RUN', ...run, version: (previous?.version ?? 0) + 1 },
      previous?.version ?? 0,
      `乡镇 ${run.townshipId} 的比对结果（另一次比对同时在运行，请重新运行）`,
    );
  }

  async dismiss(c: Candidate, decision: Decision): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.candidateItem({ ...c, status: 'dismissed', decision, version: c.version + 1 }),
          ConditionExpression: 'version = :v AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':v': c.version, ':pending': 'pending' },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new CandidateTakenError(c.id);
      throw error;
    }
  }

  async confirm(
    c: Candidate,
    decision: Decision,
    entry: { mode: 'new'; next: DropoutEntry } | { mode: 'join' | 'reenter'; next: DropoutEntry; expected: number },
  ): Promise<void> {
    try {
      await transactWrite(
        this.doc,
        [
          {
            Put: {
              TableName: this.tableName,
              Item: this.candidateItem({ ...c, status: 'confirmed', decision, version: c.version + 1 }),
              ConditionExpression: 'version = :v AND #status = :pending',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':v': c.version, ':pending': 'pending' },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: this.entryItem(entry.next),
              ...(entry.mode === 'new'
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': entry.expected } }),
            },
          },
        ],
        (i) => (i === 0 ? `比对候选 ${c.id}` : `辍学台账 ${entry.next.id}`),
      );
    } catch (error) {
      if (error instanceof TransactionConditionFailed && error.index === 0) throw new CandidateTakenError(c.id);
      throw error;
    }
  }

  async entry(id: string): Promise<DropoutEntry | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: entryKey(id), ConsistentRead: true }),
    );
    return out.Item ? strip<DropoutEntry>(out.Item) : undefined;
  }

  async entries(townshipId: string, status?: DropoutEntry['status']): Promise<DropoutEntry[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': `TOWNSHIP#${townshipId}`,
        ':prefix': `DROPOUT#${status ? `${status}#` : ''}`,
      },
    });
    return items.map((i) => strip<DropoutEntry>(i));
  }

  async saveEntry(next: DropoutEntry, expected: number): Promise<void> {
    await this.put(this.entryItem(next), expected, `辍学台账 ${next.id}`);
  }

  private async put(item: Record<string, unknown>, expected: number, what: string): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(expected === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expected } }),
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new ConcurrentUpdateError(what);
      throw error;
    }
  }
}
