import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../shared/domain/time.ts';
import { JsonState } from './state-file.ts';

/** The repository's `.local/` folder: the default home of the runtime's data. */
export const defaultStateDir = fileURLToPath(new URL('../.local/', import.meta.url));

/** What `npm start` publishes in `.local/runtime.json` for the operator CLI. */
export interface RuntimeInfo {
  endpoint: string;
  tableName: string;
  region: string;
  pid: number;
  startedAt: string;
  stateDir: string;
  memory: boolean;
  /** The virtual clock: `virtualMs + (Date.now() - realMs) × speed` is the runtime's now. */
  clock: { virtualMs: number; realMs: number; speed: number };
  /** Where the SMS sink writes every message. */
  smsOutbox: string;
}

export const runtimeFilePath = (stateDir = defaultStateDir) => join(stateDir, 'runtime.json');

export function writeRuntimeInfo(stateDir: string, info: RuntimeInfo): void {
  new JsonState<RuntimeInfo>(runtimeFilePath(stateDir), () => info, 'runtime').set(info);
}

export function removeRuntimeInfo(stateDir: string): void {
  rmSync(runtimeFilePath(stateDir), { force: true });
}

/** Reads `.local/runtime.json`; undefined when the runtime is not running. */
export function readRuntimeInfo(stateDir = defaultStateDir): RuntimeInfo | undefined {
  const path = runtimeFilePath(stateDir);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as RuntimeInfo;
}

/** The runtime's virtual clock as seen from another process (the CLI). */
export function clockOf(info: Pick<RuntimeInfo, 'clock'>): Clock {
  return {
    now: () => new Date(info.clock.virtualMs + Math.floor((Date.now() - info.clock.realMs) * info.clock.speed)),
  };
}
