/**
 * Benchmark (not a test): every function's bundle size and module init against a bundle that only creates a
 * DynamoDBDocumentClient (bench/bundle-figures.ts), the last part of bench:scale on its own. No DynamoDB needed.
 *
 *   npm run bench:bundles                        # 9 fresh processes per bundle, median
 *   npm run bench:bundles -- --init-runs 15
 *   npm run bench:bundles -- --profile api       # one import under `node --cpu-prof`: where its init goes
 *   BENCH_INIT_RUNS=1 npm run bench:bundles      # what CI runs (test/e2e/benches.test.ts)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { printBundleFigures, profileInit } from './bundle-figures.ts';

const { values: flags } = parseArgs({
  options: { 'init-runs': { type: 'string' }, profile: { type: 'string' } },
  allowPositionals: false,
});
const runs = Number(flags['init-runs'] ?? process.env.BENCH_INIT_RUNS ?? 9);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--init-runs: an integer >= 1');

if (flags.profile) await profileInit(flags.profile, mkdtempSync(join(tmpdir(), 'baoxue-bench-profile-')));
else await printBundleFigures(runs);
