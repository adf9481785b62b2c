import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  AGGREGATED_ENTITIES,
  type AggregateDelta,
  type AggregateReader,
  type AggregateSnapshot,
  ALL_BUCKET,
  addCounters,
  type Contribution,
  type Counters,
  contributionsOf,
  deltaOf,
} from '../../domain/aggregates.ts';
import { ConcurrentUpdateError, TransactionConditionFailed } from '../../domain/errors.ts';
import { runLimited } from '../../use-cases/run-limited.ts';
import { queryAll, scanPages, type TransactItem, transactWrite, versionGuard } from './client.ts';
import { TABLE } from './table-definition.ts';

/**
 * Aggregate items (docs/table-design.md, "Aggregates"):
 * - `AGG#<bucket>` / `T#<townshipId>`: one township in one bucket, its schools' counters in the map `s`
 *   (schoolId → attribute → count), replaced whole under a version guard;
 * - `AGG#<bucket>` / `C`: the county's counters as top-level numbers, moved by ADD;
 * - `AGGSRC#<source pk>` / `<source sk>`: the version of the source item last applied (`applied`, `gone` after a
 *   REMOVE), the guard that makes a replayed or duplicated stream record count once.
 * A bucket's township items are one Query (`pk = AGG#<bucket> AND begins_with(sk, T#)`), so a county-wide read
 * costs one request per bucket while the bucket fits in a 1 MB page (a week of 15,000 schools did in bench:scale).
 */
export const aggregateKeys = {
  township: (bucket: string, townshipId: string) => ({ pk: `AGG#${bucket}`, sk: `T#${townshipId}` }),
  county: (bucket: string) => ({ pk: `AGG#${bucket}`, sk: 'C' }),
  guard: (pk: string, sk: string) => ({ pk: `AGGSRC#${pk}`, sk }),
};

/** One stream record's change of a source item. */
export interface SourceChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'unchanged' | 'ignored';

const APPLY_ATTEMPTS = 10;
/**
 * A read of more townships than this Queries whole buckets (one request per bucket and 1 MB page, the same at a
 * county of 13 townships as at a province of 1,250); up to this many, a BatchGetItem of their keys (an area, a
 * township). The bound is on townships, not keys, so a county-wide read takes the same path at every size: before,
 * a county's 65 keys were one BatchGet and a larger one's five Queries (3x from 150 to 2,000 schools). Query is
 * also the cheaper read county-wide: it is billed on the items' summed size, BatchGet per item rounded up to 4 KB
 * (a township item is about 1 KB), so BatchGet wins only for a few townships of many.
 */
export const NARROW_READ_TOWNSHIPS = 8;

const schoolsOf = (item: Record<string, unknown> | undefined): Record<string, Counters> =>
  (item?.s as Record<string, Counters> | undefined) ?? {};

