import type { Command } from 'commander';
import { followUpDepsOf, returnHook } from '../../functions/followup-wiring.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { cstDate } from '../../shared/domain/time.ts';
import { recordReturnUseCase } from '../../shared/use-cases/record-return.ts';
import { caseDeps } from './case-commands-support.ts';
import { actor, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

/**
 * `record-return <案件ID>`: the child is back (复学); a running notice's timer and reminder are cancelled and the
 * 保学 follow-up plan is created (the same hook as the API).
 */
export function registerRecordReturn(program: Command): void {
  withTarget(
    program
      .command('record-return <案件ID>')
      .description('登记学生返校（复学），取消未到期的定时器和提醒')
      .requiredOption('--by <姓名>', '登记人')
      .option('--date <日期>', '返校日期 YYYY-MM-DD（默认今天）'),
  ).action((caseId: string, options: TargetOptions & { by: string; date?: string }) =>
    runCommand(async () => {
      const target = connectToRuntime(options);
      try {
        const deps = caseDeps(target);
        const hook = returnHook(
          followUpDepsOf({ ...deps, doc: target.doc, tableName: target.tableName, config: loadConfigFile() }),
        );
        const result = await recordReturnUseCase({ ...deps, onReturned: hook.onReturned }, caseId, {
          by: actor(options.by),
          returnedOn: options.date ?? cstDate(target.clock.now()),
        });
        const notice = result.notice ? `，通知书 ${result.notice.id} → ${result.notice.status}` : '';
        console.log(`已登记返校：案件 ${caseId}${notice}，取消待发短信 ${result.cancelledMessageIds.length} 条。`);
        console.log(
          hook.outcome()?.status === 'created'
            ? '已建立保学跟踪计划（按期家访，结对帮扶）。'
            : '注意：保学跟踪计划未能建立，请查看日志后重试。',
        );
      } finally {
        target.doc.destroy();
      }
    }),
  );
}
