/**
 * Lambda event filtering (FilterCriteria) for DynamoDB stream records, as the event source mapping applies it
 * before batching. A record passes when ANY pattern matches; inside a pattern every key must match.
 *
 * Supported leaf rules (arrays of alternatives, as in the AWS syntax): literal equality (string, number,
 * boolean, null), `prefix`, `suffix`, `equals-ignore-case`, `exists`, `anything-but` (a value, a list, or
 * `{ prefix }`) and `numeric` (comparison pairs). `$or` inside a pattern is not supported and is refused.
 * Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
export type FilterPattern = Record<string, unknown>;

/** True when the record matches at least one pattern (no patterns = every record matches). */
export function matchesAnyFilter(patterns: readonly FilterPattern[], record: unknown): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) => matchesPattern(p, record));
}

/** True when every key of the pattern matches the record. */
export function matchesPattern(pattern: FilterPattern, record: unknown): boolean {
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') throw new Error('FilterCriteria "$or" is not supported by the local runtime');
    const value = isObject(record) ? record[key] : undefined;
    if (Array.isArray(rule)) {
      if (!matchesLeaf(rule, value)) return false;
    } else if (isObject(rule)) {
      // A nested pattern over a missing field can still match when it only asks for absence.
      if (!isObject(value)) {
        if (!onlyAsksAbsence(rule)) return false;
      } else if (!matchesPattern(rule, value)) return false;
    } else {
      throw new Error(`FilterCriteria leaf for "${key}" must be an array of rules, got ${JSON.stringify(rule)}`);
    }
  }
  return true;
}

function onlyAsksAbsence(pattern: Record<string, unknown>): boolean {
  return Object.values(pattern).every((rule) =>
    Array.isArray(rule)
      ? rule.some((r) => isObject(r) && r.exists === false)
      : isObject(rule)
        ? onlyAsksAbsence(rule)
        : false,
  );
}

/** A leaf: the value (or, for an array value, any of its elements) matches any of the rules. */
function matchesLeaf(rules: unknown[], value: unknown): boolean {
  return rules.some((rule) => matchesRule(rule, value));
}

function matchesRule(rule: unknown, value: unknown): boolean {
  if (isObject(rule)) {
    if ('exists' in rule) return rule.exists ? value !== undefined : value === undefined;
    if (value === undefined) return false;
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => matchesOperator(rule, v));
  }
  if (value === undefined) return false;
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => equalLiteral(rule, v));
}

function matchesOperator(rule: Record<string, unknown>, value: unknown): boolean {
  if ('prefix' in rule) return typeof value === 'string' && value.startsWith(String(rule.prefix));
  if ('suffix' in rule) return typeof value === 'string' && value.endsWith(String(rule.suffix));
  if ('equals-ignore-case' in rule) {
    return typeof value === 'string' && value.toLowerCase() === String(rule['equals-ignore-case']).toLowerCase();
  }
  if ('anything-but' in rule) {
    const but = rule['anything-but'];
    if (isObject(but)) {
      if ('prefix' in but) return typeof value === 'string' && !value.startsWith(String(but.prefix));
      if ('suffix' in but) return typeof value === 'string' && !value.endsWith(String(but.suffix));
      throw new Error(`unsupported anything-but rule ${JSON.stringify(but)}`);
    }
    const excluded = Array.isArray(but) ? but : [but];
    return !excluded.some((e) => equalLiteral(e, value));
  }
  if ('numeric' in rule) return matchesNumeric(rule.numeric as unknown[], value);
  throw new Error(`unsupported FilterCriteria rule ${JSON.stringify(rule)}`);
}

function matchesNumeric(conditions: unknown[], value: unknown): boolean {
  // DynamoDB stream images carry numbers as strings under `N`, so (as in AWS) numeric rules never match them.
  if (typeof value !== 'number') return false;
  const n = value;
  for (let i = 0; i < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = Number(conditions[i + 1]);
    const ok =
      op === '='
        ? n === bound
        : op === '<'
          ? n < bound
          : op === '<='
            ? n <= bound
            : op === '>'
              ? n > bound
              : n >= bound;
    if (!ok) return false;
  }
  return true;
}

/** Literals match by JSON type and value: `"5"` (a DynamoDB `N`) does not equal `5`, as in AWS. */
function equalLiteral(rule: unknown, value: unknown): boolean {
  return rule === value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
