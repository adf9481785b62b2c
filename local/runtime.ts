import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '../functions/deps.ts';
import { deployedSpecs, type FunctionSpec, functionSpecs, logGroupName } from '../functions/manifest.ts';
import { createDocumentClient, localClientConfig } from '../shared/adapters/dynamo/client.ts';
import { DynamoDeliveryReceipts } from '../shared/adapters/dynamo/delivery-receipts.ts';
import { DynamoDirectoryRepository } from '../shared/adapters/dynamo/directory-repository.ts';
import { memoryMetrics } from '../shared/adapters/emf-metrics.ts';
import { FileIdHashKey } from '../shared/adapters/secrets/id-hash-key.ts';
import type { AppConfig } from '../shared/config/app-config.ts';
import { loadConfigFile } from '../shared/config/load-config.ts';
import { aliyunReceipts, tencentReceipts } from '../shared/domain/delivery.ts';
import { newId } from '../shared/domain/ids.ts';
import type { Log, SmsSender, TimerScheduler } from '../shared/domain/ports.ts';
import { redact } from '../shared/domain/privacy.ts';
import { recordReceipts } from '../shared/use-cases/record-receipts.ts';
import { awslogsEvent } from './awslogs.ts';
import {
  CorruptDataError,
  type DynamoDbLocal,
  ensureTable,
  startDynamoDbLocal,
  stopLeftoverDynamoDbLocal,
} from './dynamodb-local.ts';
import { invokeWithTimeout, type LambdaHandler, loadHandler } from './function-host.ts';
import { defaultStateDir, removeRuntimeInfo, writeRuntimeInfo } from './runtime-file.ts';
import { type CronSchedule, type ScheduledEvent, SchedulerEmulator } from './scheduler-emulator.ts';
import type { ProviderFake } from './sms-provider-fake.ts';
import { LOCAL_HOOK_TOKEN, type LocalSmsMode, startLocalProvider } from './sms-provider-local.ts';
import { SmsSink, StoredNames } from './sms-sink.ts';
import { appendJsonLine, JsonState } from './state-file.ts';
import { type Checkpoints, StreamPoller } from './stream-poller.ts';
import { VirtualClock } from './virtual-clock.ts';

export const LOCAL_REGION = 'cn-local-1';
export const DEFAULT_TABLE = 'baoxue-local';
/** The account id the local runtime's log groups carry (`sns/cn-local-1/000000000000/…`). */
export const LOCAL_ACCOUNT = '000000000000';
/** Where a run records its DynamoDB Local JVM (in the run's folder), so the next start can stop a leftover. */
export const DYNAMODB_PID_FILE = 'dynamodb.pid';

export interface RuntimeOptions {
  /** Home of the runtime's files (default: the repository's `.local/`). */
  stateDir?: string;
  /** DynamoDB Local in memory, timers and checkpoints in memory: a throwaway run. */
  memory?: boolean;
  /** DynamoDB Local port (default: a free one). */
  port?: number;
  /** Use this already running DynamoDB (Local) instead of starting one; it is left running on stop. */
  endpoint?: string;
  tableName?: string;
  /** Virtual clock start (default: where the last virtual run stopped, else real time) and speed (default 1). */
  start?: Date;
  speed?: number;
  /** The functions to run (default: the manifest). */
  specs?: FunctionSpec[];
  /** How a function's handler is built (default: `create<Name>Handler(deps)` from functions/<name>/index.ts). */
  handlerFactory?: (spec: FunctionSpec, deps: Deps) => Promise<LambdaHandler>;
  config?: AppConfig;
  /** `sink` (default): the SMS sink is the provider; `tencent`/`aliyun`: the real adapter against a local fake. */
  sms?: LocalSmsMode;
  /** Console lines (SMS sink, runtime notices); default console.log. */
  print?: (line: string) => void;
  /** Handler log lines go to `<stateDir>/runtime.log`; with this, warnings and errors also to the console. */
  echoWarnings?: boolean;
  /** Import the demo directory when the table is empty (default true). */
  importDirectory?: boolean;
  /** Poll streams and tick the scheduler on their own in real time (default true). Off: only settle/advance move things. */
  background?: boolean;
  pollIntervalMs?: number;
  /** Publish `<stateDir>/runtime.json` for the CLI (default true). */
  publish?: boolean;
}

