import type { Command } from 'commander';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { caseDeps } from './case-commands-support.ts';
import { actor, connectToRuntime, cstText, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

/** `issue-notice <案件ID>`: the school issues the 劝返复学通知书; the guardian's SMS and the timer follow. */
export function registerIssueNotice(program: Command): void {
  withTarget(
    program
      .command('issue-notice <案件ID>')
      .description('发出《劝返复学通知书》（家长短信和一周定时器随后自动生成）')
      .requiredOption('--by <姓名>', '签发人')
      .option('--confirm', '已核对日期：签发日不在学期内或期限/提醒落在非上课日时仍然发出'),
  ).action((caseId: string, options: TargetOptions & { by: string; confirm?: boolean }) =>
    runCommand(async () => {
      const target = connectToRuntime(options);
      try {
        const notice = await issueNoticeUseCase(caseDeps(target), caseId, actor(options.by), {
          confirmed: options.confirm === true,
        });
        console.log(`已发出通知书 ${notice.id}：期限 ${cstText(notice.deadline)}（北京时间），家长短信已排队。`);
      } finally {
        target.doc.destroy();
      }
    }),
  );
}
