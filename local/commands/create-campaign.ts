import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { completion } from '../../shared/domain/campaign.ts';
import { maskName } from '../../shared/domain/privacy.ts';
import { createSchoolCampaignUseCase } from '../../shared/use-cases/create-followup-plan.ts';
import { followUpDeps } from './followup-commands-support.ts';
import { CommandError, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

interface Options extends TargetOptions {
  window: string;
  school: string;
  households: string;
}

export interface HouseholdRow {
  ref: string;
  studentName: string;
  teacherId: string;
}

const HEADERS: Record<string, keyof HouseholdRow> = {
  ref: 'ref',
  学籍号: 'ref',
  编号: 'ref',
  studentname: 'studentName',
  name: 'studentName',
  姓名: 'studentName',
  学生姓名: 'studentName',
  teacherid: 'teacherId',
  teacher: 'teacherId',
  教师id: 'teacherId',
  教师: 'teacherId',
};

/** Splits one CSV line (RFC 4180 quotes, `""` inside quotes). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/**
 * The households file: UTF-8 CSV (a BOM is fine) with a header naming the columns `ref,studentName,teacherId`
 * (or 学籍号,姓名,教师ID), one household per line. Refuses a file without the three columns, naming the line.
 */
export function parseHouseholdsCsv(text: string): HouseholdRow[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, text: l }))
    .filter((l) => l.text.trim() !== '');
  const header = lines.shift();
  if (!header) throw new CommandError('名单文件是空的');
  const columns = cells(header.text).map((h) => HEADERS[h.toLowerCase()]);
  for (const need of ['ref', 'studentName', 'teacherId'] as const)
    if (!columns.includes(need))
      throw new CommandError('名单文件第1行应为表头 ref,studentName,teacherId（或 学籍号,姓名,教师ID）');
  return lines.map(({ line, text }) => {
    const values = cells(text);
    const row: Partial<HouseholdRow> = {};
    columns.forEach((c, i) => {
      if (c) row[c] = values[i] ?? '';
    });
    if (!row.ref || !row.studentName || !row.teacherId)
      throw new CommandError(`名单文件第${line}行缺少学籍号、姓名或教师ID`);
    return row as HouseholdRow;
  });
}

/** `create-campaign --window … --school … --households <csv>`: a school's 大家访 list for a configured window. */
export function registerCreateCampaign(program: Command): void {
  withTarget(
    program
      .command('create-campaign')
      .description('为某学校建立大家访名单（按配置的寒暑假前后时段，每户指定教师）')
      .requiredOption('--window <时段ID>', '大家访时段，如 2026-summer-before')
      .requiredOption('--school <学校ID>', '学校ID')
      .requiredOption('--households <CSV文件>', '名单 CSV：表头 ref,studentName,teacherId（或 学籍号,姓名,教师ID）'),
  ).action((options: Options) =>
    runCommand(async () => {
      let text: string;
      try {
        text = await readFile(options.households, 'utf8');
      } catch {
        throw new CommandError(`无法读取名单文件 ${options.households}`);
      }
      const households = parseHouseholdsCsv(text);
      const target = connectToRuntime(options);
      try {
        const deps = followUpDeps(target);
        const directory = await deps.directory.load();
        for (const h of households) {
          const teacher = directory.people.find((p) => p.id === h.teacherId && p.active !== false);
          if (!teacher || teacher.schoolId !== options.school)
            throw new CommandError(`教师 ${h.teacherId} 不是学校 ${options.school} 的在职人员（户 ${h.ref}）`);
        }
        const { campaign, created } = await createSchoolCampaignUseCase(deps, {
          windowId: options.window,
          schoolId: options.school,
          households,
        });
        const { total, byTeacher } = completion(campaign);
        console.log(
          `${created ? '已建立' : '已存在（未改动）'}：${campaign.name} ${options.school} 共 ${total} 户，` +
            `${campaign.start} 至 ${campaign.end}`,
        );
        for (const [teacherId, t] of byTeacher) console.log(`  教师 ${teacherId}：${t.total} 户`);
        for (const h of campaign.households) console.log(`  ${h.ref}  ${maskName(h.studentName)}  ${h.teacherId}`);
      } finally {
        target.doc.destroy();
      }
    }),
  );
}