export class DynamoAggregateStore implements AggregateReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Applies one source item's change: contributions(new) − contributions(old) onto the township items (read,
   * changed, written back under their version) and the county items (ADD), with the source's guard in the same
   * transaction. The guard's condition (`applied < version`) fails for a record already applied: `duplicate`, and
   * nothing is written. A township item changed meanwhile by another record is read again (up to 10 times).
   */
  async apply(change: SourceChange): Promise<ApplyOutcome> {
    const image = change.newImage ?? change.oldImage;
    if (!image || !AGGREGATED_ENTITIES.includes(image.entity as never)) return 'ignored';
    const version = Number(image.version ?? 0);
    const delta = deltaOf(contributionsOf(change.oldImage), contributionsOf(change.newImage));
    const guard = this.guardItem(String(image.pk), String(image.sk), version, change.eventName);
    const keys = [...delta.townships].flatMap(([bucket, t]) =>
      [...t.keys()].map((townshipId) => aggregateKeys.township(bucket, townshipId)),
    );
    // Nothing to count (a reminder id; a slot's escalation step does count, `rl<n>`): no write at all. Its replay is
    // as empty, and the guard compares record versions only, so an older record still finds the version it must not
    // count again.
    if (keys.length === 0 && delta.county.size === 0) return 'unchanged';
    for (let attempt = 1; attempt <= APPLY_ATTEMPTS; attempt++) {
      const current = await this.getMany(keys, true);
      const writes: TransactItem[] = [guard];
      for (const [bucket, t] of delta.townships)
        for (const [townshipId, schools] of t) {
          const key = aggregateKeys.township(bucket, townshipId);
          const stored = current.get(`${key.pk}|${key.sk}`);
          writes.push({
            Put: {
              TableName: this.tableName,
              Item: townshipItem(bucket, townshipId, applySchools(schoolsOf(stored), schools), stored),
              ...versionGuard(Number(stored?.version ?? 0)),
            },
          });
        }
      for (const [bucket, counters] of delta.county) writes.push(this.countyAdd(bucket, counters));
      if (writes.length > 100) throw new RangeError(`aggregates: one change touches ${writes.length} items`);
      try {
        await transactWrite(this.doc, writes, (i) => (i === 0 ? 'aggregate guard' : `aggregate item ${i}`));
        return 'applied';
      } catch (error) {
        if (!(error instanceof TransactionConditionFailed)) throw error;
        if (error.index === 0) return 'duplicate';
      }
    }
    throw new ConcurrentUpdateError(`aggregates of ${String(image.pk)} (township items kept changing)`);
  }

  private guardItem(pk: string, sk: string, version: number, eventName: SourceChange['eventName']): TransactItem {
    const Key = aggregateKeys.guard(pk, sk);
    if (eventName === 'REMOVE')
      return {
        Update: {
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET applied = :v, gone = :t',
          // A removal counts once, and only after what it removes was counted.
          ConditionExpression: 'attribute_exists(pk) AND applied <= :v AND gone = :f',
          ExpressionAttributeValues: { ':v': version, ':t': true, ':f': false },
        },
      };
    return {
      Update: {
        TableName: this.tableName,
        Key,
        UpdateExpression: 'SET applied = :v, gone = :f, entity = :e',
        // Any older record (a replay, a duplicate) finds a version at least as new: nothing is counted twice. A
        // source removed and then created again under the same key at a lower version is not counted (the
        // aggregated entities are never deleted; rebuild-aggregates would recount it).
        ConditionExpression: 'attribute_not_exists(pk) OR applied < :v',
        ExpressionAttributeValues: { ':v': version, ':f': false, ':e': 'AGGSRC' },
      },
    };
  }

  private countyAdd(bucket: string, counters: Counters): TransactItem {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':one': 1, ':e': 'AGG' };
    const adds = Object.entries(counters).map(([attr, n], i) => {
      names[`#a${i}`] = attr;
      values[`:n${i}`] = n;
      return `#a${i} :n${i}`;
    });
    return {
      Update: {
        TableName: this.tableName,
        Key: aggregateKeys.county(bucket),
        UpdateExpression: `SET entity = :e ADD version :one, ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  private async getMany(keys: { pk: string; sk: string }[], consistent: boolean) {
    const out = new Map<string, Record<string, unknown>>();
    const chunks: (typeof keys)[] = [];
    for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
    await runLimited(chunks, 4, async (chunk) => {
      let pending: Record<string, unknown>[] = chunk;
      while (pending.length > 0) {
        const res = await this.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: consistent } },
          }),
        );
        for (const item of res.Responses?.[this.tableName] ?? []) out.set(`${item.pk}|${item.sk}`, item);
        pending = (res.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    });
    return out;
  }

  async read(buckets: readonly string[], townshipIds?: readonly string[]): Promise<AggregateSnapshot> {
    const snapshot: AggregateSnapshot = new Map(buckets.map((b) => [b, new Map()]));
    const put = (item: Record<string, unknown>) => {
      const bucket = String(item.pk).slice('AGG#'.length);
      const townshipId = String(item.sk).slice('T#'.length);
      snapshot.get(bucket)?.set(townshipId, new Map(Object.entries(schoolsOf(item))));
    };
    if (townshipIds && townshipIds.length <= NARROW_READ_TOWNSHIPS) {
      const keys = buckets.flatMap((b) => townshipIds.map((t) => aggregateKeys.township(b, t)));
      for (const item of (await this.getMany(keys, false)).values()) put(item);
      return snapshot;
    }
    const wanted = townshipIds ? new Set(townshipIds) : undefined;
    await runLimited([...buckets], 8, async (bucket) => {
      const items = await queryAll(this.doc, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
        ExpressionAttributeValues: { ':pk': `AGG#${bucket}`, ':t': 'T#' },
      });
      for (const item of items) if (!wanted || wanted.has(String(item.sk).slice('T#'.length))) put(item);
    });
    return snapshot;
  }

  async county(bucket: string): Promise<Counters> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: aggregateKeys.county(bucket) }));
    return countersOfCounty(res.Item);
  }
}

