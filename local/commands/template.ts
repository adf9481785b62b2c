import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  directoryTemplateXlsx,
  readTemplateRows,
  writeDirectoryTemplateCsv,
} from '../../shared/adapters/tabular/directory-template-file.ts';
import { registerTemplateCsv, registerTemplateXlsx } from '../../shared/adapters/tabular/register-file.ts';
import { rollTemplateCsv, rollTemplateXlsx } from '../../shared/adapters/tabular/roll-file.ts';
import { CliError, defaultDataDir } from './import-directory.ts';

export interface TemplateOptions {
  out?: string;
  csv?: boolean;
  example?: boolean;
}

/** Writes a blank (or, for the directory, Lipu-filled) template; returns the lines to print. */
export async function runTemplate(kind: string, options: TemplateOptions): Promise<string[]> {
  if (kind === 'directory') {
    if (options.csv) {
      const dir = resolve(options.out ?? 'directory-template');
      const files = writeDirectoryTemplateCsv(dir);
      return [`已生成目录导入模板（CSV，${files.length} 个文件）：${dir}`, ...files.map((f) => `  ${f}`)];
    }
    const out = resolve(options.out ?? (options.example ? '目录导入模板-荔浦示例.xlsx' : '目录导入模板.xlsx'));
    const example = options.example ? await readTemplateRows(defaultDataDir) : undefined;
    writeFileSync(out, await directoryTemplateXlsx(example));
    return [
      `已生成目录导入模板${options.example ? '（已填入荔浦示例数据）' : ''}：${out}`,
      '填写后：npm run cli -- import-directory --data <文件> --dry-run 查看差异，确认无误后去掉 --dry-run 导入。',
    ];
  }
  if (kind === 'roll') {
    if (options.csv) {
      const out = resolve(options.out ?? '学籍花名册模板.csv');
      writeFileSync(out, rollTemplateCsv());
      return [`已生成学籍花名册模板（CSV）：${out}`];
    }
    const out = resolve(options.out ?? '学籍花名册模板.xlsx');
    writeFileSync(out, await rollTemplateXlsx());
    return [
      `已生成学籍花名册模板：${out}`,
      '填写或从学籍系统导出后：npm run cli -- import-roll <学校ID> <文件> --term <学期名> --dry-run',
    ];
  }
  if (kind === 'register') {
    if (options.csv) {
      const out = resolve(options.out ?? '适龄儿童户籍名单模板.csv');
      writeFileSync(out, registerTemplateCsv());
      return [`已生成适龄儿童户籍名单模板（CSV）：${out}`];
    }
    const out = resolve(options.out ?? '适龄儿童户籍名单模板.xlsx');
    writeFileSync(out, await registerTemplateXlsx());
    return [
      `已生成适龄儿童户籍名单模板：${out}`,
      '填写（派出所户籍导出或村委会名单）后：npm run cli -- import-register <乡镇ID> <文件> --dry-run',
    ];
  }
  throw new CliError(`未知模板：${kind}（可选：directory 组织名录，roll 学籍花名册，register 适龄儿童户籍名单）`);
}

export function registerTemplate(program: Command): void {
  program
    .command('template')
    .description(
      '生成导入模板：directory（组织名录：领导小组、责任学校一览表、学校名单…）、roll（学籍花名册）或 register（适龄儿童户籍名单）',
    )
    .argument('<种类>', 'directory、roll 或 register')
    .option('--out <路径>', '输出文件（CSV 模式下为文件夹）')
    .option('--csv', '生成 CSV（默认 XLSX）')
    .option('--example', '目录模板填入荔浦示例数据（data/directory）')
    .action(async (kind: string, options: TemplateOptions) => {
      for (const line of await runTemplate(kind, options)) console.log(line);
    });
}
