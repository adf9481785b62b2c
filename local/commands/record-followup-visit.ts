import type { Command } from 'commander';
import { maskName } from '../../shared/domain/privacy.ts';
import { isCstDate } from '../../shared/domain/time.ts';
import { recordFollowUpVisitUseCase } from '../../shared/use-cases/record-followup-visit.ts';
import { followUpDeps } from './followup-commands-support.ts';
import { CommandError, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

interface Options extends TargetOptions {
  by: string;
  date: string;
  no?: string;
  content?: string;
  note?: string;
}

/** `record-followup-visit <计划ID>`: a follow-up (保学) or 送教上门 visit done; its reminders and escalations stop. */
export function registerRecordFollowUpVisit(program: Command): void {
  withTarget(
    program
      .command('record-followup-visit <计划ID>')
      .description('登记一次复学跟踪家访或送教上门（该次走访的提醒和上报随即停止）')
      .requiredOption('--by <人员ID>', '走访教师的人员ID（通讯录）')
      .requiredOption('--date <日期>', '走访日期 YYYY-MM-DD')
      .option('--no <序号>', '第几次走访（默认：最早一次未完成的）')
      .option('--content <内容>', '送教内容 / 走访内容')
      .option('--note <说明>', '说明'),
  ).action((planId: string, options: Options) =>
    runCommand(async () => {
      if (!isCstDate(options.date)) throw new CommandError('--date 应为 YYYY-MM-DD 格式的真实日期');
      if (options.no !== undefined && !/^[1-9]\d*$/.test(options.no)) throw new CommandError('--no 应为正整数');
      const target = connectToRuntime(options);
      try {
        const deps = followUpDeps(target);
        const found = await deps.repo.getPlan(planId);
        if (!found) throw new CommandError(`没有跟踪计划 ${planId}`);
        const directory = await deps.directory.load();
        if (!directory.people.some((p) => p.id === options.by && p.active !== false))
          throw new CommandError(`通讯录中没有在职人员 ${options.by}`);
        const no =
          options.no !== undefined
            ? Number(options.no)
            : found.visits.filter((v) => v.status === 'planned').sort((a, b) => a.no - b.no)[0]?.no;
        if (no === undefined) throw new CommandError(`计划 ${planId} 已没有待完成的走访`);
        const visit = await recordFollowUpVisitUseCase(deps, {
          planId,
          no,
          doneOn: options.date,
          byId: options.by,
          ...(options.content ? { content: options.content } : {}),
          ...(options.note ? { note: options.note } : {}),
        });
        const late = visit.doneAt! > visit.deadline ? '（逾期登记）' : '';
        console.log(
          `已登记走访：${maskName(found.plan.studentName)} 第${visit.no}/${found.plan.visitCount}次（应于 ${visit.dueDate} 完成），` +
            `${visit.doneOn} 由 ${options.by} 完成${late}`,
        );
      } finally {
        target.doc.destroy();
      }
    }),
  );
}
