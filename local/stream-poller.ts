import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as SdkRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Log } from '../shared/domain/ports.ts';
import { type FilterPattern, matchesAnyFilter } from './filter-criteria.ts';
import { appendJsonLine, type JsonState } from './state-file.ts';

/** Per function, per shard: the sequence number of the last record handled (or skipped by the filter). */
export type Checkpoints = Record<string, Record<string, string>>;

export interface StreamPollerOptions {
  functionName: string;
  streams: DynamoDBStreamsClient;
  streamArn: string;
  region: string;
  filters: FilterPattern[];
  batchSize: number;
  /** Retries of a failing record before it goes to the on-failure log (Lambda's MaximumRetryAttempts). */
  maxRetries: number;
  /** Records older than this (real time since written) go to the on-failure log; -1 = no limit. */
  maxRecordAgeSeconds: number;
  invoke(event: DynamoDBStreamEvent): Promise<unknown>;
  checkpoints: JsonState<Checkpoints>;
  /** The on-failure destination: one JSON line per record given up on. */
  onFailurePath?: string;
  log: Log;
  /** Real-time pause before retrying a failed record: base × 2^(attempt-1), capped at 2 s. */
  retryBaseMs?: number;
}

interface ShardState {
  shard: Shard;
  iterator?: string;
  buffer: DynamoDBRecord[];
  /** No more records will ever come (closed shard read to its end). */
  done: boolean;
}

export interface PollerStats {
  invocations: number;
  recordsDelivered: number;
  recordsFiltered: number;
  retries: number;
  gaveUp: number;
}

/**
 * One event source mapping: reads the table's stream shard by shard (parents before children), drops
 * records the FilterCriteria reject, invokes the handler with Lambda-shaped batches of up to `batchSize`
 * and honours `batchItemFailures`: the batch is checkpointed up to the first failed record, which is
 * retried (with the records after it) until `maxRetries`, then written to the on-failure log and passed.
 */
export class StreamPoller {
  private readonly shards = new Map<string, ShardState>();
  private readonly attempts = new Map<string, number>();
  private retryNotBefore = 0;
  private lastRefresh = 0;
  /** Shards read to their end so far. */
  private finished = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private ticker: NodeJS.Timeout | undefined;
  private running = false;
  readonly stats: PollerStats = { invocations: 0, recordsDelivered: 0, recordsFiltered: 0, retries: 0, gaveUp: 0 };

  constructor(private readonly options: StreamPollerOptions) {}

  get functionName(): string {
    return this.options.functionName;
  }

  /** One pass over the shards; resolves to how many records were consumed or retried. Calls are serialized. */
  pollOnce(): Promise<number> {
    const run = this.chain.then(() => this.pass());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Polls until a pass finds nothing new (waiting out retry back-offs), so the stream is quiet for this consumer. */
  async drain(maxPasses = 10_000): Promise<number> {
    let total = 0;
    // A new shard only appears as the child of one that closed, and reading a closed shard to its end (`finish`)
    // already forces the next pass to list the shards again; so a drain lists them only while it knows none. (It
    // used to list them on every drain: one DescribeStream per consumer per settle, a fifth of the local runtime's
    // requests on a virtual week.)
    if (this.shards.size === 0) this.lastRefresh = 0;
    for (let i = 0; i < maxPasses; i++) {
      const wait = this.retryNotBefore - Date.now();
      if (wait > 0) await sleep(wait);
      const n = await this.pollOnce();
      total += n;
      if (n === 0) return total;
    }
    throw new Error(`stream consumer ${this.functionName} did not settle after ${maxPasses} passes`);
  }

  /** Polls every `intervalMs` of real time until stopped. */
  start(intervalMs = 100): void {
    if (this.running) return;
    this.running = true;
    const loop = async () => {
      if (!this.running) return;
      try {
        const n = Date.now() >= this.retryNotBefore ? await this.pollOnce() : 0;
        if (this.running) this.ticker = setTimeout(loop, n > 0 ? 0 : intervalMs);
      } catch (error) {
        this.options.log.error('stream poll failed', { function: this.functionName, error: String(error) });
        if (this.running) this.ticker = setTimeout(loop, 1000);
      }
    };
    this.ticker = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.ticker) clearTimeout(this.ticker);
    await this.chain;
  }

