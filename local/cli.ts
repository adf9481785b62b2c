import { Command } from 'commander';
import { CliError, registerImportDirectory } from './commands/import-directory.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The operator CLI: `npm run cli -- <command>`. Output is Simplified Chinese. Each command lives in
 * `local/commands/<name>.ts` and exports a `register…(program)` function called below.
 */
const program = new Command()
  .name('npm run cli --')
  .description('控辍保学 本地运维命令')
  .helpOption('-h, --help', '显示帮助')
  .helpCommand('help [命令]', '显示某个命令的帮助')
  .showHelpAfterError('（加 --help 查看用法）');

registerImportDirectory(program);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CliError) console.error(`错误：${error.message}`);
  else console.error('意外错误：', error);
  process.exitCode = 1;
}
