import type { Command } from 'commander';
import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoRollGroups } from '../../shared/adapters/dynamo/roll-groups.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { newId } from '../../shared/domain/ids.ts';
import { type Cadence, cadenceLabel } from '../../shared/domain/periods.ts';
import { cstDate } from '../../shared/domain/time.ts';
import { intakeFromReportUseCase } from '../../shared/use-cases/intake-from-report.ts';
import { submitReport } from '../../shared/use-cases/submit-report.ts';
import { CommandError, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

interface Options extends TargetOptions {
  cadence: Cadence;
  period?: string;
  enrolled: string;
  returned: string;
  notReturned?: string;
  droppedOut?: string;
}

const names = (list?: string) =>
  (list ?? '')
    .split(/[,，、]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** `file-report <学校ID>`: a school files its 日报/周报/月报 (the submit-report use case). */
export function registerFileReport(program: Command): void {
  withTarget(
    program
      .command('file-report <学校ID>')
      .description('学校报送日报/周报/月报')
      .option('--cadence <类型>', 'daily（日报）、weekly（周报）或 monthly（月报）', 'daily')
      .option('--period <周期>', '2023-02-16（日报）、2023-W08（周报）、2023-02（月报）；默认今天的日报')
      .requiredOption('--enrolled <人数>', '应到人数')
      .requiredOption('--returned <人数>', '已返校人数')
      .option('--not-returned <姓名>', '未按时返校学生姓名，逗号分隔')
      .option('--dropped-out <姓名>', '辍学学生姓名，逗号分隔'),
  ).action((schoolId: string, options: Options) =>
    runCommand(async () => {
      const { doc, tableName, clock } = connectToRuntime(options);
      try {
        const directory = await new DynamoDirectoryRepository(doc, tableName).load();
        const school = directory.schools.find((s) => s.id === schoolId);
        if (!school) throw new CommandError(`找不到学校 ${schoolId}`);
        const notReturned = names(options.notReturned);
        const droppedOut = names(options.droppedOut);
        const periodKey = options.period ?? cstDate(clock.now());
        const log = { info: () => {}, warn: () => {}, error: () => {} };
        const config = loadConfigFile();
        const result = await submitReport(
          {
            slots: new DynamoSlotRepository(doc, tableName),
            directory: new DynamoDirectoryLookup(doc, tableName),
            clock,
            log,
            config,
            onNotBack: (report) =>
              intakeFromReportUseCase(
                {
                  cases: {
                    repo: new DynamoCaseRepository(doc, tableName),
                    clock,
                    newId,
                    log,
                    groups: new DynamoRollGroups(doc, tableName, config.calendar.terms),
                  },
                  followUp: followUpDepsOf({ doc, tableName, clock, newId, log, config }),
                  directory: new DynamoDirectoryLookup(doc, tableName),
                },
                { ...report, by: { personId: school.headId, name: '学校报送' } },
              ),
          },
          {
            schoolId,
            cadence: options.cadence,
            periodKey,
            submission: {
              counts: {
                enrolled: Number(options.enrolled),
                returned: Number(options.returned),
                notReturned: notReturned.length,
                droppedOut: droppedOut.length,
              },
              notBack: [
                ...notReturned.map((studentName) => ({ studentName, status: 'not-returned' as const })),
                ...droppedOut.map((studentName) => ({ studentName, status: 'dropped-out' as const })),
              ],
              submittedBy: school.headId,
            },
          },
        );
        console.log(
          `已${result.resubmission ? '更新' : '报送'}：${school.name} ${periodKey} ${cadenceLabel[options.cadence]}` +
            `（${result.onTime ? '按时' : '逾期'}），未按时返校 ${notReturned.length} 人，辍学 ${droppedOut.length} 人。`,
        );
        const intake = result.intake;
        for (const caseId of intake.reopenedCaseIds)
          console.log(`复学跟踪期内再次未返校：案件 ${caseId} 已重新打开（保留原有记录）。`);
        for (const caseId of intake.openedCaseIds)
          console.log(`新建案件 ${caseId}（由报表自动建档，去向待核实，请补充监护人信息）。`);
        for (const caseId of intake.fedCaseIds) console.log(`在办案件 ${caseId}：已记入本期报表未返校。`);
        if (notReturned.length + droppedOut.length > 0)
          console.log(
            `案件处理：重新打开 ${intake.reopenedCaseIds.length} 件，记入在办 ${intake.fedCaseIds.length} 件，` +
              `新建 ${intake.openedCaseIds.length} 件，此前已处理 ${intake.unchangedCaseIds.length} 件` +
              `${intake.ambiguous > 0 ? `，另有 ${intake.ambiguous} 名学生对应多个案件，未自动处理，请在案件中人工核对` : ''}` +
              `${intake.skipped.length > 0 ? `，${intake.skipped.length} 名学生已免予/转出/休学或报表早于复学，未新建案件` : ''}。`,
          );
      } finally {
        doc.destroy();
      }
    }),
  );
}
