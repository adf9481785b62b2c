import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoRegisterRepository } from '../../shared/adapters/dynamo/register-repository.ts';
import { fileRollSource } from '../../shared/adapters/tabular/roll-file.ts';
import { UnsupportedFileError } from '../../shared/domain/errors.ts';
import { newId } from '../../shared/domain/ids.ts';
import {
  describeRegisterImport,
  type ImportRegisterResult,
  importRegister,
} from '../../shared/use-cases/import-register.ts';
import { type ImportRollOptions, idKeyOf } from './import-roll.ts';
import { CommandError, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

export interface ImportRegisterOptions extends TargetOptions, Pick<ImportRollOptions, 'keyFile' | 'keyParameter'> {
  dryRun?: boolean;
}

/** `import-register <乡镇ID> <文件>`: the township's 户籍 list of school-age children, hashed with the rolls' key. */
export async function runImportRegister(
  townshipId: string,
  file: string,
  options: ImportRegisterOptions,
): Promise<{ result: ImportRegisterResult; lines: string[] }> {
  const path = resolve(file);
  if (!existsSync(path)) throw new CommandError(`找不到文件：${path}`);
  const { doc, tableName, clock } = connectToRuntime(options);
  try {
    const directory = await new DynamoDirectoryRepository(doc, tableName).load();
    const result = await importRegister(
      {
        repo: new DynamoRegisterRepository(doc, tableName),
        key: idKeyOf(options),
        clock,
        newId,
        townshipIds: new Set(directory.townships.filter((t) => t.active).map((t) => t.id)),
      },
      { townshipId, source: fileRollSource(path), dryRun: options.dryRun ?? false },
    );
    return { result, lines: [`文件：${path}`, ...describeRegisterImport(result)] };
  } catch (error) {
    if (error instanceof UnsupportedFileError) throw new CommandError(error.message);
    throw error;
  } finally {
    doc.destroy();
  }
}

export function registerImportRegister(program: Command): void {
  withTarget(
    program
      .command('import-register')
      .description('导入乡镇的适龄儿童户籍名单（派出所户籍导出或村委会名单，XLSX 或 CSV），用于四查三比对')
      .argument('<乡镇ID>', '乡镇ID，如 dumo')
      .argument('<文件>', '.xlsx 或 .csv（模板：npm run cli -- template register）')
      .option('--dry-run', '试运行：只检查并显示与在用名单的差异，不写入')
      .option('--key-file <文件>', '身份证号摘要密钥文件（与名册导入相同；默认 <数据目录>/roll-id.key）')
      .option('--key-parameter <名称>', '从 SSM 参数（SecureString）读取密钥，用于已部署环境'),
  ).action((townshipId: string, file: string, options: ImportRegisterOptions) =>
    runCommand(async () => {
      const { lines } = await runImportRegister(townshipId, file, options);
      for (const line of lines) console.log(line);
    }),
  );
}
