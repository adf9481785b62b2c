import { resolve } from 'node:path';
import { createDocumentClient, localClientConfig, scanAll } from '../../shared/adapters/dynamo/client.ts';
import { DomainError } from '../../shared/domain/errors.ts';
import { type Clock, cstLocalDateTime } from '../../shared/domain/time.ts';
import { processAlive } from '../dynamodb-local.ts';
import { clockOf, defaultStateDir, type RuntimeInfo, readRuntimeInfo, runtimeFilePath } from '../runtime-file.ts';

/** An operator-facing failure from one of the runtime commands: printed as is (Chinese), exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

/**
 * The running local runtime (from `<state dir>/runtime.json`, default `.local/`): its DynamoDB, table and virtual
 * clock. `--endpoint` must be that runtime's DynamoDB (its virtual clock is then used), or `--real-clock` says
 * there is no runtime and the machine's clock is meant: a write never silently gets the wrong time. With
 * `--endpoint aws` and `--table <name>`, a deployed stage instead: the real DynamoDB with the default AWS
 * credential chain and AWS_REGION, and the real clock. The CLI only writes the table; the stage's stream
 * consumers then send the messages and manage the timers, as they do for the API.
 */
export function connectToRuntime(
  options: { stateDir?: string; endpoint?: string; table?: string; realClock?: boolean } = {},
  needs: { scan?: boolean } = {},
) {
  if (options.endpoint === 'aws') {
    if (needs.scan) {
      throw new CommandError('该命令要扫描整张表，只用于本地环境；已部署环境请用网页控制台或 HTTP API 查询。');
    }
    return connectToStage(options.table);
  }
  const stateDir = resolve(options.stateDir ?? defaultStateDir);
  const file = runtimeFilePath(stateDir);
  let found: RuntimeInfo | undefined;
  try {
    found = readRuntimeInfo(stateDir);
  } catch {
    throw new CommandError(`${file} 无法读取：请重新运行 npm start。`);
  }
  // A runtime killed with SIGKILL leaves its runtime.json behind: its clock and endpoint are dead too.
  const stale = found !== undefined && !processAlive(found.pid);
  const info = stale ? undefined : found;
  const staleNote = stale ? `（${file} 是已退出的进程 ${found?.pid} 留下的）` : '';
  if (!options.endpoint) {
    if (!info) {
      throw new CommandError(
        `本地环境没有运行${staleNote}：请先在另一个终端运行 npm start` +
          `${options.stateDir ? ` -- --state-dir ${options.stateDir}` : ''}（或用 --state-dir 指定它的数据目录）。`,
      );
    }
    return target(info.endpoint, options.table ?? info.tableName, clockOf(info), info);
  }
  if (info && sameEndpoint(info.endpoint, options.endpoint)) {
    return target(options.endpoint, options.table ?? info.tableName, clockOf(info), info);
  }
  if (!options.realClock) {
    throw new CommandError(
      `${options.endpoint} 不是 ${stateDir} 中正在运行的本地环境${staleNote}，不知道它的虚拟时间。` +
        '若它属于以 --state-dir 启动的 npm start，请加同样的 --state-dir；若没有本地环境（只有 DynamoDB），' +
        '确需按本机真实时间写入，请加 --real-clock。',
    );
  }
  if (!options.table) throw new CommandError('--real-clock 需要同时用 --table 指定表名。');
  return target(options.endpoint, options.table, { now: () => new Date() }, undefined);
}

function target(endpoint: string, tableName: string, clock: Clock, info: RuntimeInfo | undefined) {
  return { doc: createDocumentClient(localClientConfig(endpoint)), tableName, clock, info };
}

/** Same host and port (localhost and 127.0.0.1 are one machine's loopback). */
function sameEndpoint(a: string, b: string): boolean {
  const norm = (e: string) => {
    try {
      const u = new URL(e);
      return `${u.protocol}//${u.hostname === 'localhost' ? '127.0.0.1' : u.hostname}:${u.port}`;
    } catch {
      return e;
    }
  };
  return norm(a) === norm(b);
}

function connectToStage(table: string | undefined) {
  if (!table)
    throw new CommandError('--endpoint aws 需要同时用 --table 指定已部署环境的表名（见 cdk deploy 的输出）。');
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new CommandError('--endpoint aws 需要设置 AWS_REGION（已部署环境所在区域）。');
  const clock: Clock = { now: () => new Date() };
  return { doc: createDocumentClient({ region }), tableName: table, clock, info: undefined as RuntimeInfo | undefined };
}

/** Common options of the runtime commands. */
export interface TargetOptions {
  endpoint?: string;
  table?: string;
  stateDir?: string;
  realClock?: boolean;
}

/** Adds `--state-dir`, `--endpoint`, `--table` and `--real-clock` (defaults from `<state dir>/runtime.json`) to a command. */
export function withTarget<T extends { option(flags: string, description: string): T }>(command: T): T {
  return command
    .option('--state-dir <目录>', '本地环境的数据目录（与 npm start -- --state-dir 相同；默认 .local/）')
    .option('--endpoint <地址>', 'DynamoDB 地址（默认读 runtime.json；aws = 已部署环境，需 --table 与 AWS_REGION）')
    .option('--table <表名>', '表名（默认读 runtime.json）')
    .option('--real-clock', '与 --endpoint 一起：该 DynamoDB 没有本地环境，按本机真实时间写入');
}

/** Runs a command body; domain errors (validation, refused transitions) become a Chinese one-liner and exit code 1. */
export async function runCommand(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof CommandError || error instanceof DomainError) {
      console.error(`错误：${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

/** `YYYY-MM-DD HH:MM` in CST, for tables. */
export const cstText = (iso: string | Date) =>
  cstLocalDateTime(typeof iso === 'string' ? new Date(iso) : iso)
    .slice(0, 16)
    .replace('T', ' ');

/** Every item of one entity type (a Scan: fine on a local table, never in the cloud). */
export async function scanEntity(
  doc: ReturnType<typeof connectToRuntime>['doc'],
  tableName: string,
  entity: string,
): Promise<Record<string, unknown>[]> {
  return scanAll(doc, {
    TableName: tableName,
    FilterExpression: 'entity = :e',
    ExpressionAttributeValues: { ':e': entity },
  });
}

/** Actor `{ name }` from a `--by` option; a directory person id is kept when the name is one. */
export const actor = (by: string) => ({ name: by });
