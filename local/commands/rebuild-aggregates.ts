import type { Command } from 'commander';
import { rebuildAggregates } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { backfillCaseLog } from '../../shared/adapters/dynamo/case-log-backfill.ts';
import { backfillLateIndex } from '../../shared/adapters/dynamo/slot-repository.ts';
import { connectToRuntime, runCommand, type TargetOptions, withTarget } from './runtime-target.ts';

/**
 * Recomputes the statistics aggregates (per school, township and county; day, ISO week, month, all time) from
 * the report slots, cases, notices, visits and campaigns (one Scan), and sets each source's guard to its current
 * version. For a new table, after a bulk load or restore that bypassed the stream, or when reconcile's
 * `AggregateMismatches` alarm fires. First it gives open report slots written before the late index (gsi3) their
 * late-index keys, and case and notice messages written before the paged message log their case-log keys, so a
 * deployed table migrates with this command. Best run while nothing writes. Returns the lines
 * it prints (Chinese).
 */
export async function runRebuildAggregates(options: TargetOptions): Promise<{ lines: string[] }> {
  // A deployed stage too (--endpoint aws): the rebuild is how its aggregates are repaired.
  const { doc, tableName } = connectToRuntime(options);
  try {
    const started = Date.now();
    const late = await backfillLateIndex(doc, tableName);
    const log = await backfillCaseLog(doc, tableName);
    const r = await rebuildAggregates(doc, tableName);
    return {
      lines: [
        `统计汇总已重新计算（表 ${tableName}，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒）：`,
        `  源数据 ${r.sources} 条（报表、个案、通知书、家访、大家访）`,
        `  乡镇汇总 ${r.townshipItems} 条，全县汇总 ${r.countyItems} 条，去重标记 ${r.guards} 条`,
        `  删除过时的汇总或标记 ${r.removed} 条`,
        `  案件短信记录索引：补写短信和提醒 ${log.updated} 条${log.skipped ? `，跳过 ${log.skipped} 条` : ''}`,
        `  迟报索引：补写未报报表 ${late.updated} 条${late.skipped ? `，期间已变更跳过 ${late.skipped} 条` : ''}`,
      ],
    };
  } finally {
    doc.destroy();
  }
}

/** `rebuild-aggregates`: the operator command around `runRebuildAggregates`. */
export function registerRebuildAggregates(program: Command): void {
  withTarget(
    program.command('rebuild-aggregates').description('按源数据重新计算统计汇总（报表、个案、通知书、家访）'),
  ).action((options: TargetOptions) =>
    runCommand(async () => {
      for (const line of (await runRebuildAggregates(options)).lines) console.log(line);
    }),
  );
}
