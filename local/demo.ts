import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cstLocalDateTime } from '../shared/domain/time.ts';
import { DEMO_START, demoConfig, playDemo } from './demo-scenario.ts';
import { StartupError, startRuntime } from './runtime.ts';
import { defaultStateDir } from './runtime-file.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** `npm run demo`: the scenario on a throwaway runtime (in-memory DynamoDB, paused virtual clock). */
async function main(): Promise<void> {
  const started = Date.now();
  console.log('控辍保学 本地演示：荔浦 2023 年春季学期开学（虚拟时钟，约 1 分钟内完成）');
  console.log('正在启动本地环境（DynamoDB Local，内存模式）…');
  const rt = await startRuntime({
    memory: true,
    start: DEMO_START,
    speed: 0,
    background: false,
    config: demoConfig(),
    publish: false,
    print: (line) => console.log(line.startsWith('📱') ? `        ${line}` : line),
  });
  try {
    const summary = await playDemo(rt, (line) => console.log(line));
    const path = join(defaultStateDir, 'demo-summary.json');
    writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
    console.log('\n━━ 小结 ━━');
    console.log(
      `虚拟时间 ${cstLocalDateTime(new Date(summary.virtualStart))} → ${cstLocalDateTime(new Date(summary.virtualEnd))}（北京时间）`,
    );
    console.log(
      `共发出短信 ${summary.messages.length} 条：${Object.entries(summary.countsByTemplate)
        .map(([t, n]) => `${t} ${n}`)
        .join('，')}`,
    );
    console.log(
      `单个干部单日最多收到短信 ${summary.officials.maxPerDay} 条（${summary.officials.who}，${summary.officials.day}）；` +
        `每轮每人至多 1 条（同一轮的催报合并），每个号码每天至多 ${summary.officials.dailyCap} 条`,
    );
    for (const m of summary.messages.filter(
      (x) => x.schoolId && Object.keys(summary.reports.lateSchools).includes(x.schoolId),
    )) {
      console.log(`  ${m.atCst.replace('T', ' ')}  ${m.label}（${m.phone}）  ${m.template}`);
    }
    if (summary.notCovered.length) console.log(`未演示（功能尚未合入）：${summary.notCovered.join('；')}`);
    console.log(`摘要已写入 ${path}；用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒。`);
  } finally {
    await rt.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof StartupError ? `❌ ${error.message}` : error);
  process.exit(1);
});
