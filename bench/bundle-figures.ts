/**
 * Bundle sizes and module init of every function, bundled with the stack's options (infra/bundling.ts), side by side
 * with a bundle that only creates a DynamoDBDocumentClient. Init = the time of `await import('./index.mjs')` in a fresh
 * `node` process with the stack's environment (the handler module builds its clients and parses the config then),
 * median of `runs` processes each, alternating bundles so machine noise hits all alike. The functions' bundles are the
 * last `cdk synth`'s (cdk.out) while it is fresh, the very assets the stack deploys; otherwise they are bundled here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { availableParallelism as cpus, loadavg, tmpdir } from 'node:os';
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

/** Module init of a function at most this many times the DynamoDB-only bundle's. */
export const INIT_RATIO_TARGET = 1.6;

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

function initEnv(dir: string, name: string) {
  return {
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
}

function initOnce(dir: string, name: string, nodeFlags: string[] = []): number {
  const run = spawnSync(process.execPath, [...nodeFlags, '-e', INIT_SCRIPT], {
    cwd: dir,
    env: initEnv(dir, name),
    encoding: 'utf8',
    timeout: 30_000,
  });
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

/** Measures every bundle (`runs` fresh processes each) and prints the table bench:scale and bench:bundles show. */
export async function printBundleFigures(runs: number): Promise<BundleFigure[]> {
  const load = loadavg()[0]!.toFixed(2);
  const { figures, baselineMs, source } = await bundleFigures(runs);
  console.log(
    source === 'cdk.out'
      ? '\nbundles: the last cdk synth (cdk.out is newer than every source)'
      : '\nbundles: bundled here (cdk.out is missing or older than a source; `npm run synth` first reuses it)',
  );
  console.log(
    `\n| function | index.mjs KB | target KB | lazy chunks KB | init ms | init / DynamoDB-only (${baselineMs.toFixed(0)} ms) |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const f of figures) {
    console.log(
      `| ${f.name} | ${(f.bytes / 1000).toFixed(0)} | ${(f.targetBytes / 1000).toFixed(0)}${f.bytes > f.targetBytes ? ' (over)' : ''} | ${(f.lazyBytes / 1000).toFixed(0)} | ${f.initMs.toFixed(0)} | ${f.initRatio.toFixed(2)}${f.initRatio > INIT_RATIO_TARGET ? ' (over)' : ''} |`,
    );
  }
  console.log(
    `init runs per bundle: ${runs} (median, interleaved; the init target is <= ${INIT_RATIO_TARGET}x); ` +
      `load average before: ${load} on ${cpus()} cores`,
  );
  return figures;
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Bundles function `name` (or takes cdk.out's), imports it once under `node --cpu-prof` and prints where its module
 * init spends its time: self time by source file or package (the bundle's frames mapped through index.mjs.map; Node's
 * own parsing and compiling of the bundle shows as `utils` / `compileSourceTextModule`), by the nearest project module
 * on the stack (the bundle's top-level code is one function, so module-level work mostly shows as "no project
 * frame"), and the heaviest functions. The profile stays in `outDir` (open it in Chrome DevTools).
 */
export async function profileInit(name: string, outDir: string): Promise<string> {
  const dir = synthesizedDirs()?.get(name) ?? join(outDir, name);
  if (dir === join(outDir, name)) await bundleOne(name, dir);
  const ms = initOnce(dir, name, ['--cpu-prof', `--cpu-prof-dir=${outDir}`, '--cpu-prof-interval=100']);
  const file = readdirSync(outDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(outDir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  // The bundle's own frames are mapped back to their source file (or package) through index.mjs.map.
  const mapFile = join(dir, 'index.mjs.map');
  const map = existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined;
  const sourceOf = (f: CpuProfile['nodes'][number]['callFrame']) => {
    if (!f.url) return f.functionName || '(native)';
    if (!f.url.endsWith('/index.mjs') || !map) return f.url.replace(/^.*\/(lazy\/)?/, '$1');
    const entry = map.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string };
    const source = entry.originalSource ?? 'index.mjs';
    return (
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1] ??
      source.replace(/^(\.\.\/)+/, '').replace(/^.*?\/(shared|functions)\//, '$1/')
    );
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parentOf = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id] as const)));
  const self = new Map<string, number>();
  const bySource = new Map<string, number>();
  // Each sample charged to the nearest project module on its stack: what a project file's import-time work costs,
  // including the zod, SDK and Powertools code it calls.
  const byProjectModule = new Map<string, number>();
  const projectModuleOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const source = sourceOf(byId.get(at)!);
      if (/^(shared|functions)\//.test(source)) return source;
    }
    return '(no project frame)';
  };
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + ms);
    const source = sourceOf(f);
    bySource.set(source, (bySource.get(source) ?? 0) + ms);
    const module = projectModuleOf(id);
    byProjectModule.set(module, (byProjectModule.get(module) ?? 0) + ms);
  });
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, t]) => `${t.toFixed(1).padStart(8)}  ${key}`)
      .join('\n');
  console.log(`\n${name}: init ${ms.toFixed(0)} ms under --cpu-prof (${file}); self time by source (ms):`);
  console.log(top(bySource, 25));
  console.log('by the nearest project module on the stack (ms):');
  console.log(top(byProjectModule, 15));
  console.log('heaviest functions (ms):');
  console.log(top(self, 12));
  return file;
}
