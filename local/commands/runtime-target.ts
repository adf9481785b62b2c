import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, localClientConfig } from '../../shared/adapters/dynamo/client.ts';
import { DomainError } from '../../shared/domain/errors.ts';
import { type Clock, cstLocalDateTime } from '../../shared/domain/time.ts';
import { clockOf, defaultStateDir, type RuntimeInfo, readRuntimeInfo } from '../runtime-file.ts';

/** An operator-facing failure from one of the runtime commands: printed as is (Chinese), exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

/**
 * The running local runtime (from `.local/runtime.json`): its DynamoDB, table and virtual clock. With
 * `--endpoint aws` and `--table <name>`, a deployed stage instead: the real DynamoDB with the default AWS
 * credential chain and AWS_REGION, and the real clock. The CLI only writes the table; the stage's stream
 * consumers then send the messages and manage the timers, as they do for the API.
 */
export function connectToRuntime(
  options: { stateDir?: string; endpoint?: string; table?: string } = {},
  needs: { scan?: boolean } = {},
) {
  if (options.endpoint === 'aws') {
    if (needs.scan) {
      throw new CommandError('该命令要扫描整张表，只用于本地环境；已部署环境请用网页控制台或 HTTP API 查询。');
    }
    return connectToStage(options.table);
  }
  let info: RuntimeInfo | undefined;
  try {
    info = readRuntimeInfo(options.stateDir ?? defaultStateDir);
  } catch {
    throw new CommandError('.local/runtime.json 无法读取：请重新运行 npm start。');
  }
  const endpoint = options.endpoint ?? info?.endpoint;
  const tableName = options.table ?? info?.tableName;
  if (!endpoint || !tableName) {
    throw new CommandError('本地环境没有运行：请先在另一个终端运行 npm start（或用 --endpoint 和 --table 指定）。');
  }
  const clock: Clock = info ? clockOf(info) : { now: () => new Date() };
  return { doc: createDocumentClient(localClientConfig(endpoint)), tableName, clock, info };
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
}

/** Adds `--endpoint` and `--table` (defaults from `.local/runtime.json`) to a command. */
export function withTarget<T extends { option(flags: string, description: string): T }>(command: T): T {
  return command
    .option(
      '--endpoint <地址>',
      'DynamoDB 地址（默认读 .local/runtime.json；aws = 已部署环境，需 --table 与 AWS_REGION）',
    )
    .option('--table <表名>', '表名（默认读 .local/runtime.json）');
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
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :e',
        ExpressionAttributeValues: { ':e': entity },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Actor `{ name }` from a `--by` option; a directory person id is kept when the name is one. */
export const actor = (by: string) => ({ name: by });
