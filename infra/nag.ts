import { type App, CfnResource, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, rules } from 'cdk-nag';
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

/**
 * Acknowledges, one exact finding id at a time, every AwsSolutions-IAM4 (AWS managed policy) and IAM5 (wildcard)
 * finding of the IAM roles and policies under a construct that aws-cdk-lib owns (e.g. the BucketDeployment
 * handler), so a NEW finding added there later still fails synth. The ids come from cdk-nag's own rules.
 */
export function acknowledgeIamFindings(scope: IConstruct, reason: string): void {
  for (const node of scope.node.findAll()) {
    if (!(node instanceof CfnResource)) continue;
    for (const [id, rule] of [
      ['AwsSolutions-IAM4', rules.iam.IAMNoManagedPolicies],
      ['AwsSolutions-IAM5', rules.iam.IAMNoWildcardPermissions],
    ] as const) {
      const findings = rule(node);
      if (Array.isArray(findings)) for (const f of findings) suppress(node, `${id}[${f}]`, reason);
    }
  }
}
