import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { ledgersToXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import { ledgerToCsv } from '../../shared/domain/export-ledgers.ts';
import { newId } from '../../shared/domain/ids.ts';
import { principalOf } from '../../shared/domain/scope.ts';
import { exportLedgersUseCase, type LedgerChoice } from '../../shared/use-cases/export-ledgers.ts';
import { CommandError, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

interface Options extends TargetOptions {
  as: string;
  ledger: LedgerChoice;
  format: 'csv' | 'xlsx';
  out?: string;
  township?: string;
  school?: string;
}

/**
 * `export-ledgers --as <人员ID>`: writes the 辍学学生花名册 / case ledger to a file, exactly as the API download:
 * scoped and masked by that person's role, and recorded in the read audit under their id.
 */
export function registerExportLedgers(program: Command): void {
  withTarget(
    program
      .command('export-ledgers')
      .description('导出辍学学生花名册 / 案件台账（CSV 或 XLSX），按导出人的权限范围脱敏并记入查阅日志')
      .requiredOption('--as <人员ID>', '以通讯录中哪位人员的身份导出（决定范围、脱敏，并记入查阅日志）')
      .option('--ledger <台账>', 'roster（花名册）、cases（案件台账）或 all（两者，仅 XLSX）', 'roster')
      .option('--format <格式>', 'csv 或 xlsx', 'csv')
      .option('--out <路径>', '输出文件（默认当前目录下 <台账名>-<日期>.<格式>）')
      .option('--township <乡镇ID>', '只导出某乡镇')
      .option('--school <学校ID>', '只导出某学校'),
  ).action((options: Options) =>
    runCommand(async () => {
      if (!['roster', 'cases', 'all'].includes(options.ledger))
        throw new CommandError('--ledger 只能是 roster、cases 或 all');
      if (!['csv', 'xlsx'].includes(options.format)) throw new CommandError('--format 只能是 csv 或 xlsx');
      if (options.ledger === 'all' && options.format === 'csv')
        throw new CommandError('CSV 只能容纳一本台账：请用 --ledger roster 或 cases，或改用 --format xlsx');
      const target = connectToRuntime(options);
      try {
        const directory = await new DynamoDirectoryRepository(target.doc, target.tableName).load();
        const person = directory.people.find((p) => p.id === options.as);
        const principal = person && principalOf(person, { ...directory, ...directory.meta });
        if (!principal) throw new CommandError(`通讯录中没有可导出台账的人员 ${options.as}`);
        const result = await exportLedgersUseCase(
          {
            cases: new DynamoCaseRepository(target.doc, target.tableName),
            audit: new DynamoAuditLog(target.doc, target.tableName),
            clock: target.clock,
            newId,
          },
          {
            principal,
            directory,
            ledger: options.ledger,
            townshipId: options.township,
            schoolId: options.school,
          },
        );
        const bytes = options.format === 'csv' ? ledgerToCsv(result.ledgers[0]!) : await ledgersToXlsx(result.ledgers);
        const out = resolve(options.out ?? `${result.baseName}-${result.day}.${options.format}`);
        await writeFile(out, bytes);
        console.log(
          `已导出 ${result.baseName}（${result.rows} 行）到 ${out}，已记入查阅日志（导出人 ${person!.name}）。`,
        );
      } finally {
        target.doc.destroy();
      }
    }),
  );
}
