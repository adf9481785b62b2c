import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { AUDIT_KEY_PREFIX, DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import type { AuditEntry } from '../../shared/domain/access.ts';
import { freshTable } from '../support/dynamo.ts';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 'a1',
  at: '2023-02-20T02:00:00.000Z',
  personId: 'head-maling-zhongxin',
  role: 'school-head',
  action: 'read-case',
  caseId: 'case-1',
  schoolId: 'maling-zhongxin',
  sensitive: true,
  ...over,
});

describe('audit log: append-only writes (DynamoDB Local)', () => {
  it('never overwrites an entry: a second write under the same key leaves the first as it was', async () => {
    const { doc, tableName } = await freshTable('audit');
    const log = new DynamoAuditLog(doc, tableName);

    await log.record([entry()]);
    await log.record([entry({ personId: 'someone-else', sensitive: false, action: 'list-cases' })]);

    expect(await log.listForCase('case-1')).toEqual([entry()]);
    const stored = await doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: `${AUDIT_KEY_PREFIX}case-1`, sk: `${entry().at}#a1` } }),
    );
    expect(stored.Item).toMatchObject({ personId: 'head-maling-zhongxin', gsi2pk: 'READER#head-maling-zhongxin' });
  });

  it('writes many entries (more than one round of parallel puts), oldest first on read', async () => {
    const { doc, tableName } = await freshTable('audit-many');
    const log = new DynamoAuditLog(doc, tableName);
    const entries = Array.from({ length: 40 }, (_, i) =>
      entry({ id: `e${String(i).padStart(2, '0')}`, at: `2023-02-20T02:00:${String(i).padStart(2, '0')}.000Z` }),
    );

    await log.record(entries);

    expect(await log.listForCase('case-1')).toEqual(entries);
  });
});
