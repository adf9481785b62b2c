import type { Statement } from './template-queries.ts';

/** What IAM decides for one request against one role's identity policies. */
export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface IamRequest {
  action: string;
  /** The resource as it appears in the template (a string ARN, or the CloudFormation token of one). */
  resource: unknown;
  /** Request context keys, e.g. `dynamodb:LeadingKeys` (multi-valued) or `dynamodb:EnclosingOperation`. */
  context: Record<string, string | string[]>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const glob = (pattern: string, value: string, ignoreCase = false) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    ignoreCase ? 'i' : '',
  ).test(value);

function resourceMatches(pattern: unknown, resource: unknown): boolean {
  if (pattern === '*') return true;
  if (typeof pattern === 'string' && typeof resource === 'string') return glob(pattern, resource);
  return JSON.stringify(pattern) === JSON.stringify(resource);
}

/** One condition operator on one key (IAM's semantics for a missing key included). Unknown operators throw. */
function conditionHolds(operator: string, key: string, expected: string[], context: IamRequest['context']): boolean {
  const given = context[key];
  const values = list(given);
  switch (operator) {
    case 'ForAnyValue:StringLike':
      return values.some((v) => expected.some((p) => glob(p, v)));
    case 'ForAllValues:StringLike':
      return values.every((v) => expected.some((p) => glob(p, v)));
    case 'ForAllValues:StringNotLike':
      return values.every((v) => !expected.some((p) => glob(p, v)));
    case 'StringEquals':
      return given !== undefined && !Array.isArray(given) && expected.includes(given);
    case 'StringLike':
      return given !== undefined && !Array.isArray(given) && expected.some((p) => glob(p, given));
    default:
      throw new Error(`iam-evaluate: condition operator ${operator} is not modelled`);
  }
}

function applies(s: Statement, request: IamRequest): boolean {
  if (!list(s.Action).some((a) => glob(a, request.action, true))) return false;
  if (!list(s.Resource).some((r) => resourceMatches(r, request.resource))) return false;
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys as Record<string, string | string[]>)) {
      if (!conditionHolds(operator, key, list(expected), request.context)) return false;
    }
  }
  return true;
}

/**
 * IAM's evaluation of identity policies for one request: an applicable Deny wins, else an applicable Allow, else
 * the implicit deny. Models Action/Resource wildcards and the condition operators the stack uses; refuses others.
 */
export function evaluate(statements: Statement[], request: IamRequest): Decision {
  const matching = statements.filter((s) => applies(s, request));
  if (matching.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  if (matching.some((s) => s.Effect === 'Allow')) return 'allow';
  return 'implicit-deny';
}
