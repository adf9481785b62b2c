import { createDocumentClient, localClientConfig } from '../../shared/adapters/dynamo/client.ts';
import type { Clock } from '../../shared/domain/time.ts';
import { clockOf, defaultStateDir, type RuntimeInfo, readRuntimeInfo } from '../runtime-file.ts';

/** An operator-facing failure from one of the runtime commands: printed as is (Chinese), exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

/** The running local runtime (from `.local/runtime.json`): its DynamoDB, table and virtual clock. */
export function connectToRuntime(options: { stateDir?: string; endpoint?: string; table?: string } = {}) {
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
