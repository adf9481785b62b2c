import type { Command } from 'commander';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { itemToSlot } from '../../shared/adapters/dynamo/slot-repository.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { cadenceLabel } from '../../shared/domain/periods.ts';
import { ladderStageLabel } from '../../shared/domain/templates/report-templates.ts';
import { connectToRuntime, cstText, runCommand, scanEntity, type TargetOptions, withTarget } from './runtime-target.ts';

/** `late-reports`: report slots still open after their deadline, with how far their ladder has climbed. */
export function registerLateReports(program: Command): void {
  withTarget(program.command('late-reports').description('列出逾期未报的日报/周报/月报')).action(
    (options: TargetOptions) =>
      runCommand(async () => {
        const { doc, tableName, clock } = connectToRuntime(options, { scan: true });
        try {
          const now = clock.now().toISOString();
          const directory = await new DynamoDirectoryRepository(doc, tableName).load();
          const config = loadConfigFile();
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
            const level = ladderStageLabel(s.nextLevel, config.reports.ladders[s.cadence].length);
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
