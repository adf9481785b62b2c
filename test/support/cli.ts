import { format } from 'node:util';
import { vi } from 'vitest';
import { runCli } from '../../local/cli-program.ts';

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs one operator CLI command in this process (no `tsx` process per call) and returns what it printed. Console
 * output is captured globally, so run commands one after another, never in parallel.
 */
export async function runCliInProcess(args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(format(...a)));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(format(...a)));
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_REGION', 'ap-southeast-1');
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await runCli(args);
    return { stdout: out.join('\n'), stderr: err.join('\n'), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
    log.mockRestore();
    error.mockRestore();
    vi.unstubAllEnvs();
  }
}
