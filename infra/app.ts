import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { entryOf, type FunctionSpec, functionSpecs } from '../functions/manifest.ts';
import { loadConfigFile } from '../shared/config/load-config.ts';
import { readInfraConfig } from './config.ts';
import { addNagChecks } from './nag.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const entryFor = (name: string) => `${projectRoot}/${entryOf(name)}`;

const app = new App();
const config = readInfraConfig((key) => app.node.tryGetContext(key));
// Validated with the application's own schema (defaults applied), so a bad config fails synth, not Lambda init.
const appConfigJson = JSON.stringify(loadConfigFile());

// Functions declared in the manifest whose handler is not written yet are left out (and said so).
const ready: FunctionSpec[] = functionSpecs.filter((s) => existsSync(entryFor(s.name)));
const missing = functionSpecs.filter((s) => !ready.includes(s)).map((s) => s.name);
if (missing.length > 0) console.warn(`baoxue: not deploying (no handler.ts yet): ${missing.join(', ')}`);

const env = { region: config.region, account: config.account };
const stateful = new StatefulStack(app, `Baoxue-${config.stage}-Stateful`, { stage: config.stage, env });
new StatelessStack(app, `Baoxue-${config.stage}-Stateless`, {
  env,
  config,
  stateful,
  specs: ready,
  appConfigJson,
  entryFor,
  projectRoot,
});
addNagChecks(app);
app.synth();
