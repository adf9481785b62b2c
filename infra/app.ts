import { App } from 'aws-cdk-lib';
import { StatefulStack } from './stateful-stack.ts';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
// TableV2 with a customer-managed key needs a concrete region: synth is region-specific, account-agnostic.
const region = String(app.node.tryGetContext('region') ?? 'ap-southeast-1');
new StatefulStack(app, `Baoxue-${stage}-Stateful`, { stage, env: { region } });