export interface LocalRuntime {
  clock: VirtualClock;
  endpoint: string;
  tableName: string;
  doc: DynamoDBDocumentClient;
  sink: SmsSink;
  /** The manifest's webhook routes (path → its function), for the local API server to serve as the cloud's does. */
  webhooks: Record<
    string,
    (event: { body: string; queryStringParameters: Record<string, string> }) => Promise<unknown>
  >;
  /** The local fake of the provider's API when started with `sms: 'tencent' | 'aliyun'`. */
  providerFake?: ProviderFake;
  /**
   * Applies the pending delivery receipts to the outbox (settle does it too): the fake's, or with the sink standing
   * in for SNS its delivery-status log entries through the sms-status-logs function. `minAgeMs`: leave entries of
   * sends younger than that (real time), which the dispatcher may not have marked SENT yet.
   */
  pullReceipts(options?: { minAgeMs?: number }): Promise<{ recorded: number; duplicate: number; unknown: number }>;
  /** Whether the run has a receipt path to pump (a provider fake, or the SNS status logs). */
  hasReceipts: boolean;
  scheduler: SchedulerEmulator;
  pollers: StreamPoller[];
  specs: FunctionSpec[];
  config: AppConfig;
  stateDir: string;
  /** Deps as a function with all access sees them (the demo and CLI call use cases with these). */
  deps: Deps;
  /** Invokes a function by name, like `aws lambda invoke`. */
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** Runs until nothing is left to do now: streams drained, due timers and schedules fired. */
  settle(): Promise<void>;
  /** Moves virtual time forward by `ms`, stopping at every due timer and schedule on the way. */
  advance(ms: number, options?: AdvanceOptions): Promise<void>;
  /** Like advance, to an instant. */
  advanceTo(instant: Date, options?: AdvanceOptions): Promise<void>;
  stop(): Promise<void>;
}

export interface AdvanceOptions {
  /** Cron occurrences closer together than this are fired once per step (default 0: every occurrence). */
  cronResolutionMs?: number;
  /** Called after each stop on the way. */
  onStep?: (now: Date) => void | Promise<void>;
}

/** A failure the operator can act on: printed as is (Chinese, then English), exit code 1. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * The manifest's recurring schedules for the scheduler emulator: each fires its function with the ScheduledEvent,
 * plus the trigger's `task` when it names one (as the stack's schedule Input does).
 */
export function cronSchedules(
  specs: readonly FunctionSpec[],
  invoke: (functionName: string, event: unknown) => Promise<unknown>,
): CronSchedule[] {
  return specs.flatMap((spec) =>
    spec.triggers.flatMap((t, i) =>
      t.kind === 'schedule'
        ? [
            {
              id: `${spec.name}#${i}`,
              expression: t.cron,
              timezone: t.timezone,
              invoke: (e: ScheduledEvent) => invoke(spec.name, t.task ? { ...e, task: t.task } : e),
            },
          ]
        : [],
    ),
  );
}

