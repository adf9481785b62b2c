import { dirname } from 'node:path';
import { CHINESE_DAYS_JSON } from '../shared/domain/national-calendar.ts';

/**
 * How every function is bundled: one declaration read by the stack (`AppFunction`, through NodejsFunction) and by
 * `bench/scale.ts` (through esbuild's API), so the sizes and init times the bench prints are the stack's.
 */

/** esbuild options shared by both faces (NodejsFunction passes them as CLI flags). */
export const BUNDLE = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  // CommonJS dependencies inside an ESM bundle still call require(); give them one.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} as const;

/**
 * NODE_OPTIONS of every function: none. `--enable-source-maps` makes Node read and parse the whole source map when
 * the bundle loads (measured: +100 ms or more of module init, bench/scale.ts), on every cold start, for the benefit
 * of the rare stack trace. The map still ships in the asset (`index.mjs.map`), so a minified stack trace from the
 * logs can be mapped back offline.
 */
export const NODE_OPTIONS: string | undefined = undefined;

/**
 * Size targets, in bytes of `index.mjs` (minified): 450 KB per function, 500 KB for the api's main chunk. Module
 * init grows with the code Node must parse at a cold start. test/infra/bundles.test.ts fails when a main chunk passes
 * its ceiling. Every schema a function reaches is written for `zod/mini` (functional checks, tree-shaken: about
 * 38 KB of zod instead of 100 KB with the classic method-chaining API), and chinese-days' data (about 44 KB) rides
 * in the asset instead of the bundle (`assetFileCommands`). One bundle is not within the target yet and has a ceiling
 * at its current size instead, so it cannot grow unnoticed (README, "Not built yet"): the api, which carries every
 * route, use case and Powertools idempotency (with its JMESPath engine).
 */
export const BUNDLE_TARGET_BYTES = 450_000;
export const API_BUNDLE_TARGET_BYTES = 500_000;
const NOT_YET_WITHIN_TARGET: Readonly<Record<string, number>> = {
  // 631 KB measured (622 KB before the paged message log, due list and audit read: +8 KB; 666 KB with
  // chinese-days' data bundled, 717 KB with classic zod as well).
  api: 632_000,
};
export const bundleTargetOf = (name: string) => (name === 'api' ? API_BUNDLE_TARGET_BYTES : BUNDLE_TARGET_BYTES);
/** The size test's limit: the target, or the current ceiling of a function not within it yet. */
export const bundleCeilingOf = (name: string) => NOT_YET_WITHIN_TARGET[name] ?? bundleTargetOf(name);

/**
 * Packages imported lazily (`await import('pkg')`) that stay out of a function's main chunk: the main bundle keeps the
 * dynamic import as is (esbuild `external`), and the package is bundled on its own into the asset's
 * `node_modules/<pkg>/index.mjs`, where Node resolves it on first use. NodejsFunction writes one `--outfile`, so
 * esbuild's code splitting is not available; this gives the same result.
 *
 * - Every function: the AWS SDK's default credential chain imports its SSO, ini-file, process, web-identity, HTTP
 *   and instance-metadata providers lazily, after the environment provider; in Lambda the credentials are in the
 *   environment, so these (with the STS/SSO clients they carry, about 130 KB) are never loaded, but they still work
 *   if the chain ever reaches them.
 * - The api: exceljs (about 1 MB), only needed by the XLSX export (shared/adapters/xlsx/ledger-xlsx.ts).
 *
 * One chunk is one esbuild run, written to the asset's `lazy/<file>.mjs`; each of its packages gets a
 * `node_modules/<pkg>/index.mjs` that re-exports it. `exports`: what the chunk re-exports ('default' for a CommonJS
 * package, whose names esbuild cannot list).
 */
export interface LazyChunk {
  file: string;
  packages: readonly string[];
  exports: 'all' | 'default';
  /**
   * A project module bundled whole into `lazy/<file>.mjs` (with the packages it imports), instead of packages: the
   * main chunk imports it by a computed specifier (`./lazy/<file>.mjs`), which esbuild leaves alone.
   */
  entry?: string;
  /** Packages an entry chunk leaves to another chunk of the same asset (resolved through its `node_modules/<pkg>`). */
  externals?: readonly string[];
}

const CREDENTIAL_CHAIN: LazyChunk = {
  file: 'credential-providers',
  packages: [
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-web-identity',
    '@aws-sdk/credential-provider-http',
    '@smithy/credential-provider-imds',
  ],
  exports: 'all',
};
const EXCELJS: LazyChunk = { file: 'exceljs', packages: ['exceljs'], exports: 'default' };
/**
 * The Tencent and Alibaba SMS SDKs (about 1.9 MB), with their adapters: loaded on a provider stage's first send
 * (functions/cloud-sms.ts), never on an SNS stage.
 */
