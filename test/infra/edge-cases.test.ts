import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { AppFunction } from '../../infra/constructs/app-function.ts';
import { buildStacks } from './support/build-stacks.ts';
import { sampleSpecs } from './support/sample-specs.ts';
import { functionProps, logicalId, statementsOf, withAction } from './support/template-queries.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const fixture = fileURLToPath(new URL('./support/fixture-handler.ts', import.meta.url));

describe('a timer target that also manages timers', () => {
  it('gets a stack-derived name so its own ARN needs no reference to itself (no CloudFormation cycle)', () => {
    const specs = sampleSpecs().map((s) =>
      s.name === 'notice-deadline' ? { ...s, access: [...s.access, 'scheduler' as const] } : s,
    );
    const built = buildStacks({ specs });
    try {
      const t = built.statelessTemplate;
      const props = functionProps(t, 'notice-deadline');
      const ownId = logicalId(t, 'AWS::Lambda::Function', 'NoticeDeadlineFunction');
      const arn = {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':lambda:ap-southeast-1:',
            { Ref: 'AWS::AccountId' },
            ':function:Baoxue-dev-Stateless-notice-deadline',
          ],
        ],
      };

      expect(props.FunctionName).toBe('Baoxue-dev-Stateless-notice-deadline');
      expect(props.Environment.Variables.TIMER_TARGET_ARN).toEqual(arn);
      expect(JSON.stringify(props.Environment)).not.toContain(ownId);
      expect(withAction(statementsOf(t, 'case-reactor'), 'iam:PassRole')).toHaveLength(1);
    } finally {
      built.cleanup();
    }
  });
});

describe('the app while the manifest fills up', () => {
  it('leaves out functions whose handler.ts does not exist yet and wires the rest', () => {
    const built = buildStacks({ specs: sampleSpecs(), missingHandlers: ['chase-reports'] });
    try {
      const ids = Object.keys(built.statelessTemplate.findResources('AWS::Lambda::Function'));

      expect(built.skipped).toEqual(['chase-reports']);
      expect(ids.some((id) => id.startsWith('ChaseReports'))).toBe(false);
      expect(
        ids.filter((id) => /^(OutboxDispatcher|CaseReactor|NoticeDeadline|Reconcile)Function/.test(id)),
      ).toHaveLength(4);
    } finally {
      built.cleanup();
    }
  });
});

describe('the shared function construct', () => {
  it('refuses an APP_CONFIG that would not fit in Lambda’s 4 KB of environment', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Big', { env: { region: 'ap-southeast-1' } });
    const table = new TableV2(stack, 'T', { partitionKey: { name: 'pk', type: AttributeType.STRING } });

    expect(
      () =>
        new AppFunction(stack, 'F', {
          spec: sampleSpecs()[3]!,
          entry: fixture,
          projectRoot,
          stage: 'dev',
          table,
          appConfigJson: JSON.stringify({ pad: 'x'.repeat(3500) }),
          logRetention: RetentionDays.TWO_WEEKS,
          logKey: new Key(stack, 'LogKey'),
        }),
    ).toThrow(/APP_CONFIG is \d+ bytes/);
  });

  it('bundles an ESM .mjs with a source map and a require shim (real esbuild, tiny fixture)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'baoxue-bundle-'));
    try {
      const app = new App({ outdir, builtinCloudFormationValidation: false });
      const stack = new Stack(app, 'Bundle', { env: { region: 'ap-southeast-1' } });
      const table = new TableV2(stack, 'T', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
      new AppFunction(stack, 'F', {
        spec: sampleSpecs()[3]!,
        entry: fixture,
        projectRoot,
        stage: 'dev',
        table,
        appConfigJson: '{}',
        logRetention: RetentionDays.TWO_WEEKS,
        logKey: new Key(stack, 'LogKey'),
      });

      app.synth();

      const assetDir = readdirSync(outdir).find((d) => d.startsWith('asset.'))!;
      const files = readdirSync(join(outdir, assetDir)).sort();
      // The bundle, its source map, the national-calendar year files every function reads at init, and the lazily
      // loaded chunks (infra/bundling.ts: `lazy/` plus the `node_modules/<pkg>/index.mjs` stubs that resolve them).
      expect(files).toEqual(['holidays', 'index.mjs', 'index.mjs.map', 'lazy', 'node_modules']);
      const code = readFileSync(join(outdir, assetDir, 'index.mjs'), 'utf8');
      expect(code).toMatch(/^import\{createRequire as \w+\}from"node:module"|^import \{ createRequire \}/);
      expect(code).toMatch(/export\s*\{/);
      expect(existsSync(join(outdir, assetDir, 'index.mjs.map'))).toBe(true);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
