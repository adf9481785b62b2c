import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoCrossCheckRepository } from '../../shared/adapters/dynamo/cross-check-repository.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoRegisterRepository } from '../../shared/adapters/dynamo/register-repository.ts';
import { DynamoRollRepository } from '../../shared/adapters/dynamo/roll-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { ledgersToXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { decisionInputSchema, strikeInputSchema, strikeReasonLabel } from '../../shared/domain/cross-check.ts';
import { fromZodIssues } from '../../shared/domain/errors.ts';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';
import { slotIdOf } from '../../shared/domain/report-slot.ts';
import { priorityFlags } from '../../shared/domain/roll.ts';
import { type Principal, principalOf } from '../../shared/domain/scope.ts';
import { splitList } from '../../shared/domain/tabular.ts';
import { cstDate } from '../../shared/domain/time.ts';
import {
  type CrossCheckDeps,
  decideCandidate,
  describeCrossCheck,
  runCrossCheck,
  strikeOff,
} from '../../shared/use-cases/cross-check.ts';
import { crossCheckSheets, groupSheet, rosterLedgers } from '../../shared/use-cases/roster-ledgers.ts';
import { CommandError, connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

/** The operator running the CLI without `--as` reads as the office (the CLI is the office's tool). */
const OPERATOR: Principal = { personId: 'cli-operator', name: '运维操作员', role: 'office' };

function depsOf(target: ReturnType<typeof connectToRuntime>): CrossCheckDeps {
  const { doc, tableName, clock } = target;
  const slots = new DynamoSlotRepository(doc, tableName);
  return {
    registers: new DynamoRegisterRepository(doc, tableName),
    rolls: new DynamoRollRepository(doc, tableName),
    cases: new DynamoCaseRepository(doc, tableName),
    checks: new DynamoCrossCheckRepository(doc, tableName),
    notBack: async (schoolId, date) => (await slots.get(slotIdOf(schoolId, 'daily', date)))?.submission?.notBack,
    clock,
    terms: loadConfigFile().calendar.terms,
  };
}

function actingAs(directory: DirectorySnapshot, personId: string | undefined): Principal {
  if (!personId) return OPERATOR;
  const person = directory.people.find((p) => p.id === personId);
  const principal = person && principalOf(person, { ...directory, ...directory.meta });
  if (!principal) throw new CommandError(`通讯录中没有可登录的人员 ${personId}`);
  return principal;
}

/** The configured term that contains the day, else the last one that started before it. */
function termOn(terms: readonly { name: string; start: string; end: string }[], day: string): string {
  const started = terms.filter((t) => t.start <= day).sort((a, b) => a.start.localeCompare(b.start));
  const within = started.find((t) => t.end >= day) ?? started.at(-1);
  if (!within) throw new CommandError(`没有 ${day} 之前开始的学期：请用 --term 指定`);
  return within.name;
}

interface CrossCheckOptions extends TargetOptions {
  term?: string;
  reportDate?: string;
  xlsx?: string;
  as?: string;
}

export async function runCrossCheckCommand(townshipId: string, options: CrossCheckOptions): Promise<string[]> {
  const target = connectToRuntime(options);
  try {
    const directory = await new DynamoDirectoryRepository(target.doc, target.tableName).load();
    const principal = actingAs(directory, options.as);
    const deps = depsOf(target);
    const term = options.term ?? termOn(deps.terms, cstDate(target.clock.now()));
    const result = await runCrossCheck(deps, {
      townshipId,
      term,
      directory,
      ...(options.reportDate ? { reportDate: options.reportDate } : {}),
    });
    const lines = describeCrossCheck(result, principal);
    if (options.xlsx) {
      const out = resolve(options.xlsx);
      await writeFile(out, await ledgersToXlsx(await crossCheckSheets(deps, { principal, directory }, townshipId)));
      lines.push(`已导出比对结果到 ${out}`);
    }
    lines.push(
      '逐条核查：npm run cli -- decide-candidate <乡镇ID> <编号> --confirm|--dismiss --reason <原因> --as <人员ID>',
    );
    return lines;
  } finally {
    target.doc.destroy();
  }
}

interface DecideOptions extends TargetOptions {
  confirm?: boolean;
  dismiss?: boolean;
  reason: string;
  note?: string;
  as: string;
}

export async function runDecide(townshipId: string, candidateId: string, options: DecideOptions): Promise<string[]> {
  if (Boolean(options.confirm) === Boolean(options.dismiss)) throw new CommandError('请用 --confirm 或 --dismiss 之一');
  const parsed = decisionInputSchema.safeParse({
    decision: options.confirm ? 'confirm' : 'dismiss',
    reason: options.reason,
    ...(options.note ? { note: options.note } : {}),
  });
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const target = connectToRuntime(options);
  try {
    const directory = await new DynamoDirectoryRepository(target.doc, target.tableName).load();
    const principal = actingAs(directory, options.as);
    const { candidate, entry } = await decideCandidate(
      depsOf(target),
      { principal, directory },
      { townshipId, candidateId, decision: parsed.data },
    );
    return [
      candidate.status === 'confirmed'
        ? `已确认 ${candidate.id}：记入辍学台账（台账编号 ${entry?.id}${entry && entry.relapses > 0 ? `，第 ${entry.relapses} 次复发` : ''}）。`
        : `已排除 ${candidate.id}：${candidate.decision?.reason}`,
    ];
  } finally {
    target.doc.destroy();
  }
}

interface LedgerOptions extends TargetOptions {
  township?: string;
  group?: string;
  xlsx?: string;
  as?: string;
}

export async function runRosterLedgers(options: LedgerOptions): Promise<string[]> {
  const group = options.group ? priorityFlags.find((f) => f === options.group) : undefined;
  if (options.group && !group)
    throw new CommandError(`--group 应为 ${priorityFlags.join('、')} 之一（收到“${options.group}”）`);
  const target = connectToRuntime(options);
  try {
    const directory = await new DynamoDirectoryRepository(target.doc, target.tableName).load();
    const principal = actingAs(directory, options.as);
    const { ledgers, groups } = await rosterLedgers(
      depsOf(target),
      { principal, directory },
      {
        ...(options.township ? { townshipId: options.township } : {}),
        ...(group ? { group } : {}),
      },
    );
    const out = resolve(options.xlsx ?? `控辍保学三本台账-${cstDate(target.clock.now())}.xlsx`);
    await writeFile(out, await ledgersToXlsx([...ledgers, groupSheet(groups)]));
    return [
      `已导出 ${ledgers.map((l) => `${l.title} ${l.rows.length} 行`).join('，')}${group ? `（仅${group}）` : ''} 到 ${out}`,
      ...groups.map(
        (g) =>
          `  ${g.township} ${g.group}：适龄 ${g.children} 人，在校 ${g.atSchool}，疑似辍学 ${g.suspected}，辍学台账 ${g.onLedger}（已销号 ${g.struck}）`,
      ),
    ];
  } finally {
    target.doc.destroy();
  }
}

interface StrikeOptions extends TargetOptions {
  reason: string;
  evidence: string;
  receivingSchool?: string;
  note?: string;
  as: string;
}

export async function runStrikeOff(entryId: string, options: StrikeOptions): Promise<string[]> {
  const parsed = strikeInputSchema.safeParse({
    reason: options.reason,
    evidence: splitList(options.evidence ?? ''),
    ...(options.receivingSchool ? { receivingSchool: options.receivingSchool } : {}),
    ...(options.note ? { note: options.note } : {}),
  });
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const target = connectToRuntime(options);
  try {
    const directory = await new DynamoDirectoryRepository(target.doc, target.tableName).load();
    const principal = actingAs(directory, options.as);
    const entry = await strikeOff(depsOf(target), { principal, directory }, { entryId, strike: parsed.data });
    return [
      `已销号 ${entry.id}：${strikeReasonLabel[parsed.data.reason]}（证明：${parsed.data.evidence.join('、')}）。`,
    ];
  } finally {
    target.doc.destroy();
  }
}

export function registerCrossCheck(program: Command): void {
  withTarget(
    program
      .command('cross-check')
      .description('四查三比对：乡镇户籍名单与全县学籍名册比对，列出适龄未入学、在籍不在校、脱贫户子女未在册')
      .argument('<乡镇ID>', '乡镇ID')
      .option('--term <学期名>', '比对哪个学期的名册（默认当前学期）')
      .option('--report-date <日期>', '同时用该日各校日报的未返校名单（YYYY-MM-DD）')
      .option('--xlsx <文件>', '把比对结果导出为 XLSX')
      .option('--as <人员ID>', '按该人员的权限显示（默认：领导小组办公室）'),
  ).action((townshipId: string, options: CrossCheckOptions) =>
    runCommand(async () => {
      for (const line of await runCrossCheckCommand(townshipId, options)) console.log(line);
    }),
  );
  withTarget(
    program
      .command('decide-candidate')
      .description('核查一条比对结果：确认（记入辍学台账）或排除，须写明原因')
      .argument('<乡镇ID>', '乡镇ID')
      .argument('<编号>', '比对结果编号（cross-check 列出的 xc-…）')
      .option('--confirm', '确认：从未入学 / 辍学，记入辍学台账')
      .option('--dismiss', '排除（如在外地就读、已迁出、重复登记）')
      .requiredOption('--reason <原因>', '核查结论')
      .option('--note <备注>', '备注')
      .requiredOption('--as <人员ID>', '核查人（包乡镇人员、学生所在学校校长或办公室）'),
  ).action((townshipId: string, candidateId: string, options: DecideOptions) =>
    runCommand(async () => {
      for (const line of await runDecide(townshipId, candidateId, options)) console.log(line);
    }),
  );
  withTarget(
    program
      .command('roster-ledgers')
      .description('导出三本台账（适龄儿童台账、疑似辍学台账、辍学台账，XLSX），按导出人的权限范围脱敏')
      .option('--township <乡镇ID>', '只导出某乡镇（默认：权限内全部乡镇）')
      .option(
        '--group <重点群体>',
        '只导出某重点群体：脱贫户、残疾、留守、孤儿、事实无人抚养、随迁（脱贫户限办公室和本校校长）',
      )
      .option('--xlsx <文件>', '输出文件（默认 控辍保学三本台账-<日期>.xlsx）')
      .option('--as <人员ID>', '按该人员的权限导出（默认：领导小组办公室）'),
  ).action((options: LedgerOptions) =>
    runCommand(async () => {
      for (const line of await runRosterLedgers(options)) console.log(line);
    }),
  );
  withTarget(
    program
      .command('strike-off')
      .description('辍学台账销号：须写明原因并附证明材料；再次辍学（新案件）时自动恢复')
      .argument('<台账编号>', '辍学台账编号（decide-candidate 输出的 id-…）')
      .requiredOption(
        '--reason <原因>',
        'returned（复学/入学）、transferred（转学）、exempted（免予/缓学）、moved-away（迁出）',
      )
      .requiredOption('--evidence <材料>', '证明材料，多项用顿号分隔')
      .option('--receiving-school <学校>', '转学销号的接收学校')
      .option('--note <备注>', '备注')
      .requiredOption('--as <人员ID>', '销号人（包乡镇人员、学生所在学校校长或办公室）'),
  ).action((entryId: string, options: StrikeOptions) =>
    runCommand(async () => {
      for (const line of await runStrikeOff(entryId, options)) console.log(line);
    }),
  );
}
