import type { Template } from 'aws-cdk-lib/assertions';
import { pascal } from '../../../infra/constructs/operations.ts';

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Every statement of the inline policies attached to a function's role (`<Name>Role…`). */
export function statementsOf(template: Template, functionName: string): Statement[] {
  const prefix = `${pascal(functionName)}Role`;
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(prefix))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** Statements allowing (or denying) an action, by exact action name. */
export function withAction(statements: Statement[], action: string, effect: 'Allow' | 'Deny' = 'Allow'): Statement[] {
  return statements.filter((s) => s.Effect === effect && list(s.Action).includes(action));
}

export const actionsOf = (s: Statement) => list(s.Action);
export const resourcesOf = (s: Statement) => list(s.Resource);

/** The logical id of the one resource of a type whose id starts with a prefix. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting ${prefix}, got ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

/**
 * Exact cross-stack import of a stateful resource's attribute (`Table`, `Arn` → its `Fn::ImportValue`), read
 * from the stateful template's exports so it works with both toEqual and template matchers.
 */
export function importsFrom(stateful: Template) {
  const names = Object.values(stateful.findOutputs('*')).map((o) => o.Export?.Name as string);
  return (logicalIdPrefix: string, attr: string) => {
    const pattern =
      attr === 'Ref'
        ? new RegExp(`:ExportsOutputRef${logicalIdPrefix}[0-9A-F]{8}[0-9A-F]{8}$`)
        : new RegExp(`:ExportsOutputFnGetAtt${logicalIdPrefix}[0-9A-F]{8}${attr}[0-9A-F]{8}$`);
    const found = names.filter((n) => pattern.test(n));
    if (found.length !== 1) throw new Error(`expected one export for ${logicalIdPrefix}.${attr}, got ${found.length}`);
    return { 'Fn::ImportValue': found[0] };
  };
}

/** `Properties` of the Lambda function of a spec. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON, read by tests
export function functionProps(template: Template, name: string): Record<string, any> {
  const id = logicalId(template, 'AWS::Lambda::Function', `${pascal(name)}Function`);
  return template.findResources('AWS::Lambda::Function')[id]!.Properties;
}