/**
 * Starts the whole system on this machine: DynamoDB Local, the table, the demo directory, and every
 * function of the manifest behind local triggers (stream pollers, the scheduler emulator) with local
 * deps (SMS sink, virtual clock).
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<LocalRuntime> {
  const stateDir = options.stateDir ?? defaultStateDir;
  const memory = options.memory ?? false;
  const print = options.print ?? ((line: string) => console.log(line));
  const tableName = options.tableName ?? DEFAULT_TABLE;
  // As a stage on that provider deploys them: the sink counts as SNS (its status logs, no receipt pull).
  const smsKind = options.sms === 'tencent' || options.sms === 'aliyun' ? options.sms : 'sns';
  const specs = deployedSpecs(options.specs ?? functionSpecs, smsKind);
  const baseConfig = options.config ?? loadConfigFile();
  mkdirSync(stateDir, { recursive: true });
  // Files of a throwaway run go to their own folder, emptied at start, so they never mix with a kept run's.
  const runDir = memory ? join(stateDir, 'memory-run') : stateDir;
  // A JVM a killed run (SIGKILL: no exit hook) left behind is found through its pid file and stopped, kept or
  // throwaway alike, before the throwaway folder (which holds one of the pid files) is emptied.
  if (!options.endpoint) {
    for (const pidFile of [join(stateDir, DYNAMODB_PID_FILE), join(stateDir, 'memory-run', DYNAMODB_PID_FILE)]) {
      const stopped = await stopLeftoverDynamoDbLocal(pidFile);
      if (stopped !== undefined) {
        print(
          `已停止上次运行遗留的 DynamoDB Local（进程 ${stopped}）/ stopped the DynamoDB Local a previous run left behind (pid ${stopped})`,
        );
      }
    }
  }
  if (memory) rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const persist = (file: string) => (memory ? undefined : join(stateDir, file));

  if (options.port !== undefined && !options.endpoint) await assertPortFree(options.port);
  const dataDir = memory || options.endpoint ? undefined : join(stateDir, 'dynamodb');
  if (dataDir) assertDataDirUsable(dataDir);

  const savedClock = new JsonState<{ virtualMs?: number; speed?: number }>(persist('clock.json'), () => ({}), 'clock');
  const clock = new VirtualClock({
    start: options.start ?? (savedClock.get().virtualMs ? new Date(savedClock.get().virtualMs!) : undefined),
    speed: options.speed ?? savedClock.get().speed ?? 1,
  });

  let db: DynamoDbLocal | undefined;
  let endpoint = options.endpoint ?? '';
  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  };
  try {
    if (!options.endpoint) {
      try {
        db = await startDynamoDbLocal({
          ...(options.port ? { port: options.port } : {}),
          ...(dataDir ? { dataDir } : {}),
          pidFile: join(runDir, DYNAMODB_PID_FILE),
        });
      } catch (error) {
        throw explainDynamoFailure(error as Error, dataDir);
      }
      const dbHandle = db;
      cleanups.push(() => dbHandle.stop());
      endpoint = db.endpoint;
    }
    try {
      await ensureTable(endpoint, tableName);
    } catch (error) {
      throw explainDynamoFailure(error as Error, dataDir);
    }
    const doc = createDocumentClient(localClientConfig(endpoint));
    const raw = new DynamoDBClient(localClientConfig(endpoint));
    const streams = new DynamoDBStreamsClient(localClientConfig(endpoint));
    cleanups.push(() => {
      doc.destroy();
      raw.destroy();
      streams.destroy();
    });

    const handlerLog = fileLog(join(runDir, 'runtime.log'), clock, options.echoWarnings ? print : undefined);
    // The console masks names read from the table at each send: the same after a restart on this state dir.
    const names = new StoredNames(doc, tableName);
    const provider =
      options.sms && options.sms !== 'sink' ? await startLocalProvider(options.sms, baseConfig, clock) : undefined;
    if (provider) {
      cleanups.push(() => provider.fake.close());
      print(`短信：${options.sms} 适配器 → 本地模拟接口 http://${provider.fake.endpoint}`);
    }
    const config = provider?.config ?? baseConfig;
    // The sink stands in for SNS: its delivery-status logs go to the function subscribed to them, as in the cloud.
    const statusLogSpec = provider
      ? undefined
      : specs.find((s) => s.triggers.some((t) => t.kind === 'log-subscription'));
    const sink = new SmsSink({
      statusLogs: statusLogSpec !== undefined,
      clock,
      outboxPath: join(runDir, 'sms-outbox.jsonl'),
      names,
      print,
      ...(provider ? { forwardTo: provider.sender } : {}),
    });

    const handlers = new Map<string, { spec: FunctionSpec; handler: LambdaHandler }>();
    const invoke = async (functionName: string, event: unknown) => {
      const h = handlers.get(functionName);
      if (!h) throw new Error(`no function named ${functionName} in the manifest`);
      return invokeWithTimeout(h.spec, h.handler, event, LOCAL_REGION);
    };

    const timerTarget = specs.find((s) => s.triggers.some((t) => t.kind === 'timer-target'));
    const scheduler = new SchedulerEmulator({
      clock,
      log: handlerLog('scheduler'),
      statePath: persist('schedules.json'),
      deadLetterPath: join(runDir, 'dead-letter', 'scheduler.jsonl'),
      ...(timerTarget ? { timerTarget: (payload) => invoke(timerTarget.name, payload) } : {}),
      crons: cronSchedules(specs, invoke),
    });
    cleanups.push(() => scheduler.stop());

    // Counts stay in memory locally (the cloud writes CloudWatch EMF lines).
    const metrics = memoryMetrics();
    const allAccessDeps: Deps = {
      doc,
      tableName,
      sms: sink,
      timers: scheduler,
      clock,
      newId,
      log: handlerLog('operator'),
      metrics,
      config,
      // The CLI's default key file for this data folder: a roll uploaded in the console hashes like one imported by CLI.
      idKey: new FileIdHashKey(join(stateDir, 'roll-id.key')),
    };
    for (const spec of specs) {
      const deps: Deps = {
        ...allAccessDeps,
        sms: spec.access.includes('sms') ? sink : denied<SmsSender>(spec.name, 'sms'),
        timers: spec.access.includes('scheduler') ? scheduler : denied<TimerScheduler>(spec.name, 'scheduler'),
        // Tencent: the real adapter's PullSmsSendStatus against the fake, as in the cloud; nothing to pull otherwise.
        ...(spec.access.includes('sms-receipts')
          ? {
              receipts: {
                pull: async (limit: number) =>
                  provider && options.sms === 'tencent' ? provider.sender.pullReceipts(limit) : [],
              },
            }
          : {}),
        ...(spec.access.includes('sms-webhook') ? { hookToken: async () => LOCAL_HOOK_TOKEN } : {}),
        log: handlerLog(spec.name),
      };
      const factory = options.handlerFactory ?? loadHandler;
      handlers.set(spec.name, { spec, handler: await factory(spec, deps) });
    }

    const described = await raw.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = described.Table?.LatestStreamArn;
    if (!streamArn) throw new StartupError(`表 ${tableName} 没有开启 Stream / the table has no stream`);
    const checkpoints = new JsonState<Checkpoints>(
      persist('stream-checkpoints.json'),
      () => ({}),
      'stream checkpoints',
    );
    const pollers = specs.flatMap((spec) =>
      spec.triggers.flatMap((t) =>
        t.kind === 'stream'
          ? [
              new StreamPoller({
                functionName: spec.name,
                streams,
                streamArn,
                region: LOCAL_REGION,
                filters: t.filters,
                batchSize: t.batchSize,
                maxRetries: t.maxRetries,
                maxRecordAgeSeconds: t.maxRecordAgeSeconds,
                invoke: (event) => invoke(spec.name, event),
                checkpoints,
                onFailurePath: join(runDir, 'on-failure', `${spec.name}.jsonl`),
                log: handlerLog(`${spec.name}/stream`),
              }),
            ]
          : [],
      ),
    );
    cleanups.push(async () => {
      for (const p of pollers) await p.stop();
    });

    if (options.importDirectory ?? true) await importDirectoryIfEmpty(doc, tableName, clock, print);

    const publish = () => {
      savedClock.set({ virtualMs: clock.nowMs(), speed: clock.speed });
      if (options.publish ?? true) {
        writeRuntimeInfo(stateDir, {
          endpoint,
          tableName,
          region: LOCAL_REGION,
          pid: process.pid,
          startedAt: new Date().toISOString(),
          stateDir,
          memory,
          clock: { virtualMs: clock.nowMs(), realMs: Date.now(), speed: clock.speed },
          smsOutbox: join(runDir, 'sms-outbox.jsonl'),
        });
      }
    };
    publish();
    const unsubscribe = clock.onJump(publish);
    cleanups.push(() => {
      unsubscribe();
      savedClock.set({ virtualMs: clock.nowMs(), speed: clock.speed });
      if (options.publish ?? true) removeRuntimeInfo(stateDir);
    });

    // With a provider fake: Tencent's receipts are pulled by the sms-receipts function (its 5-minute schedule, and
    // here on every settle) through the real SDK; Alibaba's SmsReport body (a push: its callback route is not built)
    // is applied to the outbox's delivery records directly.
    const receiptStore = new DynamoDeliveryReceipts(doc, tableName);
    const pullReceipts = async (opts: { minAgeMs?: number } = {}) => {
      if (!provider) return statusLogSpec ? feedStatusLogs(statusLogSpec, opts.minAgeMs ?? 0) : none();
      if (options.sms === 'tencent' && handlers.has('sms-receipts'))
        return (await invoke('sms-receipts', {})) as { recorded: number; duplicate: number; unknown: number };
      const raw = provider.fake.takeReceipts();
      // Alibaba pushes its SmsReport: through the same webhook function the cloud routes it to, token and all.
      if (options.sms === 'aliyun' && handlers.has('sms-receipt-hook') && raw.length > 0) {
        const out = (await invoke('sms-receipt-hook', {
          body: JSON.stringify(raw),
          queryStringParameters: { token: LOCAL_HOOK_TOKEN },
        })) as { statusCode: number };
        if (out.statusCode !== 200) throw new Error(`local receipt hook answered ${out.statusCode}`);
        return { recorded: raw.length, duplicate: 0, unknown: 0 };
      }
      if (raw.length === 0) return { recorded: 0, duplicate: 0, unknown: 0 };
      const parsed = options.sms === 'tencent' ? tencentReceipts(raw, clock.now()) : aliyunReceipts(raw);
      return recordReceipts({ receipts: receiptStore, clock, log: handlerLog('sms-receipts') }, parsed);
    };

    const none = () => ({ recorded: 0, duplicate: 0, unknown: 0 });
    /** The sink's SNS delivery-status entries as the cloud's subscription delivers them: one awslogs event per group. */
    const feedStatusLogs = async (spec: FunctionSpec, minAgeMs: number) => {
      const total = none();
      const entries = sink.takeStatusEntries(minAgeMs);
      const trigger = spec.triggers.find((t) => t.kind === 'log-subscription');
      if (trigger?.kind !== 'log-subscription' || entries.length === 0) return total;
      for (const group of ['success', 'failure'] as const) {
        const events = entries.filter((e) => e.group === group);
        if (events.length === 0) continue;
        const pattern = trigger.logGroups.find((g) => g.endsWith('/Failure') === (group === 'failure'));
        if (!pattern) continue;
        const out = (await invoke(
          spec.name,
          awslogsEvent({
            owner: LOCAL_ACCOUNT,
            logGroup: logGroupName(pattern, LOCAL_REGION, LOCAL_ACCOUNT),
            logStream: newId(),
            subscriptionFilter: `${spec.name}-local`,
            events: events.map((e) => ({ id: newId(), timestamp: e.timestamp, message: e.message })),
          }),
        )) as { recorded: number; duplicate: number; unknown: number };
        total.recorded += out.recorded;
        total.duplicate += out.duplicate;
        total.unknown += out.unknown;
      }
      return total;
    };

    const settle = async () => {
      for (let round = 0; round < 10_000; round++) {
        let work = 0;
        for (const p of pollers) work += await p.drain();
        work += await scheduler.runDue();
        work += (await pullReceipts()).recorded;
        if (work === 0) return;
      }
      throw new Error('the runtime did not settle (a reaction keeps producing work)');
    };

    const advanceTo = async (instant: Date, opts: AdvanceOptions = {}) => {
      const target = instant.getTime();
      await settle();
      let lastStep = clock.nowMs();
      for (;;) {
        // Coalesced cron steps fall on whole multiples of the resolution (CST is UTC+8, so 15/30/60-minute
        // boundaries are the same in both), keeping them aligned with the ladders' :00/:30 times.
        const res = opts.cronResolutionMs ?? 0;
        const next = scheduler.nextDueAt({ cronNotBefore: res > 0 ? Math.ceil((lastStep + 1) / res) * res : 0 });
        if (!next || next.getTime() > target) break;
        clock.set(Math.max(next.getTime(), clock.nowMs()));
        lastStep = clock.nowMs();
        await settle();
        await opts.onStep?.(clock.now());
      }
      if (target > clock.nowMs()) clock.set(target);
      await settle();
    };

    if (options.background ?? true) {
      for (const p of pollers) p.start(options.pollIntervalMs ?? 100);
      scheduler.start(options.pollIntervalMs ?? 100);
    }

    return {
      clock,
      endpoint,
      tableName,
      doc,
      sink,
      ...(provider ? { providerFake: provider.fake } : {}),
      pullReceipts,
      hasReceipts: provider !== undefined || statusLogSpec !== undefined,
      scheduler,
      pollers,
      specs,
      config,
      stateDir,
      deps: allAccessDeps,
      webhooks: Object.fromEntries(
        specs.flatMap((spec) =>
          spec.triggers.flatMap((t) =>
            t.kind === 'webhook' ? [[t.path, (event: unknown) => invoke(spec.name, event)] as const] : [],
          ),
        ),
      ),
      invoke,
      settle,
      advanceTo,
      advance: (ms, opts) => advanceTo(new Date(clock.nowMs() + ms), opts),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A port a function was not granted: fails loudly, as the cloud function would without the IAM grant. */
function denied<T extends object>(functionName: string, access: string): T {
  return new Proxy({} as T, {
    get: (_t, prop) =>
      prop === 'then'
        ? undefined
        : () => Promise.reject(new Error(`${functionName} has no "${access}" access in functions/manifest.ts`)),
  });
}

/** Handler logs as redacted JSON lines in a file; warnings and errors optionally echoed. */
function fileLog(path: string, clock: VirtualClock, echo?: (line: string) => void): (source: string) => Log {
  return (source) => {
    const write = (level: string, message: string, fields?: Record<string, unknown>) => {
      appendJsonLine(path, {
        at: clock.now().toISOString(),
        level,
        source,
        message,
        ...(fields ? { fields: redact(fields) } : {}),
      });
      if (echo && level !== 'info') echo(`⚠️  [${source}] ${message} ${fields ? JSON.stringify(redact(fields)) : ''}`);
    };
    return {
      info: (m, f) => write('info', m, f),
      warn: (m, f) => write('warn', m, f),
      error: (m, f) => write('error', m, f),
    };
  };
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new StartupError(
          error.code === 'EADDRINUSE'
            ? `端口 ${port} 已被占用：请换一个端口（--port）或关闭占用它的程序。\nPort ${port} is already in use: pick another (--port) or stop the program using it.`
            : `端口 ${port} 不可用（${error.code}）/ port ${port} is not usable (${error.code})`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** The data folder must be a folder we can write; DynamoDB Local's own files are checked when it opens them. */
function assertDataDirUsable(dataDir: string): void {
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new StartupError(
      `本地数据目录 ${dataDir} 不是文件夹：请删除它或使用 --memory。\nThe data folder ${dataDir} is not a folder: delete it or use --memory.`,
    );
  }
}

function explainDynamoFailure(error: Error, dataDir: string | undefined): Error {
  if (error.message.startsWith('找不到 javac')) {
    return new StartupError(
      `${error.message}\njavac was not found: the launcher that binds DynamoDB Local to 127.0.0.1 is compiled with a JDK 17+.`,
    );
  }
  if (error.message.startsWith('找不到 java')) {
    return new StartupError(`${error.message}\nJava was not found: DynamoDB Local needs Java 17 or later.`);
  }
  const files = dataDir && existsSync(dataDir) ? readdirSync(dataDir) : [];
  if (error instanceof CorruptDataError || (dataDir && files.length > 0)) {
    return new StartupError(
      `本地 DynamoDB 无法打开数据目录 ${dataDir}，数据可能已损坏。可删除该目录重新开始，或用 --memory 临时运行。\n` +
        `DynamoDB Local could not open the data folder ${dataDir}; it may be corrupt. Delete it to start over, or use --memory.\n` +
        `(${error.message.slice(0, 300)})`,
    );
  }
  return new StartupError(`本地 DynamoDB 启动失败 / DynamoDB Local failed to start: ${error.message}`);
}

/** Imports the shipped demo directory when the table has no organisation yet. */
async function importDirectoryIfEmpty(
  doc: DynamoDBDocumentClient,
  tableName: string,
  clock: VirtualClock,
  print: (line: string) => void,
): Promise<void> {
  const existing = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :org',
      ExpressionAttributeValues: { ':org': 'ORG' },
      Limit: 1,
    }),
  );
  if ((existing.Items ?? []).length > 0) return;
  const useCase = new URL('../shared/use-cases/import-directory.ts', import.meta.url);
  const command = new URL('./commands/import-directory.ts', import.meta.url);
  if (!existsSync(useCase) || !existsSync(command)) {
    print(
      '表中还没有组织目录，且本分支尚无目录导入功能（shared/use-cases/import-directory.ts）：运行继续，但催报和升级找不到收件人。\n' +
        'The table has no directory and this branch has no directory importer yet: the runtime runs, but chasing finds no recipients.',
    );
    return;
  }
  const { importDirectory, describeImportResult } = (await import(pathToFileURL(useCase.pathname).href)) as {
    importDirectory: (deps: unknown, input: unknown) => Promise<unknown>;
    describeImportResult?: (result: unknown) => string | string[];
  };
  const { loadDirectorySource, defaultDataDir } = (await import(pathToFileURL(command.pathname).href)) as {
    loadDirectorySource: (dir: string) => Promise<{ source: unknown; locate: (field: string) => string | undefined }>;
    defaultDataDir: string;
  };
  const { source, locate } = await loadDirectorySource(defaultDataDir);
  const result = (await importDirectory(
    { repo: new DynamoDirectoryRepository(doc, tableName), clock },
    { source, locate, acceptMismatches: true, sourceLabel: 'data/directory (npm start)' },
  )) as { mismatches?: unknown[] };
  // The summary line, then every name difference the start accepted on the operator's behalf (never silently).
  const described = describeImportResult ? describeImportResult(result) : undefined;
  const lines = Array.isArray(described) ? described : String(described ?? '').split('\n');
  print(
    `已导入演示组织目录 / demo directory imported: ${lines[0] ?? ''}（详情：npm run cli -- import-directory --dry-run）`,
  );
  const at = lines.indexOf('已接受的姓名差异：');
  const count = result.mismatches?.length ?? 0;
  if (at >= 0 && count > 0) {
    print(`启动时已自动接受以下 ${count} 处姓名差异（附件与 §三 成员名单），请核对：`);
    for (const line of lines.slice(at + 1, at + 1 + count)) print(line);
  }
}
