import { Command } from 'commander';
import { registerAcknowledgeCampaign, registerAcknowledgeVisit } from './commands/acknowledge-visit.ts';
import { registerCalendar } from './commands/calendar.ts';
import { registerCompareRolls } from './commands/compare-rolls.ts';
import { registerCreateCampaign } from './commands/create-campaign.ts';
import { registerCrossCheck } from './commands/cross-check.ts';
import { registerEscalationCommands } from './commands/escalations.ts';
import { registerExportLedgers } from './commands/export-ledgers.ts';
import { registerFileReport } from './commands/file-report.ts';
import { registerFollowUpDue } from './commands/followup-due.ts';
import { CliError, registerImportDirectory } from './commands/import-directory.ts';
import { registerImportRegister } from './commands/import-register.ts';
import { registerImportRoll } from './commands/import-roll.ts';
import { registerIssueNotice } from './commands/issue-notice.ts';
import { registerLateReports } from './commands/late-reports.ts';
import { registerLogVisit } from './commands/log-visit.ts';
import { registerMessageLog } from './commands/message-log.ts';
import { registerOpenCase } from './commands/open-case.ts';
import { registerOpenCases } from './commands/open-cases.ts';
import { registerRebuildAggregates } from './commands/rebuild-aggregates.ts';
import { registerRecordCampaignVisit } from './commands/record-campaign-visit.ts';
import { registerRecordFollowUpVisit } from './commands/record-followup-visit.ts';
import { registerRecordReturn } from './commands/record-return.ts';
import { registerSmsTemplates } from './commands/sms-templates.ts';
import { registerTemplate } from './commands/template.ts';

/**
 * The operator CLI's program: `npm run cli -- <command>` (local/cli.ts) and the CLI tests, in-process, both run
 * `runCli`. Output is Simplified Chinese. Each command lives in `local/commands/<name>.ts` and exports a
 * `register…(program)` function called below.
 */
const helpTitles: Record<string, string> = {
  'Usage:': '用法：',
  'Options:': '选项：',
  'Commands:': '命令：',
  'Arguments:': '参数：',
  'Global Options:': '全局选项：',
};

/** Commander's own parse errors, in Chinese (the common ones; anything else is shown as is). */
function chineseParseError(text: string): string {
  return text
    .replace(/^error: unknown option '(.+?)'.*$/m, '错误：未知选项 $1')
    .replace(/^error: unknown command '(.+?)'.*$/m, '错误：未知命令 $1')
    .replace(/^error: option '(.+?)' argument missing$/m, '错误：选项 $1 缺少取值')
    .replace(/^error: missing required argument '(.+?)'$/m, '错误：缺少参数 $1')
    .replace(/^error: too many arguments.*$/m, '错误：参数过多');
}

/** A fresh program (commander keeps parsed options on it, so one per run). */
export function cliProgram(): Command {
  // Settings made here are inherited by every command registered below.
  const program = new Command()
    .name('npm run cli --')
    .description('控辍保学 本地运维命令')
    .configureHelp({ styleTitle: (title) => helpTitles[title] ?? title })
    .configureOutput({ outputError: (text, write) => write(chineseParseError(text)) })
    .helpOption('-h, --help', '显示帮助')
    .helpCommand('help [command]', '显示某个命令的帮助')
    .showHelpAfterError('（加 --help 查看用法）');

  registerImportDirectory(program);
  registerTemplate(program);
  registerCalendar(program);
  // Against the running local runtime (.local/runtime.json): local/commands/<name>.ts
  registerFileReport(program);
  registerOpenCase(program);
  registerLogVisit(program);
  registerIssueNotice(program);
  registerEscalationCommands(program);
  registerRecordReturn(program);
  registerLateReports(program);
  registerOpenCases(program);
  registerMessageLog(program);
  registerSmsTemplates(program);
  registerExportLedgers(program);
  registerRecordFollowUpVisit(program);
  registerFollowUpDue(program);
  registerAcknowledgeVisit(program);
  registerAcknowledgeCampaign(program);
  registerCreateCampaign(program);
  registerRecordCampaignVisit(program);
  registerImportRoll(program);
  registerCompareRolls(program);
  registerImportRegister(program);
  registerCrossCheck(program);
  registerRebuildAggregates(program);
  return program;
}

/** Runs one CLI invocation (`argv` without node and the script); errors become a Chinese line and exit code 1. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await cliProgram().parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CliError) console.error(`错误：${error.message}`);
    else console.error('意外错误：', error);
    process.exitCode = 1;
  }
}
