import type { Command } from 'commander';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { escalationLevelLabel, townshipOrderKinds } from '../../shared/domain/escalation.ts';
import { acknowledgeReportEscalationUseCase } from '../../shared/use-cases/acknowledge-report.ts';
import { acknowledgeEscalationUseCase, recordTownshipOrderUseCase } from '../../shared/use-cases/escalations.ts';
import { caseDeps } from './case-commands-support.ts';
import {
  actor,
  CommandError,
  connectToRuntime,
  cstText,
  runCommand,
  type TargetOptions,
  withTarget,
} from './runtime-target.ts';

const roles = ['township-contact', 'leader', 'office'] as const;
const roleLabel: Record<(typeof roles)[number], string> = {
  'township-contact': '包乡镇人员',
  leader: '包片领导',
  office: '控辍办',
};

/**
 * `acknowledge <案件ID> <通知书ID>` and `township-order <案件ID> <通知书ID>`: what officials do after a lapse (the
 * operator CLI acts for them, like the console; access per role is the API's, see docs/api.md).
 */
export function registerEscalationCommands(program: Command): void {
  withTarget(
    program
      .command('acknowledge <案件ID> <通知书ID>')
      .description('确认跟进逾期的劝返复学通知书：停止继续向上级催办')
      .requiredOption('--by <姓名>', '确认人')
      .option(
        '--role <角色>',
        `确认人角色：${roles.map((r) => `${r}（${roleLabel[r]}）`).join('、')}`,
        'township-contact',
      )
      .option('--note <说明>', '跟进说明', ''),
  ).action((caseId: string, noticeId: string, options: TargetOptions & { by: string; role: string; note: string }) =>
    runCommand(async () => {
      if (!(roles as readonly string[]).includes(options.role))
        throw new CommandError(`--role 应为 ${roles.join('、')} 之一`);
      const target = connectToRuntime(options);
      try {
        const r = await acknowledgeEscalationUseCase(
          caseDeps(target),
          { caseId, noticeId },
          { note: options.note },
          { ...actor(options.by), role: options.role },
        );
        const ack = r.notice.escalation!.acknowledged!;
        console.log(
          r.changed
            ? `已确认跟进（${options.by}，${cstText(ack.at)}），不再向上级催办。已通知到：${escalationLevelLabel[r.notice.escalation!.level]}。`
            : `该通知书已由 ${ack.by.name} 于 ${cstText(ack.at)} 确认跟进，未作改动。`,
        );
      } finally {
        target.doc.destroy();
      }
    }),
  );

  withTarget(
    program
      .command('acknowledge-report <报表ID> <级别>')
      .description('确认跟进某一级逾期报表催报（该级接收人或控辍办）；报表补报前催报仍按阶梯继续')
      .requiredOption('--person <人员ID>', '确认人的人员ID（须为该级催报的接收人，控辍办除外）')
      .requiredOption('--by <姓名>', '确认人姓名')
      .option('--role <角色>', '确认人角色：township-contact、leader、office 之一', 'township-contact')
      .option('--note <说明>', '跟进说明', ''),
  ).action(
    (
      slotId: string,
      level: string,
      options: TargetOptions & { person: string; by: string; role: string; note: string },
    ) =>
      runCommand(async () => {
        if (!(roles as readonly string[]).includes(options.role))
          throw new CommandError(`--role 应为 ${roles.join('、')} 之一`);
        if (!/^[1-9]$/.test(level)) throw new CommandError('级别应为 1 至 9 的整数（0 级是给校长的提醒，无需确认）');
        const target = connectToRuntime(options);
        try {
          const r = await acknowledgeReportEscalationUseCase(
            {
              slots: new DynamoSlotRepository(target.doc, target.tableName),
              clock: target.clock,
              log: caseDeps(target).log,
            },
            { slotId, level: Number(level) },
            { note: options.note },
            { personId: options.person, name: options.by, role: options.role as (typeof roles)[number] },
          );
          const ack = r.record.acknowledged!;
          console.log(
            r.changed
              ? `已确认跟进 ${slotId} 的第 ${level} 级催报（${options.by}，${cstText(ack.at)}）。报表补报前催报仍会继续。`
              : `该级催报已由 ${ack.by.name} 于 ${cstText(ack.at)} 确认跟进，未作改动。`,
          );
        } finally {
          target.doc.destroy();
        }
      }),
  );

  withTarget(
    program
      .command('township-order <案件ID> <通知书ID>')
      .description('登记乡镇政府对逾期未复学的责令（责令限期改正 / 限期返校），期限到仍未复学将通知总负责人和控辍办')
      .requiredOption('--kind <类别>', townshipOrderKinds.join(' 或 '))
      .requiredOption('--ordered-on <日期>', '责令日期 YYYY-MM-DD')
      .requiredOption('--ref <文号>', '文书编号')
      .option('--deadline <日期>', '限期（默认责令日期后 7 天）')
      .requiredOption('--by <姓名>', '登记人'),
  ).action(
    (
      caseId: string,
      noticeId: string,
      options: TargetOptions & { kind: string; orderedOn: string; ref: string; deadline?: string; by: string },
    ) =>
      runCommand(async () => {
        const target = connectToRuntime(options);
        try {
          const r = await recordTownshipOrderUseCase(
            caseDeps(target),
            { caseId, noticeId },
            {
              kind: options.kind as (typeof townshipOrderKinds)[number],
              orderedOn: options.orderedOn,
              ref: options.ref,
              ...(options.deadline ? { deadline: options.deadline } : {}),
            },
            { ...actor(options.by), role: 'township-contact' },
          );
          const order = r.notice.escalation!.townshipOrder!;
          console.log(
            r.changed
              ? `已登记乡镇政府${order.kind}（${order.ref}），期限 ${order.deadline}；期满仍未复学将通知总负责人和控辍办。`
              : `已登记过相同的乡镇政府${order.kind}，未作改动。`,
          );
        } finally {
          target.doc.destroy();
        }
      }),
  );
}
