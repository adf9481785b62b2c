import { existsSync } from 'node:fs';
import type { App } from 'aws-cdk-lib';
import type { FunctionSpec } from '../functions/manifest.ts';
import { type InfraConfig, readInfraConfig } from './config.ts';
import { EDGE_REGION, EdgeStack } from './edge-stack.ts';
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
  /** us-east-1: the CloudFront web ACL (per-client rate limits on /api/*); only when the console is deployed. */
  edge?: EdgeStack;
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
  // The console's web ACL: WAF for CloudFront lives in us-east-1 whatever the stage's region. No console (no http
  // function yet), no distribution to protect: no web ACL to pay for.
  const hasConsole = ready.some((s) => s.triggers.some((t) => t.kind === 'http'));
  const edge = hasConsole
    ? new EdgeStack(app, `Baoxue-${config.stage}-Edge`, {
        stage: config.stage,
        env: { region: EDGE_REGION, account: config.account },
        crossRegionReferences: true,
      })
    : undefined;
  const stateful = new StatefulStack(app, `Baoxue-${config.stage}-Stateful`, { stage: config.stage, env });
  const stateless = new StatelessStack(app, `Baoxue-${config.stage}-Stateless`, {
    env,
    crossRegionReferences: edge !== undefined,
    ...(edge ? { webAclArn: edge.webAcl.attrArn } : {}),
    config,
    stateful,
    specs: ready,
    appConfigJson: options.appConfigJson,
    entryFor: options.entryFor,
    projectRoot: options.projectRoot,
  });
  return { config, edge, stateful, stateless, skipped };
}
