import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { entryOf, functionSpecs } from '../functions/manifest.ts';
import { configForEnv, loadConfigFile } from '../shared/config/load-config.ts';
import { defineBaoxueApp } from './baoxue-app.ts';
import { addNagChecks } from './nag.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

const app = new App();
const { skipped } = defineBaoxueApp(app, {
  specs: functionSpecs,
  entryFor: (name) => `${projectRoot}/${entryOf(name)}`,
  projectRoot,
  // Validated with the application's own schema (defaults applied): a bad config fails synth, not Lambda init.
  appConfigJson: configForEnv(loadConfigFile()),
});
if (skipped.length > 0) console.warn(`baoxue: not deploying (no handler.ts yet): ${skipped.join(', ')}`);
addNagChecks(app);
app.synth();
