import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoRollGroups } from '../../shared/adapters/dynamo/roll-groups.ts';
import { DynamoRollRepository } from '../../shared/adapters/dynamo/roll-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { readSheetRows } from '../../shared/adapters/tabular/sheet-reader.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { UnsupportedFileError } from '../../shared/domain/errors.ts';
import { newId } from '../../shared/domain/ids.ts';
import { normaliseName, normaliseRef } from '../../shared/domain/pupil-key.ts';
import { slotIdOf } from '../../shared/domain/report-slot.ts';
import { parseGrade, priorityFlags } from '../../shared/domain/roll.ts';
import { type ColumnSpec, mapHeader, rowReader } from '../../shared/domain/tabular.ts';
import {
  type Arrivals,
  compareRolls,
  describeComparison,
  intakeMissing,
  onlyGroup,
  type RollComparison,
} from '../../shared/use-cases/compare-rolls.ts';
import { intakeFromReportUseCase } from '../../shared/use-cases/intake-from-report.ts';
import { CommandError, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

export interface CompareRollsOptions extends TargetOptions {
  from: string;
  to: string;
  /** An attendance upload: XLSX/CSV with a 学籍号 column (or 姓名 + 年级) of the pupils who came. */
  arrivals?: string;
  /** The daily report of this date (YYYY-MM-DD): its not-back list says who did not come. */
  reportDate?: string;
  /** Open or feed cases for the missing pupils (through the report intake). */
  openCases?: boolean;
  /** Who looks: school (names), township (counts only). */
  view?: 'school' | 'township';
  /** List only one priority group (脱贫户, 残疾, 留守, 孤儿, 事实无人抚养, 随迁). */
  group?: string;
}

const arrivalColumns: readonly ColumnSpec<'ref' | 'name' | 'grade'>[] = [
  { key: 'ref', header: '学籍号', help: '到校学生的学籍号' },
  { key: 'name', header: '姓名', help: '没有学籍号时：姓名' },
  { key: 'grade', header: '年级', help: '没有学籍号时：年级' },
];

/** Reads an attendance upload (the pupils who came), streamed; a file without 学籍号 or 姓名 column is refused. */
export async function readArrivals(path: string): Promise<Arrivals> {
  const refs = new Set<string>();
  const names = new Set<string>();
  let index: Map<'ref' | 'name' | 'grade', number> | undefined;
  let sheet: string | undefined;
  for await (const row of readSheetRows(path)) {
    if (sheet && row.sheet !== sheet) break;
    if (!index) {
      if (row.cells.every((c) => !c.trim())) continue;
      const mapped = mapHeader(row.sheet, row, arrivalColumns);
      if (!mapped.index.has('ref') && !mapped.index.has('name')) {
        throw new CommandError(`到校记录 ${basename(path)} 第 ${row.row} 行应为表头，且须有“学籍号”或“姓名”列`);
      }
      index = mapped.index;
      sheet = row.sheet;
      continue;
    }
    const r = rowReader(row.sheet, row, arrivalColumns, index);
    if (r.blank()) continue;
    const ref = normaliseRef(r.get('ref'));
    if (ref) refs.add(ref);
    else if (r.get('name')) names.add(`${normaliseName(r.get('name'))}|${parseGrade(r.get('grade')) ?? ''}`);
  }
  return { kind: 'attendance', label: `到校名单 ${basename(path)}（${refs.size + names.size} 人）`, refs, names };
}

export async function runCompareRolls(
  schoolId: string,
  options: CompareRollsOptions,
): Promise<{ comparison: RollComparison; lines: string[] }> {
  if (options.arrivals && options.reportDate) throw new CommandError('--arrivals 与 --report-date 只能选一个');
  const { doc, tableName, clock } = connectToRuntime(options);
  try {
    const config = loadConfigFile();
    const directory = await new DynamoDirectoryRepository(doc, tableName).load();
    const school = directory.schools.find((s) => s.id === schoolId);
    if (!school) throw new CommandError(`找不到学校 ${schoolId}`);
    let arrivals: Arrivals | undefined;
    if (options.arrivals) {
      const path = resolve(options.arrivals);
      if (!existsSync(path)) throw new CommandError(`找不到到校记录文件：${path}`);
      arrivals = await readArrivals(path).catch((e: unknown) => {
        throw e instanceof UnsupportedFileError ? new CommandError(e.message) : e;
      });
    } else if (options.reportDate) {
      const slot = await new DynamoSlotRepository(doc, tableName).get(slotIdOf(schoolId, 'daily', options.reportDate));
      if (!slot?.submission) throw new CommandError(`${school.name} ${options.reportDate} 的日报尚未报送`);
      arrivals = {
        kind: 'report',
        label: `${options.reportDate} 日报（未返校 ${slot.submission.notBack.length} 人）`,
        notBack: slot.submission.notBack,
      };
    }
    const cases = new DynamoCaseRepository(doc, tableName);
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    const comparison = await compareRolls(
      { rolls: new DynamoRollRepository(doc, tableName), cases, terms: config.calendar.terms },
      { schoolId, from: options.from, to: options.to, ...(arrivals ? { arrivals } : {}) },
    );
    let shown = comparison;
    if (options.group) {
      const group = priorityFlags.find((f) => f === options.group);
      if (!group) throw new CommandError(`--group 只能是 ${priorityFlags.join('、')} 之一`);
      if (group === '脱贫户' && options.view === 'township') {
        throw new CommandError('脱贫户信息只向本校和领导小组办公室显示，乡镇视图不能按脱贫户筛选');
      }
      shown = onlyGroup(comparison, group);
    }
    const lines = describeComparison(shown, options.view === 'township' ? 'counts' : 'full');
    if (options.group)
      lines.splice(1, 0, `  （只列出重点群体“${options.group}”：${shown.missing.length} 人未按时返校）`);
    if (options.openCases && comparison.missing.length > 0) {
      const outcome = await intakeMissing(
        (report) =>
          intakeFromReportUseCase(
            {
              cases: {
                repo: cases,
                clock,
                newId,
                log,
                groups: new DynamoRollGroups(doc, tableName, config.calendar.terms),
              },
              followUp: followUpDepsOf({ doc, tableName, clock, newId, log, config }),
              directory: new DynamoDirectoryLookup(doc, tableName),
            },
            report,
          ),
        comparison,
        { personId: school.headId, name: '对比上学期' },
        clock.now(),
      );
      lines.push(
        `案件处理：新建 ${outcome.openedCaseIds.length} 件，记入在办 ${outcome.fedCaseIds.length} 件，` +
          `重新打开 ${outcome.reopenedCaseIds.length} 件，此前已处理 ${outcome.unchangedCaseIds.length} 件` +
          (outcome.ambiguous > 0 ? `，${outcome.ambiguous} 人对应多个案件未自动处理` : '') +
          (outcome.skipped.length > 0 ? `，${outcome.skipped.length} 人已免予/转出/休学未新建案件` : '') +
          '（每名学生只有一个案件）。',
      );
    } else if (comparison.missing.length > 0) {
      lines.push('（加 --open-cases 为以上学生建档或记入在办案件）');
    }
    return { comparison, lines };
  } finally {
    doc.destroy();
  }
}

export function registerCompareRolls(program: Command): void {
  withTarget(
    program
      .command('compare-rolls')
      .description('对比上学期：上学期名册、本学期名册与到校记录比对，列出未按时返校学生')
      .argument('<学校ID>', '学校ID')
      .requiredOption('--from <学期名>', '上学期，如 2022-2023学年第二学期')
      .requiredOption('--to <学期名>', '本学期，如 2023-2024学年第一学期')
      .option('--arrivals <文件>', '到校名单（XLSX/CSV，含“学籍号”列，或“姓名”“年级”列）')
      .option('--report-date <日期>', '以该日日报的未返校名单为到校记录（YYYY-MM-DD）')
      .option('--open-cases', '为未按时返校学生建档或记入在办案件（每名学生一个案件）')
      .option('--view <school|township>', 'township = 只显示人数（乡镇视图）', 'school')
      .option('--group <重点群体>', '只列出某一重点群体：脱贫户、残疾、留守、孤儿、事实无人抚养、随迁'),
  ).action((schoolId: string, options: CompareRollsOptions) =>
    runCommand(async () => {
      const { lines } = await runCompareRolls(schoolId, options);
      for (const line of lines) console.log(line);
    }),
  );
}