  private async pass(): Promise<number> {
    await this.refreshShards();
    const finishedBefore = this.finished;
    let consumed = 0;
    for (const state of this.orderedShards()) {
      if (state.done) continue;
      const parent = state.shard.ParentShardId ? this.shards.get(state.shard.ParentShardId) : undefined;
      if (parent && !parent.done) continue; // a child waits until its parent is read to the end
      if (state.buffer.length === 0) await this.fill(state);
      consumed += await this.processBuffer(state);
    }
    // A shard read to its end counts as work: the drain passes once more, and that pass finds its children.
    return consumed + (this.finished - finishedBefore);
  }

  private async refreshShards(): Promise<void> {
    if (Date.now() - this.lastRefresh < 1000) return;
    this.lastRefresh = Date.now();
    let start: string | undefined;
    do {
      const out = await this.options.streams.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        if (shard.ShardId && !this.shards.has(shard.ShardId)) {
          this.shards.set(shard.ShardId, { shard, buffer: [], done: false });
        }
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  private orderedShards(): ShardState[] {
    return [...this.shards.values()].sort((a, b) =>
      (a.shard.SequenceNumberRange?.StartingSequenceNumber ?? '').localeCompare(
        b.shard.SequenceNumberRange?.StartingSequenceNumber ?? '',
        undefined,
        { numeric: true },
      ),
    );
  }

  private checkpointOf(shardId: string): string | undefined {
    return this.options.checkpoints.get()[this.functionName]?.[shardId];
  }

  private saveCheckpoint(shardId: string, sequenceNumber: string): void {
    this.options.checkpoints.update((c) => {
      c[this.functionName] ??= {};
      c[this.functionName]![shardId] = sequenceNumber;
    });
  }

  private async fill(state: ShardState): Promise<void> {
    const shardId = state.shard.ShardId!;
    if (!state.iterator) {
      const checkpoint = this.checkpointOf(shardId);
      const out = await this.options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.options.streamArn,
          ShardId: shardId,
          ...(checkpoint
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      state.iterator = out.ShardIterator;
      if (!state.iterator) {
        this.finish(state);
        return;
      }
    }
    try {
      const out = await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }),
      );
      state.iterator = out.NextShardIterator;
      for (const r of out.Records ?? []) {
        const record = toLambdaRecord(r, this.options.streamArn, this.options.region);
        state.buffer.push(record);
      }
      if (!state.iterator && state.buffer.length === 0) this.finish(state);
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException') {
        state.iterator = undefined; // re-open from the checkpoint on the next pass
        return;
      }
      throw error;
    }
  }

  /** A closed shard read to its end: its children may start, so look for them on the next pass. */
  private finish(state: ShardState): void {
    state.done = true;
    this.finished++;
    this.lastRefresh = 0;
  }

  /** Delivers the buffered records in batches; stops at a failure (it is retried on a later pass). */
  private async processBuffer(state: ShardState): Promise<number> {
    const shardId = state.shard.ShardId!;
    let consumed = 0;
    while (state.buffer.length > 0) {
      // Take up to batchSize matching records; filtered ones are consumed without an invocation.
      const batch: DynamoDBRecord[] = [];
      let scanned = 0;
      for (const record of state.buffer) {
        if (batch.length >= this.options.batchSize) break;
        scanned++;
        if (matchesAnyFilter(this.options.filters, record)) {
          if (this.tooOld(record)) this.giveUp(record, 'record older than maxRecordAgeSeconds');
          else batch.push(record);
        } else this.stats.recordsFiltered++;
      }
      if (batch.length === 0) {
        const last = state.buffer[scanned - 1]!;
        state.buffer.splice(0, scanned);
        this.saveCheckpoint(shardId, last.dynamodb!.SequenceNumber!);
        consumed += scanned;
        continue;
      }
      const failedAt = await this.invokeBatch(batch);
      if (failedAt === -1) {
        const last = state.buffer[scanned - 1]!;
        state.buffer.splice(0, scanned);
        this.saveCheckpoint(shardId, last.dynamodb!.SequenceNumber!);
        consumed += scanned;
        for (const r of batch) this.attempts.delete(r.dynamodb!.SequenceNumber!);
        continue;
      }
      // Checkpoint everything before the first failed record; the failed one and those after it come again.
      const failed = batch[failedAt]!;
      const failedSeq = failed.dynamodb!.SequenceNumber!;
      const failedIndex = state.buffer.indexOf(failed);
      if (failedIndex > 0) {
        this.saveCheckpoint(shardId, state.buffer[failedIndex - 1]!.dynamodb!.SequenceNumber!);
        state.buffer.splice(0, failedIndex);
        consumed += failedIndex;
      }
      const attempts = (this.attempts.get(failedSeq) ?? 0) + 1;
      this.attempts.set(failedSeq, attempts);
      if (attempts > this.options.maxRetries) {
        this.giveUp(failed, `failed ${attempts} times (maxRetries ${this.options.maxRetries})`);
        this.attempts.delete(failedSeq);
        state.buffer.shift();
        this.saveCheckpoint(shardId, failedSeq);
        consumed += 1;
        continue;
      }
      this.stats.retries++;
      this.retryNotBefore = Date.now() + Math.min((this.options.retryBaseMs ?? 50) * 2 ** (attempts - 1), 2000);
      return consumed + 1;
    }
    return consumed;
  }

  /** Invokes the handler; returns the index in the batch of the first failed record, or -1. */
  private async invokeBatch(batch: DynamoDBRecord[]): Promise<number> {
    this.stats.invocations++;
    this.stats.recordsDelivered += batch.length;
    let result: unknown;
    try {
      result = await this.options.invoke({ Records: batch });
    } catch (error) {
      this.options.log.error('stream handler threw; the whole batch is retried', {
        function: this.functionName,
        error: String(error),
      });
      return 0;
    }
    const failures = (result as { batchItemFailures?: { itemIdentifier?: string }[] } | undefined)?.batchItemFailures;
    if (!failures || failures.length === 0) return -1;
    let first = Number.POSITIVE_INFINITY;
    for (const f of failures) {
      const index = batch.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier);
      // Like Lambda: an empty or unknown identifier fails the whole batch.
      if (!f.itemIdentifier || index === -1) return 0;
      first = Math.min(first, index);
    }
    return first;
  }

  private tooOld(record: DynamoDBRecord): boolean {
    const limit = this.options.maxRecordAgeSeconds;
    const created = record.dynamodb?.ApproximateCreationDateTime;
    return limit >= 0 && created !== undefined && Date.now() / 1000 - created > limit;
  }

  private giveUp(record: DynamoDBRecord, reason: string): void {
    this.stats.gaveUp++;
    this.options.log.error('stream record sent to the on-failure log', {
      function: this.functionName,
      sequenceNumber: record.dynamodb?.SequenceNumber,
      reason,
    });
    if (this.options.onFailurePath) {
      appendJsonLine(this.options.onFailurePath, {
        function: this.functionName,
        reason,
        at: new Date().toISOString(),
        record,
      });
    }
  }
}

/** An SDK stream record in the shape Lambda delivers (times in epoch seconds, binary as base64). */
export function toLambdaRecord(r: SdkRecord, streamArn: string, region: string): DynamoDBRecord {
  const d = r.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  return {
    eventID: r.eventID,
    eventName: r.eventName as DynamoDBRecord['eventName'],
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: r.awsRegion ?? region,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      ...(d.Keys ? { Keys: plain(d.Keys) } : {}),
      ...(d.NewImage ? { NewImage: plain(d.NewImage) } : {}),
      ...(d.OldImage ? { OldImage: plain(d.OldImage) } : {}),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as NonNullable<DynamoDBRecord['dynamodb']>['StreamViewType'],
    },
    eventSourceARN: streamArn,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: attribute maps are converted structurally
function plain(value: any): any {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== '$unknown')
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
