import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testDynamoEndpoint } from '../support/dynamo.ts';
import { freshSynthAssets } from '../support/synth-assets.ts';

/**
 * Every `bench:*` script of package.json, run once with a tiny N, so a bench cannot rot unnoticed (one crashed on a
 * refused duplicate case for months): it must exit 0 and print its figures. A new bench script fails here until its
 * figures are listed below.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const scripts = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> })
  .scripts;
const benches = Object.entries(scripts)
  .filter(([name]) => name.startsWith('bench:'))
  .map(([name, command]) => [name, /^tsx (bench\/[\w-]+\.ts)$/.exec(command)?.[1] ?? command] as const);

const TINY = {
  BENCH_SCHOOLS: '40',
  BENCH_MESSAGES: '20',
  BENCH_NOTICES: '2',
  BENCH_DAYS: '1',
  BENCH_ROWS: '400',
  BENCH_INIT_RUNS: '1',
};

/** The lines each bench must print (its figures), and words that mean its own check failed. */
const figures: Record<string, { lines: RegExp[]; failed: RegExp; timeoutMs?: number }> = {
  'bench:chase': {
    lines: [
      /^\| due index, whole chase sweep .*\| 1\.00 \|/m,
      /^\| full-table Scan /m,
      /index items per late slot: met$/m,
    ],
    failed: /NOT met|found the same \d+ slots: false/,
  },
  'bench:late-gauge': {
    lines: [/^OpenLateSlots = \d+ \(seeded truth \d+; .*\) OK$/m, /^owner-index Queries: 40 /m],
    failed: /MISMATCH/,
  },
  'bench:scale': {
    lines: [
      /^\| GET \/api\/statistics \(county, this month\) \| 40 \| \d+ \|/m,
      /^\| GET \/api\/reports\/late \(office board\) \| 40 \| \d+ \|/m,
      /^\| digests \(daily run: last week digest\) \| 40 \| \d+ \|/m,
      /^\| late-slot gauge \(reconcile, hourly\) \| 40 \| \d+ \|/m,
      /^a school's 150-case list: \d+ reads \(target <= 2\) (met|not met), plus \d+ audit writes?$/m,
      /^\| late board \| 40 \| 8 \| 16 \| \d+ \| \d+ \|$/m,
      /^\| api \| \d+ \| 500( \(over\))? \| \d+ \| \d+ \| [\d.]+( \(over\))? \|$/m,
    ],
    failed: /Error/,
    // It seeds, reads through the API and HTTP, then measures every function's bundle: the slowest bench.
    timeoutMs: 300_000,
  },
  'bench:bundles': {
    lines: [
      /^\| api \| \d+ \| 500( \(over\))? \| \d+ \| \d+ \| [\d.]+( \(over\))? \|$/m,
      /^\| reconcile \| \d+ \| 450( \(over\))? \| \d+ \| \d+ \| [\d.]+( \(over\))? \|$/m,
      /^init runs per bundle: 1 \(median, interleaved; /m,
    ],
    failed: /Error/,
    // It bundles every function (unless cdk.out is fresh), then imports each once.
    timeoutMs: 300_000,
  },
  'bench:roll': {
    lines: [
      /^import spring: 400 rows in .* rows\/s/m,
      /^compare-rolls: 17 schools .*未按时返校 8 \(seeded truth 8\), newcomers 4 \(seeded 4\) OK$/m,
      /^clear ID numbers in \d+ items: 0 OK$/m,
      /^peak memory: rss \d+ MB/m,
    ],
    failed: /MISMATCH|Error/,
  },
  'bench:local': {
    lines: [/write ceiling: \d+ PutItem\/s \(20 items/, /SMS: \d+ 条\/s \(20 messages/, /p50 \d+ ms, .*\(2 notices/],
    failed: /Error/,
  },
  'bench:sms': {
    lines: [/^max SMS per official per day: \d+/m, /^chief .*: \d+ SMS in total/m, /^per-number daily cap: \d+$/m],
    failed: /NOT respected|Error/,
  },
};

describe('benches on a tiny N', () => {
  it('package.json has the benches this test knows', () => {
    expect(benches.map(([name]) => name).sort()).toEqual(Object.keys(figures).sort());
  });

  it.each(benches)(
    '%s exits 0 and prints its figures',
    async (name, file) => {
      expect(file).toMatch(/^bench\/[\w-]+\.ts$/);
      const expected = figures[name]!;
      // Read before the run: bench:scale and bench:bundles measure the synth's bundles when cdk.out is fresh (`npm test`), no rebundle.
      const synthFresh = (name === 'bench:scale' || name === 'bench:bundles') && freshSynthAssets() !== undefined;

      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        env: {
          ...process.env,
          ...TINY,
          // The e2e run's one DynamoDB Local (bench/dynamo.ts): no JVM start per bench.
          BENCH_DYNAMODB_ENDPOINT: testDynamoEndpoint(),
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        timeout: expected.timeoutMs ?? 150_000,
        maxBuffer: 4 * 1024 * 1024,
      });

      for (const line of expected.lines) expect(stdout).toMatch(line);
      expect(stdout).not.toMatch(expected.failed);
      if (synthFresh) expect(stdout).toMatch(/^bundles: the last cdk synth /m);
    },
    330_000,
  );
});
