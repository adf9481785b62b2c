import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The function bundles of the last `cdk synth` (cdk.out), for the bundle tests (test/infra/bundles.test.ts) and the
 * bundle figures of bench/scale.ts: `npm test` synthesizes first, so its bundles are read here instead of bundling
 * every function once more per consumer. They are used only while cdk.out is newer than every file that goes into a
 * bundle; otherwise (no synth yet, a source changed since) the caller bundles itself, the same way.
 */
const projectRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** Everything a bundle is made from: a change to one of these makes cdk.out stale. */
const BUNDLE_INPUTS = ['functions', 'shared', 'infra', 'config', 'cdk.json', 'package.json', 'package-lock.json'];

interface TemplateJson {
  Resources?: Record<string, { Type: string; Properties?: { Code?: { S3Key?: unknown } } }>;
}

/** The asset folders of a synthesized template's functions, by logical id, under `dir`. */
export function functionAssetsOf(dir: string, template: TemplateJson): Map<string, string> {
  return new Map(
    Object.entries(template.Resources ?? {})
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => [id, join(dir, `asset.${String(r.Properties?.Code?.S3Key).replace(/\.zip$/, '')}`)]),
  );
}

/** The asset folder of function `name` (logical ids start with the name without dashes, in any case). */
export function assetDirOf(assets: ReadonlyMap<string, string>, name: string): string | undefined {
  const prefix = name.replaceAll('-', '');
  return [...assets.entries()].find(([id]) => id.toLowerCase().startsWith(prefix))?.[1];
}

/** The Stateless stack's function assets in cdk.out when cdk.out is fresh, else undefined. */
export function freshSynthAssets(): Map<string, string> | undefined {
  const dir = join(projectRoot, 'cdk.out');
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return undefined;
  const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', ...BUNDLE_INPUTS], {
    cwd: projectRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f && existsSync(join(projectRoot, f)));
  const newest = Math.max(...sources.map((f) => statSync(join(projectRoot, f)).mtimeMs));
  if (statSync(manifest).mtimeMs <= newest) return undefined;
  const stateless = readdirSync(dir).find((f) => /-Stateless\.template\.json$/.test(f));
  if (!stateless) return undefined;
  return functionAssetsOf(dir, JSON.parse(readFileSync(join(dir, stateless), 'utf8')) as TemplateJson);
}
