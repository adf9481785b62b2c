import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedSpecs, entryOf, functionSpecs } from '../../functions/manifest.ts';
import {
  BUNDLE,
  bundleCeilingOf,
  IDEMPOTENCY,
  lazyChunksOf,
  lazyPackagesOf,
  ROSTERS,
  SMS_PROVIDERS,
  TEMPLATES,
  UPLOADS,
} from '../../infra/bundling.ts';
import { AppFunction } from '../../infra/constructs/app-function.ts';
import { ensureTable, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { configForEnv, loadConfigFile } from '../../shared/config/load-config.ts';
import { CHINESE_DAYS_JSON } from '../../shared/domain/national-calendar.ts';
import { assetDirOf as assetDirIn, freshSynthAssets, functionAssetsOf } from '../support/synth-assets.ts';

/**
 * The real handlers, bundled exactly as the stack bundles them, must load in Node as ES modules: a bundle that
 * only fails at Lambda init (a runtime `require` of a file esbuild did not include, a missing env var) is
 * caught here, not after a deploy. Each bundle is imported in its own `node` process with the stack's env.
 */
const projectRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
// The functions the default stage deploys (its SMS provider's; the synth's cdk.out holds exactly those).
const written = deployedSpecs(functionSpecs, loadConfigFile().sms.provider.kind).filter((s) =>
  existsSync(join(projectRoot, entryOf(s.name))),
);

let outdir: string | undefined;
let assetOf: Map<string, string>;

beforeAll(() => {
  const synthesized = freshSynthAssets();
  if (synthesized) {
    assetOf = synthesized;
    return;
  }
  outdir = mkdtempSync(join(tmpdir(), 'baoxue-bundles-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Bundles', { env: { region: 'ap-southeast-1' } });
  const table = new TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const logKey = new Key(stack, 'LogKey');
  for (const spec of written) {
    new AppFunction(stack, spec.name, {
      spec,
      entry: join(projectRoot, entryOf(spec.name)),
      projectRoot,
      stage: 'dev',
      table,
      appConfigJson: configForEnv(loadConfigFile()),
      logRetention: RetentionDays.ONE_DAY,
      logKey,
    });
  }
  app.synth();
  assetOf = functionAssetsOf(outdir, Template.fromStack(stack).toJSON());
}, 300_000);
afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** The asset folder of function `name`. */
const assetDirOf = (name: string) => assetDirIn(assetOf, name);

/** Runs an ES-module snippet in a function asset's folder, as Lambda would resolve its imports; stderr must be empty. */
function runInAsset(dir: string, script: string, env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dir,
    env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(run.stderr).toBe('');
  return run;
}

describe('handler bundles', () => {
  it.runIf(written.length === 0)('there is no handler to bundle yet (the manifest is empty)', () => {
    expect(written).toEqual([]);
  });

  it.each(written.map((s) => s.name))('%s loads as an ES module and exports handler', (name) => {
    const dir = assetDirOf(name);
    expect(dir && existsSync(join(dir, 'index.mjs'))).toBe(true);
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'ap-southeast-1',
      AWS_LAMBDA_FUNCTION_NAME: name,
      // As in Lambda: cloud-deps then requires the national-calendar year files inside the asset (holidays/).
      LAMBDA_TASK_ROOT: dir,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      TABLE_NAME: 'baoxue-table',
      APP_CONFIG: configForEnv(loadConfigFile()),
      POWERTOOLS_SERVICE_NAME: 'baoxue-test',
      SCHEDULE_GROUP: 'group',
      TIMER_TARGET_ARN: 'arn:aws:lambda:ap-southeast-1:123456789012:function:target',
      TIMER_ROLE_ARN: 'arn:aws:iam::123456789012:role/timer',
      TIMER_DLQ_ARN: 'arn:aws:sqs:ap-southeast-1:123456789012:timers',
    };

    const run = spawnSync(
      process.execPath,
      ['-e', "import('./index.mjs').then((m) => console.log(typeof m.handler))"],
      { cwd: dir, env, encoding: 'utf8', timeout: 30_000 },
    );

    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('function');
    expect(readdirSync(join(dir!, 'holidays'))).toEqual(readdirSync(join(projectRoot, 'config', 'holidays')));
  });

  it.each(written.map((s) => [s.name, bundleCeilingOf(s.name)] as const))(
    '%s: the main chunk (index.mjs, minified) stays within %i bytes',
    (name, target) => {
      // Module init grows with the code Node must parse at a cold start (bench:scale prints sizes and init times).
      const bytes = statSync(join(assetDirOf(name)!, 'index.mjs')).size;
      expect(bytes, `${name}/index.mjs is ${bytes} bytes`).toBeLessThanOrEqual(target);
    },
  );

  it.each(written.map((s) => [s.name] as const))(
    '%s: its lazy chunks load on their own and export something',
    (name) => {
      const dir = assetDirOf(name)!;
      const chunks = lazyPackagesOf(name);
      // The main chunk imports each one dynamically by package name, resolved from the asset's node_modules.
      const main = readFileSync(join(dir, 'index.mjs'), 'utf8');
      for (const pkg of chunks) expect(main).toContain(`import("${pkg}")`);
      const script = `Promise.all(${JSON.stringify(chunks)}.map((p) => import(p))).then((ms) => console.log(JSON.stringify(ms.map((m) => Object.keys(m).length > 0))))`;
      const run = runInAsset(dir, script);
      expect(JSON.parse(run.stdout)).toEqual(chunks.map(() => true));
    },
  );

  it.each(written.map((s) => [s.name] as const))(
    '%s: every project-module chunk is in lazy/, named by the main chunk, and loads on its own',
    (name) => {
      const dir = assetDirOf(name)!;
      const main = readFileSync(join(dir, 'index.mjs'), 'utf8');
      const entries = lazyChunksOf(name).filter((c) => c.entry);
      for (const c of entries) expect(main).toContain(`./lazy/${c.file}.mjs`);
      const script = `Promise.all(${JSON.stringify(entries.map((c) => `./lazy/${c.file}.mjs`))}.map((p) => import(p))).then((ms) => console.log(JSON.stringify(ms.map((m) => Object.keys(m).length > 0))))`;
      expect(JSON.parse(runInAsset(dir, script).stdout)).toEqual(entries.map(() => true));
      // A lazy package imported statically would load at init all the same (the templates once loaded exceljs so).
      for (const pkg of lazyPackagesOf(name)) expect(main).not.toMatch(new RegExp(`from\\s*"${pkg}"`));
    },
  );

  it('api: templates, rosters and idempotency are lazy chunks; from the asset they build a template and answer', () => {
    expect(lazyChunksOf('api')).toEqual(expect.arrayContaining([TEMPLATES, ROSTERS, IDEMPOTENCY]));
    const dir = assetDirOf('api')!;
    const main = readFileSync(join(dir, 'index.mjs'), 'utf8');
    // Their code is in the chunks, not in the main one: the directory template's help text, the ledgers' file name, Powertools'.
    for (const [file, text] of [
      ['templates', 'import-directory --data'],
      ['rosters', 'baoxue-roster-ledgers-'],
      ['idempotency', 'IdempotencyAlreadyInProgressError'],
    ] as const) {
      expect(main, file).not.toContain(text);
      expect(readFileSync(join(dir, 'lazy', `${file}.mjs`), 'utf8'), file).toContain(text);
    }
    // The roll template is an XLSX (a zip: "PK"), exceljs resolved from the asset's node_modules; a roster handler
    // answers a refusal as a reply of its own (its errors are its own classes), here a bad query.
    const ctx = {
      principal: { personId: 'o', name: '测试办公室', role: 'office' },
      params: {},
      query: { format: 'pdf' },
      body: undefined,
      requestId: 'r',
    };
    const deps =
      "{ config: { calendar: { terms: [] } }, log: { debug() {}, info() {}, warn() {}, error() {} }, clock: { now: () => new Date() }, doc: {}, tableName: 't' }";
    const script = `Promise.all([import('./lazy/templates.mjs'), import('./lazy/rosters.mjs'), import('./lazy/idempotency.mjs')]).then(async ([t, r, i]) => {
      const xlsx = await t.templateBuilders.roll();
      const reply = await r.rosterHandlers(${deps}).ledgers(${JSON.stringify(ctx)});
      console.log(JSON.stringify([xlsx.subarray(0, 2).toString(), reply.status, reply.body.error.issues[0].field, typeof i.idempotentRunner]));
    })`;
    expect(JSON.parse(runInAsset(dir, script).stdout)).toEqual(['PK', 400, 'query.format', 'function']);
  });

  it('api: the idempotency chunk runs a POST once through Powertools DynamoDB persistence with its own client', async () => {
    // The chunk is a bundle of its own: in the asset, Powertools' layer makes a DynamoDBClient of the chunk's AWS SDK
    // from the function's environment (here pointed at a DynamoDB Local), and its conditional put must still refuse
    // a second claim of the key (an `instanceof` of that SDK's exception).
    const dir = assetDirOf('api')!;
    const db = await startDynamoDbLocal();
    try {
      await ensureTable(db.endpoint, 'idem-asset', { stream: false });
      const script = `import('./lazy/idempotency.mjs').then(async (i) => {
        const runner = i.idempotentRunner('idem-asset');
        let runs = 0;
        const post = (body) => runner({ key: 'p1#asset-key-1', request: 'POST /api/x\\n' + body }, async () => ({ status: 201, body: { run: ++runs } }), { getRemainingTimeInMillis: () => 29000 });
        const first = await post('{}');
        const again = await post('{}');
        const other = await post('{"a":1}');
        console.log(JSON.stringify({ first, again, other, runs }));
      })`;
      const out = JSON.parse(
        runInAsset(dir, script, {
          AWS_REGION: 'ap-southeast-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
        }).stdout,
      );
      expect(out).toEqual({
        first: { reply: { status: 201, body: { run: 1 }, headers: undefined } },
        again: { reply: { status: 201, body: { run: 1 }, headers: { 'idempotent-replayed': 'true' } } },
        other: { refused: 'reused' },
        runs: 1,
      });
    } finally {
      await db.stop();
    }
  }, 60_000);

  it('outbox-dispatcher: the SMS provider SDKs are a lazy chunk beside the main one, and it loads with both adapters', () => {
    expect(lazyChunksOf('outbox-dispatcher')).toContain(SMS_PROVIDERS);
    const dir = assetDirOf('outbox-dispatcher')!;
    const main = readFileSync(join(dir, 'index.mjs'), 'utf8');
    // Neither SDK is in the main chunk (their client classes' names would be).
    expect(main).not.toContain('tencentcloud-sdk-nodejs-common');
    expect(main).not.toContain('dysmsapi.aliyuncs.com');
    expect(main).toContain('./lazy/sms-providers.mjs');
    const chunk = join(dir, 'lazy', 'sms-providers.mjs');
    expect(statSync(chunk).size).toBeGreaterThan(500_000);
    const script =
      "import('./lazy/sms-providers.mjs').then((m) => console.log([typeof m.LazyProviderSender, typeof m.cloudSecretSource].join(',')))";
    const run = runInAsset(dir, script);
    expect(run.stdout.trim()).toBe('function,function');
  });

  it('api: the upload importers are the lazy chunk uploads.mjs; loaded from the asset it answers a refusal itself', () => {
    expect(lazyChunksOf('api')).toContain(UPLOADS);
    const dir = assetDirOf('api')!;
    const main = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(main).toContain('./lazy/uploads.mjs');
    // The roll importer (its log message) is in the chunk, not in the main one.
    expect(main).not.toContain('roll import refused');
    expect(readFileSync(join(dir, 'lazy', 'uploads.mjs'), 'utf8')).toContain('roll import refused');
    // Its errors are its own copies of the domain classes: the chunk maps them to a reply (400 naming the field),
    // here a stage without the ID-number key parameter; exceljs resolves from the asset's node_modules.
    const deps =
      '{ config: { rosters: {}, calendar: { terms: [] } }, log: { debug() {}, info() {}, warn() {}, error() {} }, ' +
      "clock: { now: () => new Date() }, doc: {}, tableName: 't' }";
    const request = {
      kind: 'roll',
      principal: { personId: 'o', name: '测试办公室', role: 'office' },
      directory: { schools: [{ id: 's1', active: true }], townships: [] },
      body: { schoolId: 's1', term: 'T', fileName: 'a.csv', content: 'YQ==', dryRun: true },
      requestId: 'r',
    };
    const script = `import('./lazy/uploads.mjs').then(async (m) => { const r = await m.handleUpload(${deps}, ${JSON.stringify(request)}); console.log(JSON.stringify([r.status, r.body.error.issues[0].field])); })`;
    const run = runInAsset(dir, script);
    expect(JSON.parse(run.stdout)).toEqual([400, 'rosters.idKeyParameter']);
  });

  // A label of chinese-days' data: in the package's JSON, never in a bundle.
  const CHINESE_DAYS_LABEL = 'Dragon Boat Festival';

  it.each(written.map((s) => s.name))(
    "%s: chinese-days' data rides in the asset beside index.mjs, not inside it",
    (name) => {
      const dir = assetDirOf(name)!;
      const packaged = readFileSync(join(projectRoot, 'node_modules', CHINESE_DAYS_JSON), 'utf8');
      expect(packaged).toContain(CHINESE_DAYS_LABEL);
      expect(readFileSync(join(dir, 'node_modules', CHINESE_DAYS_JSON), 'utf8')).toBe(packaged);
      const main = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(main).not.toContain(CHINESE_DAYS_LABEL);
      // What the bundle resolves at run time, on the first year without a year file.
      expect(main).toContain(CHINESE_DAYS_JSON);
    },
  );

  it('a year without a year file answers from the chinese-days copy in a function asset', async () => {
    // The national calendar bundled with the functions' options, run beside a function asset's node_modules in a
    // folder outside the project (so the project's node_modules cannot answer for the asset).
    const probe = mkdtempSync(join(tmpdir(), 'baoxue-calendar-probe-'));
    try {
      cpSync(join(assetDirOf('reconcile')!, 'node_modules'), join(probe, 'node_modules'), { recursive: true });
      cpSync(join(assetDirOf('reconcile')!, 'holidays'), join(probe, 'holidays'), { recursive: true });
      const contents = `
        import { loadHolidayYears } from './shared/config/holiday-files.ts';
        import { SchoolCalendar } from './shared/domain/calendar.ts';
        const calendar = new SchoolCalendar({
          terms: [{ name: '2019秋季学期', start: '2019-09-01', end: '2027-01-20' }],
          holidayYears: loadHolidayYears(new URL('./holidays', import.meta.url).pathname, { required: true }),
        });
        console.log(JSON.stringify([
          [2019, 2026, 2027].map((y) => calendar.nationalSourceOf(y) ?? null),
          calendar.describe('2019-10-01'),
          calendar.describe('2019-10-12'),
          calendar.describe('2026-10-01'),
        ]));`;
      await build({
        stdin: { contents, resolveDir: projectRoot, loader: 'ts' },
        bundle: true,
        format: BUNDLE.format,
        target: BUNDLE.target,
        platform: BUNDLE.platform,
        mainFields: [...BUNDLE.mainFields],
        minify: BUNDLE.minify,
        banner: { js: BUNDLE.banner },
        outfile: join(probe, 'index.mjs'),
        logLevel: 'warning',
      });
      expect(readFileSync(join(probe, 'index.mjs'), 'utf8')).not.toContain(CHINESE_DAYS_LABEL);
      const answer = () =>
        spawnSync(process.execPath, ['index.mjs'], { cwd: probe, encoding: 'utf8', env: { PATH: process.env.PATH } });
      const run = answer();
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual([
        ['chinese-days', 'file', null],
        { kind: 'holiday', label: '法定节假日（国庆节）', holiday: '国庆节' },
        { kind: 'school', label: '调休上班（国庆节）', holiday: '国庆节' },
        { kind: 'holiday', label: '法定节假日（国庆节）', holiday: '国庆节' },
      ]);
      // Without the asset's copy the question fails (the bundle carries no data of its own).
      rmSync(join(probe, 'node_modules', 'chinese-days'), { recursive: true });
      expect(answer().stderr).toMatch(/Cannot find module 'chinese-days\/dist\/chinese-days\.json'/);
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  });
});
