import type { Command } from 'commander';
import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { caseKindLabel, caseKinds } from '../../shared/domain/case.ts';
import { maskName } from '../../shared/domain/privacy.ts';
import { openOrReopenCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { caseDeps } from './case-commands-support.ts';
import { actor, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

interface Options extends TargetOptions {
  school: string;
  student: string;
  studentRef?: string;
  grade?: string;
  kind: (typeof caseKinds)[number];
  reason: string;
  whereabouts: string;
  teacher: string;
  guardian: string;
  guardianPhone?: string;
  by: string;
  allowDuplicate?: boolean;
}

/**
 * `open-case`: a school opens a case for a pupil not at school (未按时返校 / 辍学 / 从未入学). A pupil with an open
 * case is refused (the error names it; `--allow-duplicate` for a different pupil of the same name); a returned
 * case within its follow-up window is reopened instead of opening a new one.
 */
export function registerOpenCase(program: Command): void {
  withTarget(
    program
      .command('open-case')
      .description('为未按时返校/辍学学生开案')
      .requiredOption('--school <学校ID>', '学校')
      .requiredOption('--student <姓名>', '学生姓名')
      .option('--student-ref <学籍号>', '学籍号（用于识别同一学生，避免重复开案）')
      .option('--grade <年级>', '年级')
      .option('--kind <类型>', `类型：${caseKinds.join('、')}`, 'not-returned')
      .requiredOption('--reason <原因>', '原因')
      .requiredOption('--whereabouts <去向>', '去向')
      .requiredOption('--teacher <姓名>', '科任教师包人')
      .requiredOption('--guardian <姓名>', '法定监护人姓名')
      .option('--guardian-phone <手机>', '监护人手机（+86…）')
      .requiredOption('--by <姓名>', '开案人')
      .option('--allow-duplicate', '确认为同名的另一名学生：即使本校已有该姓名的未结案案件也开新案'),
  ).action((options: Options) =>
    runCommand(async () => {
      const target = connectToRuntime(options);
      try {
        const deps = caseDeps(target);
        const r = await openOrReopenCaseUseCase(
          {
            cases: deps,
            followUp: followUpDepsOf({
              ...deps,
              doc: target.doc,
              tableName: target.tableName,
              config: loadConfigFile(),
            }),
          },
          {
            schoolId: options.school,
            studentName: options.student,
            ...(options.studentRef ? { studentRef: options.studentRef } : {}),
            ...(options.grade ? { grade: options.grade } : {}),
            kind: options.kind,
            reason: options.reason,
            whereabouts: options.whereabouts,
            responsibleTeacher: actor(options.teacher),
            guardian: { name: options.guardian, ...(options.guardianPhone ? { phone: options.guardianPhone } : {}) },
            openedBy: actor(options.by),
            ...(options.allowDuplicate ? { allowDuplicate: true } : {}),
          },
        );
        const c = r.case;
        console.log(
          r.reopened
            ? `已重新开案 ${c.id}：学生 ${maskName(c.studentName)} 复学后仍在跟踪期内，原案件恢复处理（未新建案件）`
            : `已开案 ${c.id}：${options.school} 学生 ${maskName(c.studentName)}（${caseKindLabel[c.kind]}）`,
        );
      } finally {
        target.doc.destroy();
      }
    }),
  );
}
