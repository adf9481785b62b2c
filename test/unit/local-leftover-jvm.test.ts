import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type DynamoDbPidRecord, processAlive, stopLeftoverDynamoDbLocal } from '../../local/dynamodb-local.ts';

/*
 * Stand-ins for a leftover JVM: plain Node processes whose command line carries what the check looks for (the
 * launcher's class name and `-port N`), so the identity rules are exercised without starting Java.
 */
const dir = mkdtempSync(join(tmpdir(), 'baoxue-pidfile-'));
const pidFile = join(dir, 'dynamodb.pid');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(pidFile, { force: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lingering(...args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return child;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

const record = (r: Partial<DynamoDbPidRecord> & { pid: number; ownerPid: number }) =>
  writeFileSync(pidFile, JSON.stringify({ port: 4567, startedAt: '2026-12-01T00:00:00.000Z', ...r }));

describe('stopping a DynamoDB Local a killed run left behind', () => {
  it('stops the recorded JVM when its owner is gone and removes the pid file', async () => {
    const jvm = await lingering('LoopbackDynamoDbLocal', '-port', '4567');
    record({ pid: jvm.pid!, ownerPid: await deadPid() });

    const stopped = await stopLeftoverDynamoDbLocal(pidFile);

    expect(stopped).toBe(jvm.pid);
    expect(processAlive(jvm.pid!)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
  });

  it('leaves a JVM alone while its owner still runs (another runtime on the same folder)', async () => {
    const jvm = await lingering('LoopbackDynamoDbLocal', '-port', '4567');
    const owner = await lingering();
    record({ pid: jvm.pid!, ownerPid: owner.pid! });

    const stopped = await stopLeftoverDynamoDbLocal(pidFile);

    expect(stopped).toBeUndefined();
    expect(processAlive(jvm.pid!)).toBe(true);
    expect(existsSync(pidFile)).toBe(true);
  });

  it('never kills a process that reused the id: another program, or the launcher on another port', async () => {
    const stranger = await lingering('some-other-program');
    const otherPort = await lingering('LoopbackDynamoDbLocal', '-port', '9999');
    record({ pid: stranger.pid!, ownerPid: await deadPid() });
    const first = await stopLeftoverDynamoDbLocal(pidFile);
    record({ pid: otherPort.pid!, ownerPid: await deadPid() });
    const second = await stopLeftoverDynamoDbLocal(pidFile);

    expect([first, second]).toEqual([undefined, undefined]);
    expect(processAlive(stranger.pid!)).toBe(true);
    expect(processAlive(otherPort.pid!)).toBe(true);
    expect(existsSync(pidFile)).toBe(false); // the stale record is dropped
  });

  it('drops a pid file that is not JSON, and does nothing without one', async () => {
    writeFileSync(pidFile, 'not json');

    expect(await stopLeftoverDynamoDbLocal(pidFile)).toBeUndefined();
    expect(existsSync(pidFile)).toBe(false);
    expect(await stopLeftoverDynamoDbLocal(pidFile)).toBeUndefined();
  });
});