function applySchools(stored: Record<string, Counters>, delta: Map<string, Counters>): Record<string, Counters> {
  const next: Record<string, Counters> = {};
  for (const [id, c] of Object.entries(stored)) next[id] = { ...c };
  for (const [id, c] of delta) {
    const merged = addCounters(next[id] ?? {}, c);
    if (Object.keys(merged).length === 0) delete next[id];
    else next[id] = merged;
  }
  return next;
}

function townshipItem(
  bucket: string,
  townshipId: string,
  schools: Record<string, Counters>,
  stored?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ...aggregateKeys.township(bucket, townshipId),
    entity: 'AGG',
    version: Number(stored?.version ?? 0) + 1,
    s: schools,
  };
}

const COUNTY_META = new Set(['pk', 'sk', 'entity', 'version']);
function countersOfCounty(item: Record<string, unknown> | undefined): Counters {
  const out: Counters = {};
  for (const [k, v] of Object.entries(item ?? {})) if (!COUNTY_META.has(k) && typeof v === 'number' && v) out[k] = v;
  return out;
}

// --- recount, rebuild, reconcile -------------------------------------------------------------------------------

/** The full aggregates of a set of source items (what the stream would have built from nothing). */
export function recount(items: readonly Record<string, unknown>[]): AggregateDelta {
  const all: Contribution[] = [];
  for (const item of items) all.push(...contributionsOf(item));
  return deltaOf([], all);
}

/**
 * The township and county items of a recount, each at the next version of the stored one (`existing`, keyed
 * `pk|sk`), ready to put.
 */
export function aggregateItems(
  full: AggregateDelta,
  existing: ReadonlyMap<string, Record<string, unknown>> = new Map(),
): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (const [bucket, t] of full.townships)
    for (const [townshipId, schools] of t) {
      const key = aggregateKeys.township(bucket, townshipId);
      items.push(townshipItem(bucket, townshipId, Object.fromEntries(schools), existing.get(`${key.pk}|${key.sk}`)));
    }
  for (const [bucket, counters] of full.county) {
    const key = aggregateKeys.county(bucket);
    const stored = existing.get(`${key.pk}|${key.sk}`);
    items.push({ ...key, entity: 'AGG', version: Number(stored?.version ?? 0) + 1, ...counters });
  }
  return items;
}

export interface RebuildResult {
  sources: number;
  townshipItems: number;
  countyItems: number;
  guards: number;
  removed: number;
}

async function writeBatches(doc: DynamoDBDocumentClient, tableName: string, requests: Record<string, unknown>[]) {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  await runLimited(chunks, 8, async (chunk) => {
    let pending = chunk;
    while (pending.length > 0) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  });
}

/**
 * Recomputes every aggregate item from the source items (one Scan of the table): township and county items are
 * replaced (a township item's version moves on, so a consumer holding an older copy reads again), every source's
 * guard is set to its current version, and aggregate items or guards nothing backs any more are deleted.
 * Run it while nothing writes (or accept that a change in flight is counted by its stream record afterwards only
 * when its version is newer than the one the Scan saw).
 */
