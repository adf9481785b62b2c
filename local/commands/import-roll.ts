import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import { DynamoRollGroups } from '../../shared/adapters/dynamo/roll-groups.ts';
import { DynamoRollRepository } from '../../shared/adapters/dynamo/roll-repository.ts';
import { FileIdHashKey, SsmIdHashKey } from '../../shared/adapters/secrets/id-hash-key.ts';
import { fileRollSource } from '../../shared/adapters/tabular/roll-file.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { UnsupportedFileError } from '../../shared/domain/errors.ts';
import { newId } from '../../shared/domain/ids.ts';
import type { IdHashKey } from '../../shared/domain/roll.ts';
import { caseGroupsHook } from '../../shared/use-cases/case-groups.ts';
import {
  describeRollImport,
  type ImportRollResult,
  importRoll,
  type RollProgress,
} from '../../shared/use-cases/import-roll.ts';
import { defaultStateDir } from '../runtime-file.ts';
import { CommandError, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

export interface ImportRollOptions extends TargetOptions {
  term: string;
  dryRun?: boolean;
  /** Local key file (default `<state dir>/roll-id.key`). */
  keyFile?: string;
  /** SSM parameter (SecureString) holding the key, for a deployed stage. */
  keyParameter?: string;
  /** Progress to stderr (default: when stderr is a terminal, a bar; else a line per 10 %). */
  quiet?: boolean;
}

/** Where the key comes from: `--key-parameter` (SSM, cloud), else the local key file of the runtime's data folder. */
export function idKeyOf(options: Pick<ImportRollOptions, 'keyFile' | 'keyParameter' | 'stateDir'>): IdHashKey {
  if (options.keyParameter) return SsmIdHashKey.create(options.keyParameter);
  return new FileIdHashKey(resolve(options.keyFile ?? join(options.stateDir ?? defaultStateDir, 'roll-id.key')));
}

/** A progress bar on a terminal, a line per tenth otherwise (logs, CI). */
export function progressPrinter(write: (text: string) => void, tty: boolean): (p: RollProgress) => void {
  let lastTenth = -1;
  return (p) => {
    const label = p.phase === 'check' ? '检查' : '写入';
    const pct = Math.min(100, Math.floor(p.fraction * 100));
    if (tty) {
      const filled = Math.round(pct / 5);
      write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${String(pct).padStart(3)}%  ${p.rows} 行`);
      if (p.fraction >= 1) write('\n');
      return;
    }
    const tenth = Math.floor(pct / 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      write(`${label} ${pct}%（${p.rows} 行）\n`);
    }
  };
}

export async function runImportRoll(
  schoolId: string,
  file: string,
  options: ImportRollOptions,
  onProgress?: (p: RollProgress) => void,
): Promise<{ result: ImportRollResult; lines: string[] }> {
  if (!options.term) throw new CommandError('请用 --term <学期名> 指定学期，如 --term 2023-2024学年第一学期');
  const path = resolve(file);
  if (!existsSync(path)) throw new CommandError(`找不到文件：${path}`);
  const { doc, tableName, clock } = connectToRuntime(options);
  try {
    const directory = await new DynamoDirectoryRepository(doc, tableName).load();
    const config = loadConfigFile();
    const result = await importRoll(
      {
        repo: new DynamoRollRepository(doc, tableName),
        key: idKeyOf(options),
        clock,
        newId,
        schoolIds: new Set(directory.schools.filter((s) => s.active).map((s) => s.id)),
        terms: config.calendar.terms.map((t) => t.name),
        caseGroups: caseGroupsHook({
          repo: new DynamoCaseRepository(doc, tableName),
          plans: new DynamoFollowUpRepository(doc, tableName),
          groups: new DynamoRollGroups(doc, tableName, config.calendar.terms),
          clock,
        }),
      },
      {
        schoolId: schoolId === 'all' || schoolId === '全县' ? '*' : schoolId,
        term: options.term,
        source: fileRollSource(path),
        dryRun: options.dryRun ?? false,
        ...(onProgress ? { onProgress } : {}),
      },
    );
    return { result, lines: [`文件：${path}`, ...describeRollImport(result)] };
  } catch (error) {
    if (error instanceof UnsupportedFileError) throw new CommandError(error.message);
    throw error;
  } finally {
    doc.destroy();
  }
}

export function registerImportRoll(program: Command): void {
  withTarget(
    program
      .command('import-roll')
      .description('导入学校某学期的学籍名册（学籍系统导出的 XLSX 或 CSV；全县文件用 all 并带“学校ID”列）')
      .argument('<学校ID>', '学校ID，或 all（全县文件）')
      .argument('<文件>', '.xlsx 或 .csv')
      .requiredOption('--term <学期名>', '学期，如 2023-2024学年第一学期')
      .option('--dry-run', '试运行：只检查并显示与在用名册的差异，不写入')
      .option('--key-file <文件>', '身份证号摘要密钥文件（默认 <数据目录>/roll-id.key，首次自动生成）')
      .option('--key-parameter <名称>', '从 SSM 参数（SecureString）读取密钥，用于已部署环境')
      .option('--quiet', '不显示进度'),
  ).action((schoolId: string, file: string, options: ImportRollOptions) =>
    runCommand(async () => {
      const progress = options.quiet
        ? undefined
        : progressPrinter((t) => process.stderr.write(t), Boolean(process.stderr.isTTY));
      const { lines } = await runImportRoll(schoolId, file, options, progress);
      for (const line of lines) console.log(line);
    }),
  );
}
