import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startApiServer } from '../../functions/api/local-server.ts';
import { type DynamoDbPidRecord, processAlive, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { DYNAMODB_PID_FILE, type LocalRuntime, startRuntime } from '../../local/runtime.ts';
import { DAY_MS } from '../../shared/domain/time.ts';
import { runCliInProcess } from '../support/cli.ts';
import { testDynamoEndpoint } from '../support/dynamo.ts';

const HOUR_MS = 3_600_000;

const run = promisify(execFile);
const repoRoot = new URL('../../', import.meta.url).pathname;
const dirs: string[] = [];
const runtimes: LocalRuntime[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.stop();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-harden-'));
  dirs.push(dir);
  return dir;
};

/** `0100007F` (little-endian words, as /proc/net/tcp prints them) → `127.0.0.1`; tcp6 v4-mapped → the v4 address. */
function decodeProcAddress(hex: string): string {
  const v4 = (word: string) => [6, 4, 2, 0].map((i) => Number.parseInt(word.slice(i, i + 2), 16)).join('.');
  if (hex.length === 8) return v4(hex);
  const words = hex.match(/.{8}/g) ?? [];
  if (words[0] === '00000000' && words[1] === '00000000' && words[2] === 'FFFF0000') return v4(words[3]!);
  if (words.every((w) => w === '00000000')) return '::';
  return words.map((w) => w.match(/../g)!.reverse().join('')).join(':');
}

/** The local addresses of every listening TCP socket (v4 and v6) on this port, from the kernel's tables. */
function listeningAddresses(port: number): string[] {
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A = LISTEN
      const [address, hexPort] = local.split(':') as [string, string];
      if (Number.parseInt(hexPort, 16) === port) out.push(decodeProcAddress(address));
    }
  }
  return out;
}

/** Whether a TCP connection to host:port is accepted (true) or refused (false). */
const connects = (host: string, port: number) =>
  new Promise<boolean>((resolve, reject) => {
    const socket = createConnection({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve(false) : reject(error),
    );
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`connection to ${host}:${port} timed out`));
    });
  });

const nonLoopbackV4 = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('DynamoDB Local listens on 127.0.0.1 only', () => {
  it('the kernel shows its listening socket bound to 127.0.0.1, never to a wildcard address', async () => {
    const db = await startDynamoDbLocal();
    try {
      const addresses = listeningAddresses(db.port);

      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.every((a) => a === '127.0.0.1')).toBe(true);
      expect(await connects('127.0.0.1', db.port)).toBe(true);
    } finally {
      await db.stop();
    }
  });

  it.skipIf(!nonLoopbackV4)(
    'refuses connections on the machine’s non-loopback address, which is reachable',
    async () => {
      const db = await startDynamoDbLocal();
      // Control: a server on every interface is reachable through that address, so a refusal below means the bind.
      const control = createServer((s) => s.destroy());
      await new Promise<void>((resolve) => control.listen(0, '0.0.0.0', resolve));
      const controlPort = (control.address() as { port: number }).port;
      try {
        expect(await connects(nonLoopbackV4!, controlPort)).toBe(true);
        expect(await connects(nonLoopbackV4!, db.port)).toBe(false);
        expect(await connects('127.0.0.1', db.port)).toBe(true);
      } finally {
        control.close();
        await db.stop();
      }
    },
  );
});

describe('a JVM left behind by a killed `npm start`', () => {
  it('is found through the pid file and stopped at the next start', async () => {
    const stateDir = tempDir();
    const pidFile = join(stateDir, 'memory-run', DYNAMODB_PID_FILE);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/start.ts', '--memory', '--state-dir', stateDir, '--api-port', '0', '--speed', '0'],
      { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    children.push(child);
    let output = '';
    child.stdout?.on('data', (d) => {
      output += String(d);
    });
    child.stderr?.on('data', (d) => {
      output += String(d);
    });
    const deadline = Date.now() + 90_000;
    while (!output.includes('Ctrl-C') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(output).toContain('Ctrl-C');
    const record = JSON.parse(readFileSync(pidFile, 'utf8')) as DynamoDbPidRecord;
    expect(record.ownerPid).toBe(child.pid);

    // kill -9: no signal handler, no exit hook runs.
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 300));
    expect(processAlive(record.pid)).toBe(true); // the leftover is real

    const printed: string[] = [];
    const next = await startRuntime({
      stateDir,
      memory: true,
      specs: [],
      importDirectory: false,
      background: false,
      publish: false,
      print: (line) => printed.push(line),
    });
    runtimes.push(next);

    expect(processAlive(record.pid)).toBe(false);
    expect(printed.join('\n')).toContain(`已停止上次运行遗留的 DynamoDB Local（进程 ${record.pid}）`);
    const own = JSON.parse(readFileSync(pidFile, 'utf8')) as DynamoDbPidRecord;
    expect(own.ownerPid).toBe(process.pid);
    expect(own.pid).not.toBe(record.pid);
    await next.stop();
    runtimes.length = 0;
    expect(existsSync(pidFile)).toBe(false);
  });
});

/** The real entry (`npm run cli` = tsx local/cli.ts) in its own process: this file's one spawned CLI call. */
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'local/cli.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'cn-local-1' },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? 1,
      out: `${e.stdout ?? ''}${e.stderr ?? ''}`,
    }),
  );

