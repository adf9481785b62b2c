import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type ApiServer, startApiServer } from '../functions/api/local-server.ts';
import { SchoolCalendar } from '../shared/domain/calendar.ts';
import { gapBanner } from '../shared/domain/calendar-alerts.ts';
import { cstDate, cstInstant, cstLocalDateTime, parseDuration } from '../shared/domain/time.ts';
import { CALENDAR_WARNING_DAYS } from '../shared/use-cases/open-reports.ts';
import { type LocalRuntime, StartupError, startRuntime } from './runtime.ts';
import { type LocalSmsMode, localSmsModes } from './sms-provider-local.ts';
import { CorruptStateError } from './state-file.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP = `用法 / usage: npm start -- [选项]
  --memory            DynamoDB 放在内存里，退出即丢弃 / throwaway run, nothing kept
  --port <端口>        DynamoDB Local 端口（默认自动选择）/ DynamoDB Local port (default: a free one)
  --speed <倍数>       虚拟时钟速度，0 = 暂停（默认 1）/ virtual clock speed, 0 pauses (default 1)
  --start <时间>       虚拟时钟起点，北京时间，如 2023-02-16 或 2023-02-16T08:00 / clock start (CST)
  --table <表名>       表名（默认 baoxue-local）/ table name
  --state-dir <目录>   数据目录（默认 .local/）/ data folder
  --api-port <端口>    HTTP API 与网页控制台端口（默认 3000，0 = 自动）/ HTTP API and web console port (default 3000)
  --sms <方式>         sink（默认，本地短信接收器）| tencent | aliyun（真实适配器 + 本地模拟接口）/ SMS path
