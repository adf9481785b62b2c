import type { Command } from 'commander';
import { visitOutcomes } from '../../shared/domain/case.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { caseDeps } from './case-commands-support.ts';
import { actor, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

interface Options extends TargetOptions {
  by: string;
  outcome: (typeof visitOutcomes)[number];
  note?: string;
}

/** `log-visit <案件ID>`: a persuasion visit (家访/劝返) on a case. */
export function registerLogVisit(program: Command): void {
  withTarget(
    program
      .command('log-visit <案件ID>')
      .description('登记一次家访/劝返')
      .requiredOption('--by <姓名>', '家访人')
      .requiredOption('--outcome <结果>', `结果：${visitOutcomes.join('、')}`)
      .option('--note <说明>', '说明'),
  ).action((caseId: string, options: Options) =>
    runCommand(async () => {
      const target = connectToRuntime(options);
      try {
        const c = await logVisitUseCase(caseDeps(target), caseId, {
          by: actor(options.by),
          at: target.clock.now().toISOString(),
          outcome: options.outcome,
          ...(options.note ? { note: options.note } : {}),
        });
        console.log(`已登记家访：案件 ${caseId} 共 ${c.visitCount} 次家访，状态 ${c.state}`);
      } finally {
        target.doc.destroy();
      }
    }),
  );
}
