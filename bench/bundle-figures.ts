/**
 * Bundle sizes and module init of every function, bundled with the stack's options (infra/bundling.ts), side by side
 * with a bundle that only creates a DynamoDBDocumentClient. Init = the time of `await import('./index.mjs')` in a fresh
 * `node` process with the stack's environment (the handler module builds its clients and parses the config then),
 * median of `runs` processes each, alternating bundles so machine noise hits all alike. The functions' bundles are the
 * last `cdk synth`'s (cdk.out) while it is fresh, the very assets the stack deploys; otherwise they are bundled here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { deployedSpecs, entryOf, functionSpecs } from '../functions/manifest.ts';
import {
  assetFileCommands,
  BUNDLE,
  bundleTargetOf,
  lazyChunkCommands,
  lazyChunksOf,
  lazyPackagesOf,
  NODE_OPTIONS,
} from '../infra/bundling.ts';
import { configForEnv, loadConfigFile } from '../shared/config/load-config.ts';
import { assetDirOf, freshSynthAssets } from '../test/support/synth-assets.ts';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

export interface BundleFigure {
  name: string;
  bytes: number;
  targetBytes: number;
  /** Bytes of lazily loaded chunks (not read at init). */
  lazyBytes: number;
  initMs: number;
  /** initMs / the DynamoDB-only bundle's initMs. */
  initRatio: number;
}

const BASELINE = 'dynamodb-only';
const BASELINE_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => typeof doc.send;
`;

async function bundleOne(name: string, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    ...(name === BASELINE
      ? { stdin: { contents: BASELINE_SOURCE, resolveDir: root, loader: 'ts' } }
      : { entryPoints: [join(root, entryOf(name))] }),
    bundle: true,
    format: BUNDLE.format,
    target: BUNDLE.target,
    platform: BUNDLE.platform,
    mainFields: [...BUNDLE.mainFields],
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: false,
    banner: { js: BUNDLE.banner },
    external: lazyPackagesOf(name),
    outfile: join(outDir, 'index.mjs'),
    logLevel: 'warning',
  });
  for (const chunk of lazyChunksOf(name)) {
    execFileSync('bash', ['-c', lazyChunkCommands(chunk, root, outDir).join(' && ')], { cwd: root });
  }
  execFileSync('bash', ['-c', assetFileCommands(root, outDir).join(' && ')], { cwd: root });
}

const INIT_SCRIPT =
  "const t = performance.now(); import('./index.mjs').then(() => console.log((performance.now() - t).toFixed(2)))";

function initOnce(dir: string, name: string): number {
  const env = {
    PATH: process.env.PATH,
    AWS_REGION: 'ap-southeast-1',
    AWS_LAMBDA_FUNCTION_NAME: name,
    LAMBDA_TASK_ROOT: dir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: 'baoxue-table',
    APP_CONFIG: configForEnv(loadConfigFile()),
    POWERTOOLS_SERVICE_NAME: 'baoxue-bench',
    SCHEDULE_GROUP: 'group',
    TIMER_TARGET_ARN: 'arn:aws:lambda:ap-southeast-1:123456789012:function:target',
    TIMER_ROLE_ARN: 'arn:aws:iam::123456789012:role/timer',
    TIMER_DLQ_ARN: 'arn:aws:sqs:ap-southeast-1:123456789012:timers',
    ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
  };
  const run = spawnSync(process.execPath, ['-e', INIT_SCRIPT], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
  const ms = Number(run.stdout.trim());
  if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`${name}: init failed: ${run.stderr}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const sizeOf = (path: string) => statSync(path).size;

/** The functions the bureau's stage deploys (its SMS provider's): what cdk.out holds. */
const stageSpecs = () => deployedSpecs(functionSpecs, loadConfigFile().sms.provider.kind);

/**
 * The asset folder of every function in a fresh cdk.out, or undefined (no synth, a source changed since, a function
 * missing): then every function is bundled here.
 */
function synthesizedDirs(): Map<string, string> | undefined {
  const assets = freshSynthAssets();
  if (!assets) return undefined;
  const dirs = new Map(stageSpecs().map((s) => [s.name, assetDirOf(assets, s.name)] as const));
  if ([...dirs.values()].some((d) => !d || !existsSync(join(d, 'index.mjs')))) return undefined;
  return dirs as Map<string, string>;
}

/** Bundles the baseline (and every function unless cdk.out has them), measures them, removes what it bundled. */
export async function bundleFigures(
  runs: number,
): Promise<{ figures: BundleFigure[]; baselineMs: number; source: 'cdk.out' | 'bundled' }> {
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-bench-bundles-'));
  try {
    const specs = stageSpecs();
    const names = [BASELINE, ...specs.map((s) => s.name)];
    const synthesized = synthesizedDirs();
    const dirOf = (name: string) => synthesized?.get(name) ?? join(dir, name);
    for (const name of synthesized ? [BASELINE] : names) await bundleOne(name, join(dir, name));
    const samples = new Map<string, number[]>(names.map((n) => [n, []]));
    for (let i = 0; i < runs; i++) {
      for (const name of names) samples.get(name)!.push(initOnce(dirOf(name), name));
    }
    const baselineMs = median(samples.get(BASELINE)!);
    const figures = specs.map((s) => {
      const initMs = median(samples.get(s.name)!);
      const lazyBytes = lazyChunksOf(s.name).reduce(
        (sum, c) => sum + sizeOf(join(dirOf(s.name), 'lazy', `${c.file}.mjs`)),
        0,
      );
      return {
        name: s.name,
        bytes: sizeOf(join(dirOf(s.name), 'index.mjs')),
        targetBytes: bundleTargetOf(s.name),
        lazyBytes,
        initMs,
        initRatio: initMs / baselineMs,
      };
    });
    return { figures, baselineMs, source: synthesized ? 'cdk.out' : 'bundled' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
