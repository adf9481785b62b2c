import type { Command } from 'commander';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { itemToSlot } from '../../shared/adapters/dynamo/slot-repository.ts';
import { cadenceLabel } from '../../shared/domain/periods.ts';
import { connectToRuntime, cstText, runCommand, scanEntity, type TargetOptions, withTarget } from './runtime-target.ts';

const LEVELS = ['尚未催报', '已提醒校长', '已通知包乡镇人员', '已通知包片领导', '已通知总负责人和办公室'];

/** `late-reports`: report slots still open after their deadline, with how far their ladder has climbed. */
export function registerLateReports(program: Command): void {
  withTarget(program.command('late-reports').description('列出逾期未报的日报/周报/月报')).action(
    (options: TargetOptions) =>
      runCommand(async () => {
        const { doc, tableName, clock } = connectToRuntime(options, { scan: true });
        try {
          const now = clock.now().toISOString();
          const directory = await new DynamoDirectoryRepository(doc, tableName).load();
          const schoolName = new Map(directory.schools.map((s) => [s.id, s.name]));
          const late = (await scanEntity(doc, tableName, 'SLOT'))
            .map(itemToSlot)
            .filter((s) => s.state === 'OPEN' && s.deadline <= now)
            .sort((a, b) => a.deadline.localeCompare(b.deadline) || a.schoolId.localeCompare(b.schoolId));
          if (late.length === 0) {
            console.log(`截至 ${cstText(now)}，没有逾期未报的报表。`);
            return;
          }
          console.log(`截至 ${cstText(now)}（北京时间），逾期未报 ${late.length} 份：`);
          for (const s of late) {
            const level = LEVELS[Math.min(s.nextLevel, LEVELS.length - 1)];
            console.log(
              `  ${schoolName.get(s.schoolId) ?? s.schoolId}  ${s.periodKey} ${cadenceLabel[s.cadence]}  截止 ${cstText(s.deadline)}  ${level}`,
            );
          }
        } finally {
          doc.destroy();
        }
      }),
  );
}