export async function rebuildAggregates(doc: DynamoDBDocumentClient, tableName: string): Promise<RebuildResult> {
  const sources: Record<string, unknown>[] = [];
  const existing = new Map<string, Record<string, unknown>>();
  for await (const page of scanPages(doc, { TableName: tableName }))
    for (const item of page.Items ?? []) {
      const pk = String(item.pk);
      if (pk.startsWith('AGG#') || pk.startsWith('AGGSRC#')) existing.set(`${pk}|${item.sk}`, item);
      else if (AGGREGATED_ENTITIES.includes(item.entity as never)) sources.push(item);
    }

  const puts = aggregateItems(recount(sources), existing);
  const countyItems = puts.filter((p) => p.sk === 'C').length;
  const keep = new Set(puts.map((p) => `${p.pk}|${p.sk}`));
  for (const s of sources) {
    const key = aggregateKeys.guard(String(s.pk), String(s.sk));
    keep.add(`${key.pk}|${key.sk}`);
    puts.push({ ...key, entity: 'AGGSRC', applied: Number(s.version ?? 0), gone: false });
  }
  const deletes = [...existing.entries()]
    .filter(([k]) => !keep.has(k))
    .map(([, item]) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
  await writeBatches(doc, tableName, [...puts.map((Item) => ({ PutRequest: { Item } })), ...deletes]);
  return {
    sources: sources.length,
    townshipItems: puts.length - countyItems - sources.length,
    countyItems,
    guards: sources.length,
    removed: deletes.length,
  };
}

/** One school's stored counters of one bucket that differ from a recount of its items. */
export interface AggregateMismatch {
  schoolId: string;
  bucket: string;
  stored: Counters;
  recounted: Counters;
}

/** The source items of one school: owner-index items (slots, cases, visits, campaigns) and its cases' notices. */
async function schoolSources(doc: DynamoDBDocumentClient, tableName: string, schoolId: string) {
  const owned = await queryAll(doc, {
    TableName: tableName,
    IndexName: TABLE.ownerIndex.name,
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': `SCHOOL#${schoolId}` },
  });
  const items = owned.filter((i) => AGGREGATED_ENTITIES.includes(i.entity as never) && i.schoolId === schoolId);
  for (const c of items.filter((i) => i.entity === 'CASE')) {
    const notices = await queryAll(doc, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :n)',
      ExpressionAttributeValues: { ':pk': `CASE#${String(c.id)}`, ':n': 'NOTICE#' },
    });
    items.push(...notices.filter((n) => n.entity === 'NOTICE'));
  }
  return items;
}

const sameCounters = (a: Counters, b: Counters) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
};

/**
 * Recounts the given schools from their source items and compares every bucket the recount gives them (plus the
 * all-time bucket) with the stored township items. Costs a few requests per school: reconcile runs it on a sample.
 */
export async function compareSchoolAggregates(
  doc: DynamoDBDocumentClient,
  tableName: string,
  store: AggregateReader,
  schools: readonly { id: string; townshipId: string }[],
): Promise<AggregateMismatch[]> {
  const mismatches: AggregateMismatch[] = [];
  for (const school of schools) {
    const expected = recount(await schoolSources(doc, tableName, school.id));
    const buckets = new Set<string>([ALL_BUCKET, ...expected.townships.keys()]);
    const townships = new Set<string>([school.townshipId]);
    for (const t of expected.townships.values()) for (const id of t.keys()) townships.add(id);
    const stored = await store.read([...buckets], [...townships]);
    for (const bucket of buckets) {
      const sum = (snap: Map<string, Map<string, Counters>> | undefined) => {
        const out: Counters = {};
        for (const t of snap?.values() ?? []) addCounters(out, t.get(school.id) ?? {});
        return out;
      };
      const recounted = sum(expected.townships.get(bucket));
      const have = sum(stored.get(bucket));
      if (!sameCounters(recounted, have)) mismatches.push({ schoolId: school.id, bucket, stored: have, recounted });
    }
  }
  return mismatches;
}
