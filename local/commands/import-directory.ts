import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createDocumentClient, localClientConfig } from '../../shared/adapters/dynamo/client.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { isDirectoryTemplate, readDirectoryTemplate } from '../../shared/adapters/tabular/directory-template-file.ts';
import { directoryTemplateSheets, type TemplateRead } from '../../shared/domain/directory-template.ts';
import { DomainError, TemplateIssues, UnsupportedFileError } from '../../shared/domain/errors.ts';
import { type Clock, systemClock } from '../../shared/domain/time.ts';
import {
  describeImportResult,
  type ImportDirectoryResult,
  importDirectory,
  NameMismatchError,
} from '../../shared/use-cases/import-directory.ts';
import { processAlive } from '../dynamodb-local.ts';
import { clockOf, type RuntimeInfo, readRuntimeInfo, runtimeFilePath } from '../runtime-file.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The shipped organisation of 荔教〔2023〕1号 with invented phones: Lipu's filled-in template (CSV). */
export const defaultDataDir = join(repoRoot, 'data', 'directory');
/** Written by the local runtime (`npm start`) when DynamoDB Local is up. */
export const runtimeFile = join(repoRoot, '.local', 'runtime.json');

/** An operator-facing failure: its message (Chinese) is printed as is, without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface ImportDirectoryOptions {
  dryRun?: boolean;
  /** `true` accepts every name mismatch; a comma-separated list (or array) accepts those names only. */
  acceptMismatch?: boolean | string | string[];
  data?: string;
  endpoint?: string;
  table?: string;
  /** The runtime's data folder (`npm start -- --state-dir`); its runtime.json gives endpoint, table and clock. */
  stateDir?: string;
}

/**
 * Reads a filled-in directory template: an .xlsx file, or a folder of its CSV files (the shipped
 * `data/directory/` is Lipu's). Sheet-level problems (a missing sheet or column) are a CliError naming them.
 */
export async function loadDirectorySource(path: string): Promise<TemplateRead> {
  if (!existsSync(path)) throw new CliError(`找不到目录数据：${path}`);
  if (!isDirectoryTemplate(path)) {
    throw new CliError(
      `${path} 不是目录导入模板：应为 .xlsx 文件，或含 ${directoryTemplateSheets.map((s) => `${s.csv}.csv`).join('、')} 的文件夹（npm run cli -- template directory 生成空白模板）`,
    );
  }
  try {
    return await readDirectoryTemplate(path);
  } catch (error) {
    if (error instanceof TemplateIssues) throw new CliError(error.operatorText());
    if (error instanceof UnsupportedFileError) throw new CliError(error.message);
    throw new CliError(`无法读取 ${path}：${(error as Error).message}`);
  }
}

/** The DynamoDB Local endpoint and table: from the options, else from .local/runtime.json. */
export function resolveTarget(
  options: { endpoint?: string; table?: string },
  file = runtimeFile,
): { endpoint: string; tableName: string } {
  let runtime: { endpoint?: string; tableName?: string } = {};
  if ((!options.endpoint || !options.table) && existsSync(file)) {
    try {
      runtime = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new CliError(`${file} 无法读取：请重新运行 npm start，或用 --endpoint 和 --table 指定 DynamoDB。`);
    }
  }
  const endpoint = options.endpoint ?? runtime.endpoint;
  const tableName = options.table ?? runtime.tableName;
  if (!endpoint || !tableName) {
    throw new CliError(
      `找不到本地运行环境（${relative(process.cwd(), file) || file}）：请先运行 npm start 启动本地环境，或用 --endpoint <地址> 和 --table <表名> 指定 DynamoDB。`,
    );
  }
  return { endpoint, tableName };
}

function acceptList(value: ImportDirectoryOptions['acceptMismatch']): boolean | string[] {
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  const names = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(/[,，、]/)).map((n) => n.trim());
  return names.filter(Boolean);
}

/** Runs the import against DynamoDB Local and returns the result plus the lines to print. */
export async function runImportDirectory(
  options: ImportDirectoryOptions,
  clock: Clock = systemClock,
): Promise<{ result: ImportDirectoryResult; lines: string[] }> {
  const dataDir = resolve(options.data ?? defaultDataDir);
  const { source, locate } = await loadDirectorySource(dataDir);
  const file = options.stateDir ? runtimeFilePath(resolve(options.stateDir)) : runtimeFile;
  const { endpoint, tableName } = resolveTarget(options, file);
  const doc = createDocumentClient(localClientConfig(endpoint));
  try {
    const result = await importDirectory(
      { repo: new DynamoDirectoryRepository(doc, tableName), clock },
      {
        source,
        dryRun: options.dryRun ?? false,
        acceptMismatches: acceptList(options.acceptMismatch),
        sourceLabel: relative(repoRoot, dataDir) || dataDir,
        locate,
      },
    );
    return {
      result,
      lines: [`数据：${dataDir}`, `DynamoDB：${endpoint} 表 ${tableName}`, ...describeImportResult(result)],
    };
  } catch (error) {
    if (error instanceof NameMismatchError) {
      throw new CliError(
        `${error.message}\n核对无误后可加 --accept-mismatch 接受全部差异，或 --accept-mismatch 姓名1,姓名2 只接受指定姓名。`,
      );
    }
    if (error instanceof DomainError) throw new CliError(error.message);
    const name = (error as Error).name;
    if (name === 'ResourceNotFoundException') {
      throw new CliError(`表 ${tableName} 不存在于 ${endpoint}：请先运行 npm start，或检查 --table。`);
    }
    if ((error as { code?: string }).code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(error))) {
      throw new CliError(`无法连接 DynamoDB（${endpoint}）：本地环境是否已启动（npm start）？`);
    }
    throw error;
  } finally {
    doc.destroy();
  }
}

/**
 * The running runtime's virtual clock when the import targets it (no `--endpoint`, or its endpoint), so the
 * directory's `importedAt` is in the runtime's time; the machine's clock for any other DynamoDB.
 */
function runtimeClock(options: ImportDirectoryOptions): Clock {
  let info: RuntimeInfo | undefined;
  try {
    info = readRuntimeInfo(options.stateDir ? resolve(options.stateDir) : dirname(runtimeFile));
  } catch {
    return systemClock;
  }
  if (!info || !processAlive(info.pid)) return systemClock;
  if (options.endpoint && options.endpoint !== info.endpoint) return systemClock;
  return clockOf(info);
}

/** Registers `import-directory` on the operator CLI. */
export function registerImportDirectory(program: Command): void {
  program
    .command('import-directory')
    .description(
      '从目录导入模板（XLSX 或 CSV 文件夹，默认 data/directory 荔浦示例）导入组织名录；可重复运行，不会产生重复，也不删除任何人',
    )
    .option('--dry-run', '试运行：只显示将会新增、更新、停用的内容，不写入')
    .option('--accept-mismatch [names]', '接受附件与成员名单之间的姓名差异（不带姓名则全部接受；可用逗号分隔多个姓名）')
    .option('--data <文件或文件夹>', '填好的模板：.xlsx 文件或 CSV 文件夹（默认 data/directory）')
    .option('--state-dir <目录>', '本地环境的数据目录（与 npm start -- --state-dir 相同；默认 .local/）')
    .option('--endpoint <url>', 'DynamoDB Local 地址（默认读取 runtime.json）')
    .option('--table <name>', '表名（默认读取 runtime.json）')
    .action(async (options: ImportDirectoryOptions) => {
      const { lines } = await runImportDirectory(options, runtimeClock(options));
      for (const line of lines) console.log(line);
    });
}
