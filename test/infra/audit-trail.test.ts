import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedSpecs, functionSpecs } from '../../functions/manifest.ts';
import { AUDIT_KEY_PREFIX } from '../../shared/adapters/dynamo/audit.ts';
import { type BuiltStacks, buildStacks } from './support/build-stacks.ts';
import { evaluate, type IamRequest } from './support/iam-evaluate.ts';
import { importsFrom, statementsOf } from './support/template-queries.ts';

/** The functions the default (SNS) stage deploys: the Tencent pull and the Alibaba webhook are not among them. */
const stageSpecs = deployedSpecs(functionSpecs, 'sns');

/*
 * The real manifest (every function the project deploys), each role's synthesized policies evaluated the way IAM
 * evaluates identity policies (explicit Deny > Allow > implicit deny), for requests on audit and non-audit keys.
 */
let built: BuiltStacks;
let t: Template;
let tableArn: unknown;
beforeAll(() => {
  built = buildStacks({ specs: functionSpecs });
  t = built.statelessTemplate;
  tableArn = importsFrom(built.statefulTemplate)('Table', 'Arn');
});
afterAll(() => built.cleanup());

const names = stageSpecs.map((s) => s.name);
const writers = stageSpecs.filter((s) => s.access.includes('table-write')).map((s) => s.name);
const auditItem = `${AUDIT_KEY_PREFIX}case-1`;
const request = (action: string, leadingKeys: string[], extra: IamRequest['context'] = {}): IamRequest => ({
  action,
  resource: tableArn,
  context: { 'dynamodb:LeadingKeys': leadingKeys, ...extra },
});
const decide = (name: string, r: IamRequest) => evaluate(statementsOf(t, name), r);

const REWRITES = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

describe('the audit trail cannot be rewritten by any function', () => {
  it('covers every function of the manifest, the api among the writers', () => {
    expect(names.length).toBeGreaterThan(5);
    expect(writers).toContain('api');
    expect(writers.length).toBeGreaterThan(3);
  });

  it.each(names)('%s may neither update nor delete an audit item, alone, in a batch or in a transaction', (name) => {
    for (const action of REWRITES) {
      expect(decide(name, request(action, [auditItem])), action).not.toBe('allow');
      expect(decide(name, request(action, ['CASE#1', auditItem])), `${action} mixed`).not.toBe('allow');
      expect(
        decide(name, request(action, [auditItem], { 'dynamodb:EnclosingOperation': 'TransactWriteItems' })),
        `${action} in a transaction`,
      ).not.toBe('allow');
    }
  });

  it.each(writers)('%s: an explicit Deny, so no later Allow can reopen it', (name) => {
    for (const action of REWRITES) expect(decide(name, request(action, [auditItem]))).toBe('explicit-deny');
  });

  it.each(writers)('%s still updates and deletes everything else (the Deny is not table-wide)', (name) => {
    for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem']) {
      expect(decide(name, request(action, ['CASE#1']))).toBe('allow');
      expect(decide(name, request(action, ['AUDITOR#x']))).toBe('allow'); // a prefix match, not a substring one
    }
  });

  it('only the api (audit-append) may put an audit item; every other writer is denied explicitly', () => {
    const put = Object.fromEntries(names.map((n) => [n, decide(n, request('dynamodb:PutItem', [auditItem]))]));

    expect(put.api).toBe('allow');
    for (const name of names.filter((n) => n !== 'api')) {
      expect(put[name], name).toBe(writers.includes(name) ? 'explicit-deny' : 'implicit-deny');
    }
  });
});

describe('function log groups are encrypted with the project’s data key', () => {
  it('every function log group names the stateful DataKey, and the key lets CloudWatch Logs use it', () => {
    const dataKeyArn = importsFrom(built.statefulTemplate)('DataKey', 'Arn');
    // `<Function>Logs<hash>`; CDK folds a repeated path segment, so sms-status-logs' group is `SmsStatusLogs<hash>`.
    const groups = Object.entries(t.findResources('AWS::Logs::LogGroup')).filter(([id]) =>
      names.some((n) => {
        const fn = n.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
        return id.startsWith(`${fn}Logs`) || (fn.endsWith('Logs') && new RegExp(`^${fn}[0-9A-F]{8}$`).test(id));
      }),
    );

    expect(groups.length).toBe(names.length);
    for (const [, g] of groups) expect(g.Properties.KmsKeyId).toEqual(dataKeyArn);
    const [key] = Object.values(built.statefulTemplate.findResources('AWS::KMS::Key'));
    const statement = (key!.Properties.KeyPolicy.Statement as { Sid?: string }[]).find(
      (s) => s.Sid === 'FunctionLogGroups',
    );
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'logs.ap-southeast-1.amazonaws.com' },
      Action: expect.arrayContaining(['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*']),
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': expect.anything() } },
    });
  });
});
