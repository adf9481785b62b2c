import type { Command } from 'commander';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { type Case, caseKindLabel } from '../../shared/domain/case.ts';
import { maskName } from '../../shared/domain/privacy.ts';
import { connectToRuntime, cstText, runCommand, scanEntity, type TargetOptions, withTarget } from './runtime-target.ts';

const OPEN_STATES: Record<string, string> = {
  opened: '已开案',
  persuading: '劝返中',
  'notice-issued': '已发通知书',
  lapsed: '通知书逾期',
  escalated: '已上报',
};

/** `open-cases`: cases not yet closed (returned, exempted, transferred, suspended), child names masked. */
export function registerOpenCases(program: Command): void {
  withTarget(
    program.command('open-cases').description('列出未结案的控辍个案').option('--school <学校ID>', '只看某学校'),
  ).action((options: TargetOptions & { school?: string }) =>
    runCommand(async () => {
      const { doc, tableName } = connectToRuntime(options, { scan: true });
      try {
        const directory = await new DynamoDirectoryRepository(doc, tableName).load();
        const schoolName = new Map(directory.schools.map((s) => [s.id, s.name]));
        const open = (await scanEntity(doc, tableName, 'CASE'))
          .map((item) => item as unknown as Case)
          .filter((c) => c.state in OPEN_STATES && (!options.school || c.schoolId === options.school))
          .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
        if (open.length === 0) {
          console.log('没有未结案的个案。');
          return;
        }
        console.log(`未结案个案 ${open.length} 件：`);
        for (const c of open) {
          console.log(
            `  ${c.id}  ${schoolName.get(c.schoolId) ?? c.schoolId}  ${maskName(c.studentName)}  ${caseKindLabel[c.kind]}  ` +
              `${OPEN_STATES[c.state]}  家访 ${c.visitCount} 次  开案 ${cstText(c.openedAt)}`,
          );
        }
      } finally {
        doc.destroy();
      }
    }),
  );
}
