import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { FunctionSpec } from '../../../functions/manifest.ts';
import { readInfraConfig } from '../../../infra/config.ts';
import { StatefulStack } from '../../../infra/stateful-stack.ts';
import { StatelessStack } from '../../../infra/stateless-stack.ts';
import { loadConfigFile } from '../../../shared/config/load-config.ts';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');
const fixtureHandler = fileURLToPath(new URL('./fixture-handler.ts', import.meta.url));

export interface BuiltStacks {
  app: App;
  stateful: StatefulStack;
  stateless: StatelessStack;
  statefulTemplate: Template;
  statelessTemplate: Template;
  /** Deletes the temporary cloud assembly directory. */
  cleanup(): void;
}

/**
 * Builds both stacks the way infra/app.ts does, with the given specs and context, bundling skipped
 * (`aws:cdk:bundling-stacks: []`) and a temporary outdir. Synthesizes each template once.
 */
export function buildStacks(options: { specs: FunctionSpec[]; context?: Record<string, unknown> }): BuiltStacks {
  const outdir = mkdtempSync(join(tmpdir(), 'baoxue-infra-'));
  const context = { stage: 'dev', 'aws:cdk:bundling-stacks': [], ...options.context };
  // The built-in CloudFormation schema validation costs ~5 s per app; `npm run synth` keeps running it.
  const app = new App({ outdir, context, builtinCloudFormationValidation: false });
  const config = readInfraConfig((key) => app.node.tryGetContext(key));
  const env = { region: config.region, account: config.account };
  const stateful = new StatefulStack(app, `Baoxue-${config.stage}-Stateful`, { stage: config.stage, env });
  const stateless = new StatelessStack(app, `Baoxue-${config.stage}-Stateless`, {
    env,
    config,
    stateful,
    specs: options.specs,
    appConfigJson: JSON.stringify(loadConfigFile()),
    entryFor: () => fixtureHandler,
    projectRoot,
  });
  const statefulTemplate = Template.fromStack(stateful);
  const statelessTemplate = Template.fromStack(stateless);
  return {
    app,
    stateful,
    stateless,
    statefulTemplate,
    statelessTemplate,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}
