import type { Command } from 'commander';
import { receiptMethodLabel, receiptMethods } from '../../shared/domain/notice.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { recordNoticeReceiptUseCase } from '../../shared/use-cases/record-notice-receipt.ts';
import { caseDeps } from './case-commands-support.ts';
import { actor, connectToRuntime, cstText, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

/** `issue-notice <案件ID>`: the school issues the 劝返复学通知书; the guardian's SMS and the timer follow. */
export function registerIssueNotice(program: Command): void {
  withTarget(
    program
      .command('issue-notice <案件ID>')
      .description('发出《劝返复学通知书》（家长短信和一周定时器随后自动生成）')
      .requiredOption('--by <姓名>', '签发人')
      .option('--confirm', '已核对日期：签发日不在学期内或期限/提醒落在非上课日时仍然发出')
      .option('--received-by <姓名>', '当面送达：签收人（一周期限自签发时起算）'),
  ).action((caseId: string, options: TargetOptions & { by: string; confirm?: boolean; receivedBy?: string }) =>
    runCommand(async () => {
      const target = connectToRuntime(options);
      try {
        const notice = await issueNoticeUseCase(caseDeps(target), caseId, actor(options.by), {
          confirmed: options.confirm === true,
          ...(options.receivedBy ? { receivedInPerson: { receivedBy: options.receivedBy } } : {}),
        });
        console.log(`已发出通知书 ${notice.id}：期限 ${cstText(notice.deadline)}（北京时间），家长短信已排队。`);
        if (!notice.receipt)
          console.log('尚未登记送达：家长接到通知书后请用 notice-receipt 登记，一周期限自送达起算。');
      } finally {
        target.doc.destroy();
      }
    }),
  );
  registerNoticeReceipt(program);
}

/** `notice-receipt <案件ID> <通知书ID>`: records how and when the guardian received the notice (送达). */
function registerNoticeReceipt(program: Command): void {
  withTarget(
    program
      .command('notice-receipt <案件ID> <通知书ID>')
      .description('登记《劝返复学通知书》送达：一周期限改为自送达时起算，定时器随之调整')
      .requiredOption('--received-at <时间>', '送达时间（北京时间），如 "2023-02-22 15:30"')
      .requiredOption(
        '--method <方式>',
        `送达方式：${receiptMethods.map((m) => `${m}（${receiptMethodLabel[m]}）`).join('、')}`,
      )
      .requiredOption('--received-by <姓名>', '签收人')
      .option('--evidence <编号>', '送达回证编号、邮件单号或照片编号')
      .requiredOption('--by <姓名>', '登记人'),
  ).action(
    (
      caseId: string,
      noticeId: string,
      options: TargetOptions & {
        receivedAt: string;
        method: string;
        receivedBy: string;
        evidence?: string;
        by: string;
      },
    ) =>
      runCommand(async () => {
        const target = connectToRuntime(options);
        try {
          const r = await recordNoticeReceiptUseCase(
            caseDeps(target),
            { caseId, noticeId },
            {
              receivedAt: options.receivedAt,
              method: options.method as (typeof receiptMethods)[number],
              receivedBy: options.receivedBy,
              ...(options.evidence ? { evidenceRef: options.evidence } : {}),
            },
            actor(options.by),
          );
          if (!r.changed) console.log(`通知书 ${noticeId} 已登记过相同的送达信息，未作改动。`);
          else
            console.log(
              `已登记送达（${receiptMethodLabel[r.notice.receipt!.method]}，${cstText(r.notice.receipt!.receivedAt)}）：` +
                `期限由 ${cstText(r.previousDeadline)} 改为 ${cstText(r.notice.deadline)}（北京时间）。`,
            );
        } finally {
          target.doc.destroy();
        }
      }),
  );
}