const inProcess = (...args: string[]) =>
  runCliInProcess(args).then((r) => ({ code: r.exitCode, out: `${r.stdout}\n${r.stderr}` }));

describe('the operator CLI follows the runtime’s state dir and virtual clock', () => {
  it('writes with the runtime’s virtual time, and refuses a DynamoDB whose clock it does not know', async () => {
    const stateDir = tempDir();
    // Monday 2023-02-20 08:00 CST, paused: any write the CLI makes must carry exactly this instant.
    const virtualNow = '2023-02-20T00:00:00.000Z';
    const rt = await startRuntime({
      stateDir,
      memory: true,
      // The run's one DynamoDB Local: the JVM's own start is tested above, the CLI is the subject here.
      endpoint: testDynamoEndpoint(),
      tableName: `cli-${stateDir.slice(-6)}`,
      start: new Date(virtualNow),
      speed: 0,
      specs: [],
      background: false,
      print: () => {},
    });
    runtimes.push(rt);
    const school = 'maling-zhongxin';

    const viaStateDir = await cli(
      'file-report',
      school,
      '--enrolled',
      '10',
      '--returned',
      '10',
      '--state-dir',
      stateDir,
    );
    // The same CLI program in this process (test/support/cli.ts): the spawn above already proved the entry.
    const foreign = await inProcess(
      'file-report',
      school,
      '--enrolled',
      '10',
      '--returned',
      '10',
      '--endpoint',
      rt.endpoint,
    );
    const viaEndpoint = await inProcess(
      'file-report',
      'shuangjiang-zhongxin',
      '--enrolled',
      '10',
      '--returned',
      '10',
      '--endpoint',
      rt.endpoint,
      '--state-dir',
      stateDir,
    );

    expect(viaStateDir.out).toContain('2023-02-20 日报（按时）');
    expect(viaEndpoint.out).toContain('2023-02-20 日报（按时）');
    // Without --state-dir the default .local/ has no runtime on that endpoint: refused, nothing written.
    expect(foreign.code).toBe(1);
    expect(foreign.out).toContain('--state-dir');
    expect(foreign.out).toContain('--real-clock');
    const slots = await rt.doc.send(
      new ScanCommand({
        TableName: rt.tableName,
        FilterExpression: 'entity = :e',
        ExpressionAttributeValues: { ':e': 'SLOT' },
      }),
    );
    const submitted = (slots.Items ?? []).map((s) => [s.schoolId, s.submission?.submittedAt]).sort();
    expect(submitted).toEqual([
      ['maling-zhongxin', virtualNow],
      ['shuangjiang-zhongxin', virtualNow],
    ]);
  });

  it('says a runtime.json left by a dead process is not a running runtime', async () => {
    const stateDir = tempDir();
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(
      join(stateDir, 'runtime.json'),
      JSON.stringify({
        endpoint: 'http://127.0.0.1:9',
        tableName: 'gone',
        region: 'cn-local-1',
        pid: dead.pid,
        startedAt: '2023-02-20T00:00:00.000Z',
        stateDir,
        memory: true,
        clock: { virtualMs: 0, realMs: 0, speed: 0 },
        smsOutbox: join(stateDir, 'sms-outbox.jsonl'),
      }),
    );

    const r = await inProcess(
      'file-report',
      'maling-zhongxin',
      '--enrolled',
      '1',
      '--returned',
      '1',
      '--state-dir',
      stateDir,
    );

    expect(r.code).toBe(1);
    expect(r.out).toContain('本地环境没有运行');
    expect(r.out).toContain(`已退出的进程 ${dead.pid}`);
  });
});

describe('dev sign-in tokens live on real time, not on the virtual clock', () => {
  it('a token survives `advance 7d`, and still expires after 12 real hours', async () => {
    const stateDir = tempDir();
    const rt = await startRuntime({
      stateDir,
      memory: true,
      endpoint: testDynamoEndpoint(),
      tableName: `tokens-${stateDir.slice(-6)}`,
      start: new Date('2023-02-20T00:00:00Z'),
      speed: 0,
      specs: [],
      background: false,
      publish: false,
      print: () => {},
    });
    runtimes.push(rt);
    let realMs = Date.parse('2026-12-01T08:00:00Z');
    const api = await startApiServer({ deps: { ...rt.deps, devAuthClock: { now: () => new Date(realMs) } }, port: 0 });
    try {
      const people = (await (await fetch(`${api.url}/api/dev/people`)).json()) as { people: { personId: string }[] };
      const signIn = await fetch(`${api.url}/api/dev/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ personId: people.people[0]!.personId }),
      });
      const { token } = (await signIn.json()) as { token: string };
      const me = () => fetch(`${api.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

      await rt.advance(7 * DAY_MS);
      const afterAdvance = await me();
      realMs += 11 * HOUR_MS;
      const after11h = await me();
      realMs += 2 * HOUR_MS;
      const after13h = await me();

      expect(signIn.status).toBe(200);
      expect(rt.clock.now().toISOString()).toBe('2023-02-27T00:00:00.000Z');
      expect(afterAdvance.status).toBe(200);
      expect(after11h.status).toBe(200);
      expect(after13h.status).toBe(401);
    } finally {
      await api.close();
    }
  });
});
