import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on a construct and its children. The reason is required: it is the audit
 * trail of why the rule does not apply (ids like `AwsSolutions-IAM5[Resource::*]` name one finding).
 */
export function suppress(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`cdk-nag suppression ${id} needs a real reason`);
  Validations.of(scope).acknowledge({ id, reason });
}

/** Runs the AwsSolutions rule pack at synth; any unacknowledged finding fails `cdk synth`. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