运行中可输入 / while running, type:
  advance 7d | 快进 2h    虚拟时间前进（沿途触发到期的定时器）/ jump ahead, firing what falls due
  speed 60              改变时钟速度 / change the clock speed
  now | 时间             显示虚拟时间 / show the virtual time
  timers | 定时器         列出待触发的一次性定时器 / list pending one-time timers
  quit | 退出            停止（同 Ctrl-C）/ stop (same as Ctrl-C)`;

/** `2023-02-16` or `2023-02-16T08:00` (CST) or a full ISO instant with offset. */
export function parseStart(text: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?$/.exec(text.trim());
  if (m) return cstInstant(m[1]!, m[2] ?? '00:00');
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new StartupError(`无法识别的时间 / not a time: ${text}`);
  return d;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      memory: { type: 'boolean', default: false },
      port: { type: 'string' },
      speed: { type: 'string' },
      start: { type: 'string' },
      table: { type: 'string' },
      'state-dir': { type: 'string' },
      'api-port': { type: 'string' },
      sms: { type: 'string', default: 'sink' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new StartupError(`端口无效 / invalid port: ${values.port}`);
  }
  const apiPort = values['api-port'] === undefined ? 3000 : Number(values['api-port']);
  if (!(Number.isInteger(apiPort) && apiPort >= 0 && apiPort < 65536)) {
    throw new StartupError(`端口无效 / invalid port: ${values['api-port']}`);
  }
  const speed = values.speed === undefined ? undefined : Number(values.speed);
  if (speed !== undefined && !(speed >= 0)) throw new StartupError(`速度无效 / invalid speed: ${values.speed}`);

  const sms = values.sms as LocalSmsMode;
  if (!localSmsModes.includes(sms))
    throw new StartupError(`--sms 只能是 ${localSmsModes.join(' | ')} / --sms must be one of them: ${values.sms}`);

  console.log('正在启动本地环境… / starting the local runtime…');
  const runtime = await startRuntime({
    memory: values.memory,
    ...(port !== undefined ? { port } : {}),
    ...(speed !== undefined ? { speed } : {}),
    ...(values.start ? { start: parseStart(values.start) } : {}),
    ...(values.table ? { tableName: values.table } : {}),
    ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
    echoWarnings: true,
    sms,
  });
  let api: ApiServer;
  try {
    // The same API handler the cloud runs, behind a local HTTP server that also serves the web console.
    api = await startApiServer({ deps: runtime.deps, port: apiPort, webhooks: runtime.webhooks });
  } catch (error) {
    await runtime.stop();
    const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new StartupError(
      busy
        ? `端口 ${apiPort} 已被占用，请用 --api-port 指定其他端口 / port ${apiPort} is busy: pass --api-port`
        : `HTTP API 启动失败 / the HTTP API did not start: ${(error as Error).message}`,
    );
  }
  printBanner(runtime, values.memory);
  console.log(`网页控制台 / web console: ${api.url}/  （本地登录：选择目录中的人员 / dev sign-in: pick a person）`);

  // Delivery receipts reach the outbox every 2 s: a provider fake's (its callback or pull), or the sink's SNS
  // delivery-status logs (a send at least 1 s old: the dispatcher has marked it SENT with its MessageId lookup).
  const receiptPump = runtime.hasReceipts
    ? setInterval(() => {
        void runtime
          .pullReceipts({ minAgeMs: 1000 })
          .catch((error) => console.error(`回执处理失败 / receipts failed: ${(error as Error).message}`));
      }, 2000)
    : undefined;

  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    if (receiptPump) clearInterval(receiptPump);
    console.log('\n正在停止… / stopping…');
    await api.close();
    await runtime.stop();
    console.log('已停止，DynamoDB Local 已关闭。/ stopped; DynamoDB Local is down.');
    process.exit(code);
  };
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130); // a second Ctrl-C does not wait
    void stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    void handleCommand(runtime, line.trim(), () => void stop(0)).catch((error) =>
      console.error(`命令失败 / command failed: ${(error as Error).message}`),
    );
  });
  // stdin closing (e.g. `npm start < /dev/null`) does not stop the runtime: only a signal or `quit` does.
}

function printBanner(runtime: LocalRuntime, memory: boolean): void {
  console.log(
    `DynamoDB Local: ${runtime.endpoint}  表/table: ${runtime.tableName}${memory ? '（内存/in memory）' : ''}`,
  );
  console.log(`数据目录 / data: ${runtime.stateDir}`);
  for (const spec of runtime.specs) {
    const triggers = spec.triggers
      .map((t) =>
        t.kind === 'schedule'
          ? `定时 cron(${t.cron}) ${t.timezone}`
          : t.kind === 'stream'
            ? `Stream（批 ${t.batchSize}，重试 ${t.maxRetries}）`
            : t.kind === 'timer-target'
              ? '一次性定时器目标 / timer target'
              : t.kind === 'log-subscription'
                ? '短信送达状态日志（每次发送后由本地短信接收器产生）/ SMS delivery-status logs (the sink emits one per send)'
                : t.kind === 'webhook'
                  ? `回调 POST ${t.path}`
                  : 'HTTP API（见下方网页控制台地址 / see the web console URL below）',
      )
      .join('；');
    console.log(`  · ${spec.name}: ${triggers}`);
  }
  if (runtime.specs.length === 0) console.log('  （清单中还没有函数 / the manifest has no functions yet）');
  console.log(
    `虚拟时间 / virtual time: ${cstLocalDateTime(runtime.clock.now())} 北京时间，速度/speed ×${runtime.clock.speed}`,
  );
  for (const gap of new SchoolCalendar(runtime.config.calendar).gaps(
    cstDate(runtime.clock.now()),
    CALENDAR_WARNING_DAYS,
  ))
    console.log(`⚠ ${gapBanner(gap)}`);
  console.log('输入 help 查看命令，Ctrl-C 停止。/ type help for commands, Ctrl-C to stop.');
}

async function handleCommand(runtime: LocalRuntime, line: string, quit: () => void): Promise<void> {
  const [command, ...args] = line.split(/\s+/);
  switch (command) {
    case '':
    case undefined:
      return;
    case 'advance':
    case '快进': {
      const ms = parseDuration(args.join(''));
      console.log(`⏩ 快进 ${args.join('')} …`);
      await runtime.advance(ms, { cronResolutionMs: 60_000 });
      console.log(`⏱  现在 / now: ${cstLocalDateTime(runtime.clock.now())} 北京时间`);
      return;
    }
    case 'speed':
    case '速度':
      runtime.clock.setSpeed(Number(args[0]));
      console.log(`时钟速度 / clock speed ×${runtime.clock.speed}`);
      return;
    case 'now':
    case '时间':
      console.log(`⏱  ${cstLocalDateTime(runtime.clock.now())} 北京时间 (×${runtime.clock.speed})`);
      return;
    case 'timers':
    case '定时器': {
      const timers = runtime.scheduler.pendingTimers();
      if (timers.length === 0) console.log('没有待触发的定时器 / no pending timers');
      for (const t of timers) console.log(`  ${cstLocalDateTime(new Date(t.at))}  ${t.name}`);
      return;
    }
    case 'help':
    case '帮助':
      console.log(HELP);
      return;
    case 'quit':
    case 'exit':
    case '退出':
      quit();
      return;
    default:
      console.log(`未知命令 / unknown command: ${command}（输入 help）`);
  }
}

main().catch((error) => {
  if (error instanceof StartupError || error instanceof CorruptStateError) console.error(`\n❌ ${error.message}`);
  else console.error('\n❌ 启动失败 / failed to start:', error);
  process.exit(1);
});
