import type { Command } from 'commander';
import { completion } from '../../shared/domain/campaign.ts';
import { isCstDate } from '../../shared/domain/time.ts';
import { recordCampaignVisitUseCase } from '../../shared/use-cases/record-followup-visit.ts';
import { followUpDeps } from './followup-commands-support.ts';
import { CommandError, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

interface Options extends TargetOptions {
  window: string;
  school: string;
  ref: string;
  date: string;
  by?: string;
  note?: string;
}

/** `record-campaign-visit`: one 大家访 household visited. */
export function registerRecordCampaignVisit(program: Command): void {
  withTarget(
    program
      .command('record-campaign-visit')
      .description('登记大家访中一户已家访')
      .requiredOption('--window <时段ID>', '大家访时段，如 2026-summer-before')
      .requiredOption('--school <学校ID>', '学校ID')
      .requiredOption('--ref <学籍号>', '户（学生）编号，即名单中的 ref')
      .requiredOption('--date <日期>', '家访日期 YYYY-MM-DD')
      .option('--by <人员ID>', '家访教师（默认：该户的负责教师）')
      .option('--note <说明>', '说明'),
  ).action((options: Options) =>
    runCommand(async () => {
      if (!isCstDate(options.date)) throw new CommandError('--date 应为 YYYY-MM-DD 格式的真实日期');
      const target = connectToRuntime(options);
      try {
        const deps = followUpDeps(target);
        const c = await deps.repo.getCampaign(options.window, options.school);
        if (!c) throw new CommandError(`学校 ${options.school} 在时段 ${options.window} 没有大家访名单`);
        const household = c.households.find((h) => h.ref === options.ref);
        if (!household) throw new CommandError(`名单中没有 ${options.ref}`);
        const next = await recordCampaignVisitUseCase(deps, {
          campaignId: options.window,
          schoolId: options.school,
          ref: options.ref,
          visitedOn: options.date,
          byId: options.by ?? household.teacherId,
          ...(options.note ? { note: options.note } : {}),
        });
        const { done, total } = completion(next);
        console.log(
          `已登记家访：${options.ref}（${options.date}），${next.name} ${options.school} 完成 ${done}/${total} 户`,
        );
      } finally {
        target.doc.destroy();
      }
    }),
  );
}
