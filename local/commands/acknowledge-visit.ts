import type { Command } from 'commander';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';
import { maskName } from '../../shared/domain/privacy.ts';
import { canAcknowledgeCampaign, canAcknowledgeDuty, type Principal, principalOf } from '../../shared/domain/scope.ts';
import { acknowledgeCampaignEscalationUseCase } from '../../shared/use-cases/acknowledge-campaign.ts';
import { acknowledgeVisitEscalationUseCase } from '../../shared/use-cases/acknowledge-visit.ts';
import { followUpDeps } from './followup-commands-support.ts';
import {
  CommandError,
  connectToRuntime,
  cstText,
  runCommand,
  type TargetOptions,
  withTarget,
} from './runtime-target.ts';

interface Options extends TargetOptions {
  person: string;
  note: string;
}

/** The principal a directory person acts as (the dev sign-in's rule), or a Chinese error. */
function principalFor(directory: DirectorySnapshot, personId: string): Principal {
  const person = directory.people.find((p) => p.id === personId);
  const principal =
    person && principalOf(person, { areas: directory.areas, townships: directory.townships, ...directory.meta });
  if (!principal) throw new CommandError(`通讯录中没有在职人员 ${personId}（或其没有可用的角色）`);
  return principal;
}

/**
 * `acknowledge-visit <计划ID> <序号>`: an official takes a missed (escalated) follow-up / 送教上门 visit on; its
 * later escalation steps are not sent. The person is resolved against the directory and held to the API's rule
 * (the school's head, the township's 包乡镇人员, the office).
 */
export function registerAcknowledgeVisit(program: Command): void {
  withTarget(
    program
      .command('acknowledge-visit <计划ID> <序号>')
      .description('确认跟进逾期上报的复学跟踪家访或送教上门：该次走访不再继续向上级上报')
      .requiredOption('--person <人员ID>', '确认人的人员ID（本校校长、本乡镇的包乡镇人员或控辍办）')
      .option('--note <说明>', '跟进说明', ''),
  ).action((planId: string, no: string, options: Options) =>
    runCommand(async () => {
      if (!/^[1-9]\d{0,2}$/.test(no)) throw new CommandError('序号应为正整数（第几次走访）');
      const target = connectToRuntime(options);
      try {
        const deps = followUpDeps(target);
        const found = await deps.repo.getPlan(planId);
        if (!found) throw new CommandError(`没有跟踪计划 ${planId}`);
        const principal = principalFor(await deps.directory.load(), options.person);
        if (!canAcknowledgeDuty(principal, { schoolId: found.plan.schoolId, townshipId: found.plan.townshipId }))
          throw new CommandError('只有本校校长、本乡镇的包乡镇人员或控辍办可以确认跟进逾期走访');
        const r = await acknowledgeVisitEscalationUseCase(
          { plans: deps.repo, clock: deps.clock, log: deps.log },
          { planId, no: Number(no) },
          { note: options.note },
          principal,
        );
        const ack = r.visit.acknowledged!;
        const pupil = maskName(found.plan.studentName);
        console.log(
          r.changed
            ? `已确认跟进 ${pupil} 第${r.visit.no}/${found.plan.visitCount}次走访（${ack.by.name}，${cstText(ack.at)}），不再继续向上级上报。`
            : `${pupil} 第${r.visit.no}次走访已由 ${ack.by.name} 于 ${cstText(ack.at)} 确认跟进，未作改动。`,
        );
      } finally {
        target.doc.destroy();
      }
    }),
  );
}

/**
 * `acknowledge-campaign <时段ID> <学校ID>`: an official takes a school's late (escalated) 大家访 on; its later
 * escalation steps are not sent. Held to the API's rule (the head, the township's 包乡镇人员, the area's 包片领导,
 * the office).
 */
export function registerAcknowledgeCampaign(program: Command): void {
  withTarget(
    program
      .command('acknowledge-campaign <时段ID> <学校ID>')
      .description('确认跟进逾期上报的学校大家访：不再继续向上级上报（教师仍按名单家访并收到提醒）')
      .requiredOption('--person <人员ID>', '确认人的人员ID（本校校长、本乡镇的包乡镇人员、本片包片领导或控辍办）')
      .option('--note <说明>', '跟进说明', ''),
  ).action((windowId: string, schoolId: string, options: Options) =>
    runCommand(async () => {
      const target = connectToRuntime(options);
      try {
        const deps = followUpDeps(target);
        const c = await deps.repo.getCampaign(windowId, schoolId);
        if (!c) throw new CommandError(`学校 ${schoolId} 在时段 ${windowId} 没有大家访名单`);
        const directory = await deps.directory.load();
        const principal = principalFor(directory, options.person);
        const township = directory.townships.find((t) => t.id === c.townshipId);
        const place = {
          schoolId: c.schoolId,
          townshipId: c.townshipId,
          ...(township ? { areaId: township.areaId } : {}),
        };
        if (!canAcknowledgeCampaign(principal, place))
          throw new CommandError('只有本校校长、本乡镇的包乡镇人员、本片包片领导或控辍办可以确认跟进逾期大家访');
        const r = await acknowledgeCampaignEscalationUseCase(
          { plans: deps.repo, clock: deps.clock, log: deps.log },
          { campaignId: windowId, schoolId },
          { note: options.note },
          principal,
        );
        const ack = r.campaign.acknowledged!;
        const school = directory.schools.find((s) => s.id === schoolId)?.name ?? schoolId;
        console.log(
          r.changed
            ? `已确认跟进 ${school} ${c.name}（${ack.by.name}，${cstText(ack.at)}），不再继续向上级上报。`
            : `${school} ${c.name}已由 ${ack.by.name} 于 ${cstText(ack.at)} 确认跟进，未作改动。`,
        );
      } finally {
        target.doc.destroy();
      }
    }),
  );
}
