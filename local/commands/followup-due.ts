import type { Command } from 'commander';
import { DynamoFollowUpDueSource } from '../../shared/adapters/dynamo/followup-due-source.ts';
import { maskName } from '../../shared/domain/privacy.ts';
import { isCstDate } from '../../shared/domain/time.ts';
import { listFollowUpDueUseCase } from '../../shared/use-cases/list-followup-due.ts';
import { CommandError, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

interface Options extends TargetOptions {
  school: string;
  from?: string;
  to?: string;
}

const kindLabel = { followup: '复学跟踪', 'send-teaching': '送教上门' } as const;

/** `followup-due --school <学校ID>`: visits and 大家访 households a school still owes, child names masked. */
export function registerFollowUpDue(program: Command): void {
  withTarget(
    program
      .command('followup-due')
      .description('列出某学校待完成和逾期的跟踪走访、送教上门和大家访（学生姓名脱敏）')
      .requiredOption('--school <学校ID>', '学校ID')
      .option('--from <日期>', '起始日期 YYYY-MM-DD（默认今天前60天）')
      .option('--to <日期>', '截止日期 YYYY-MM-DD（默认今天后14天）'),
  ).action((options: Options) =>
    runCommand(async () => {
      for (const [flag, value] of [
        ['--from', options.from],
        ['--to', options.to],
      ] as const)
        if (value !== undefined && !isCstDate(value)) throw new CommandError(`${flag} 应为 YYYY-MM-DD 格式的真实日期`);
      const target = connectToRuntime(options);
      try {
        const list = await listFollowUpDueUseCase(
          { source: new DynamoFollowUpDueSource(target.doc, target.tableName), clock: target.clock },
          { schoolId: options.school, from: options.from, to: options.to },
        );
        console.log(`学校 ${list.schoolId} ${list.from} 至 ${list.to}：`);
        if (list.visits.length === 0) console.log('  没有待完成的跟踪走访或送教上门。');
        else console.log(`  待完成走访 ${list.visits.length} 次：`);
        for (const v of list.visits)
          console.log(
            `    ${v.planId}  ${kindLabel[v.kind]}  ${maskName(v.studentName)}  第${v.no}/${v.of}次  应于 ${v.dueDate}` +
              `${v.overdue ? '  已逾期' : ''}${v.escalated ? '（已上报）' : ''}  负责 ${v.responsibleIds.join('、')}`,
          );
        if (list.households.length === 0) console.log('  没有待家访的大家访户。');
        else console.log(`  大家访待家访 ${list.households.length} 户：`);
        for (const h of list.households)
          console.log(
            `    ${h.campaignName}  ${h.ref}  ${maskName(h.studentName)}  教师 ${h.teacherId}  截止 ${h.end}` +
              `${h.overdue ? '  已逾期' : ''}`,
          );
      } finally {
        target.doc.destroy();
      }
    }),
  );
}
