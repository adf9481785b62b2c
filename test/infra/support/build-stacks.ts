import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { FunctionSpec } from '../../../functions/manifest.ts';
import { defineBaoxueApp } from '../../../infra/baoxue-app.ts';
import type { EdgeStack } from '../../../infra/edge-stack.ts';
import type { StatefulStack } from '../../../infra/stateful-stack.ts';
import type { StatelessStack } from '../../../infra/stateless-stack.ts';
import { configForEnv, loadConfigFile } from '../../../shared/config/load-config.ts';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');
const fixtureHandler = fileURLToPath(new URL('./fixture-handler.ts', import.meta.url));

export interface BuiltStacks {
  app: App;
  /** Only when the specs include the http function (the console). */
  edge?: EdgeStack;
  edgeTemplate?: Template;
  stateful: StatefulStack;
  stateless: StatelessStack;
  statefulTemplate: Template;
  statelessTemplate: Template;
  /** Specs left out for lack of a handler. */
  skipped: string[];
  /** Deletes the temporary cloud assembly directory. */
  cleanup(): void;
}

/**
 * Builds both stacks with infra/app.ts's own `defineBaoxueApp`, with the given specs and context, bundling skipped
 * (`aws:cdk:bundling-stacks: []`) and a temporary outdir. Synthesizes each template once.
 */
export function buildStacks(options: {
  specs: FunctionSpec[];
  context?: Record<string, unknown>;
  /** Functions whose handler file "does not exist yet" (their entry points nowhere). */
  missingHandlers?: string[];
  /** The app config's JSON (default: config/lipu.json as functions get it). */
  appConfigJson?: string;
}): BuiltStacks {
  const outdir = mkdtempSync(join(tmpdir(), 'baoxue-infra-'));
  const context = { stage: 'dev', 'aws:cdk:bundling-stacks': [], ...options.context };
  // The built-in CloudFormation schema validation costs ~5 s per app; `npm run synth` keeps running it.
  const app = new App({ outdir, context, builtinCloudFormationValidation: false });
  const { edge, stateful, stateless, skipped } = defineBaoxueApp(app, {
    specs: options.specs,
    entryFor: (name) =>
      options.missingHandlers?.includes(name) ? join(outdir, 'missing', name, 'handler.ts') : fixtureHandler,
    projectRoot,
    appConfigJson: options.appConfigJson ?? configForEnv(loadConfigFile()),
  });
  const statefulTemplate = Template.fromStack(stateful);
  const statelessTemplate = Template.fromStack(stateless);
  return {
    app,
    edge,
    ...(edge ? { edgeTemplate: Template.fromStack(edge) } : {}),
    stateful,
    stateless,
    skipped,
    statefulTemplate,
    statelessTemplate,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}