export const SMS_PROVIDERS: LazyChunk = {
  file: 'sms-providers',
  packages: [],
  exports: 'all',
  entry: 'shared/adapters/sms/provider-sender.ts',
};

/**
 * The api's upload wizard (functions/api/uploads.ts): the three importers, the spreadsheet readers (csv-parse) and the
 * SSM client, loaded on the first upload; exceljs stays the EXCELJS chunk's.
 */
export const UPLOADS: LazyChunk = {
  file: 'uploads',
  packages: [],
  exports: 'all',
  entry: 'functions/api/uploads.ts',
  externals: ['exceljs'],
};

/**
 * Data files every function asset carries beside its bundle, read from disk at run time rather than bundled:
 * - `holidays/`: the bureau's national-calendar year files (config/holidays/<year>.json), read by cloud-deps at init;
 * - `node_modules/chinese-days/dist/chinese-days.json`: the chinese-days package's data (about 37 KB, 2004 onwards),
 *   read on the first question about a year without a year file (shared/domain/national-calendar.ts resolves the
 *   package's JSON from the bundle, as Node resolves it from node_modules locally).
 * Shell commands run from the project root by NodejsFunction's afterBundling hook (AppFunction) and by
 * bench/bundle-figures.ts, so both assets hold the same files.
 */
export function assetFileCommands(inputDir: string, outputDir: string): string[] {
  const chineseDays = `${outputDir}/node_modules/${dirname(CHINESE_DAYS_JSON)}`;
  return [
    `mkdir -p "${outputDir}/holidays"`,
    `cp "${inputDir}/config/holidays/"*.json "${outputDir}/holidays/"`,
    `mkdir -p "${chineseDays}"`,
    `cp "${inputDir}/node_modules/${CHINESE_DAYS_JSON}" "${chineseDays}/"`,
  ];
}

/** The lazy chunks of function `name`. */
export function lazyChunksOf(name: string): readonly LazyChunk[] {
  if (name === 'api') return [CREDENTIAL_CHAIN, EXCELJS, UPLOADS];
  if (name === 'outbox-dispatcher' || name === 'sms-receipts' || name === 'sms-receipt-hook')
    return [CREDENTIAL_CHAIN, SMS_PROVIDERS];
  return [CREDENTIAL_CHAIN];
}

/** Every package kept out of the main chunk of function `name` (esbuild `external`). */
export const lazyPackagesOf = (name: string) => lazyChunksOf(name).flatMap((c) => c.packages);

/**
 * Shell commands that bundle `chunk` into `outputDir`. They run from the project root (as NodejsFunction's command
 * hooks do): the chunk's entry comes on stdin, and esbuild resolves stdin's imports from the working directory, so
 * the packages are the project's pinned copies.
 */
export function lazyChunkCommands(chunk: LazyChunk, inputDir: string, outputDir: string): string[] {
  const reexport = (from: string) =>
    chunk.exports === 'all' ? `export * from '${from}';` : `export { default } from '${from}';`;
  const bundle = [
    chunk.entry ? '' : `echo "${chunk.packages.map(reexport).join(' ')}" |`,
    `"${inputDir}/node_modules/.bin/esbuild"${chunk.entry ? ` "${inputDir}/${chunk.entry}"` : ''} --bundle`,
    `--format=${BUNDLE.format} --platform=${BUNDLE.platform} --target=${BUNDLE.target}`,
    `--main-fields=${BUNDLE.mainFields.join(',')} --minify`,
    `--banner:js="${BUNDLE.banner}"`,
    ...(chunk.externals ?? []).map((pkg) => `--external:${pkg}`),
    `--outfile="${outputDir}/lazy/${chunk.file}.mjs" --log-level=warning`,
  ]
    .filter(Boolean)
    .join(' ');
  return [
    bundle,
    ...chunk.packages.flatMap((pkg) => {
      const dir = `${outputDir}/node_modules/${pkg}`;
      const up = '../'.repeat(pkg.split('/').length + 1);
      return [
        `mkdir -p "${dir}"`,
        `echo "${reexport(`${up}lazy/${chunk.file}.mjs`)}" > "${dir}/index.mjs"`,
        `echo '${JSON.stringify({ name: pkg, type: 'module', main: 'index.mjs' })}' > "${dir}/package.json"`,
      ];
    }),
  ];
}
