import { existsSync } from 'node:fs';
import type { App } from 'aws-cdk-lib';
import type { FunctionSpec } from '../functions/manifest.ts';
import { type InfraConfig, readInfraConfig } from './config.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface BaoxueAppOptions {
  /** The function manifest (`functionSpecs`), or a test's own specs. */
  specs: readonly FunctionSpec[];
  /** Absolute handler path of a function. */
  entryFor: (name: string) => string;
  projectRoot: string;
  /** The bureau's config, validated with the app's schema, as JSON (becomes APP_CONFIG). */
  appConfigJson: string;
  /** Whether a handler file exists; specs without one are left out. Defaults to the file system. */
  handlerExists?: (path: string) => boolean;
}

export interface BaoxueApp {
  config: InfraConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
  /** Specs left out because their handler is not written yet. */
  skipped: string[];
}

/**
 * Defines both stacks of one stage on an App, from cdk context (`stage`, `region`, thresholds…). Used by
 * infra/app.ts and by the infra tests, so what is tested is what is deployed.
 */
export function defineBaoxueApp(app: App, options: BaoxueAppOptions): BaoxueApp {
  const config = readInfraConfig((key) => app.node.tryGetContext(key));
  const exists = options.handlerExists ?? existsSync;
  const ready = options.specs.filter((s) => exists(options.entryFor(s.name)));
  const skipped = options.specs.filter((s) => !ready.includes(s)).map((s) => s.name);
  const env = { region: config.region, account: config.account };
  const stateful = new StatefulStack(app, `Baoxue-${config.stage}-Stateful`, { stage: config.stage, env });
  const stateless = new StatelessStack(app, `Baoxue-${config.stage}-Stateless`, {
    env,
    config,
    stateful,
    specs: ready,
    appConfigJson: options.appConfigJson,
    entryFor: options.entryFor,
    projectRoot: options.projectRoot,
  });
  return { config, stateful, stateless, skipped };
}
