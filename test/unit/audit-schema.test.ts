import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { type AuditEntry, auditActions, parseStoredAuditEntry } from '../../shared/domain/access.ts';

const entry: AuditEntry = {
  id: 'a-1',
  at: '2026-03-10T02:00:00.000Z',
  personId: 'contact-1',
  role: 'township-contact',
  action: 'read-timeline',
  caseId: 'c-1',
  schoolId: 's1',
  sensitive: false,
};
const keys = {
  pk: 'AUDIT#c-1',
  sk: `${entry.at}#a-1`,
  entity: 'AUDIT',
  version: 1,
  gsi2pk: 'READER#contact-1',
  gsi2sk: 'x',
};
const docAnswering = (items: Record<string, unknown>[]) =>
  ({ send: async () => ({ Items: items }) }) as unknown as DynamoDBDocumentClient;

describe('stored audit entries are read through auditEntrySchema', () => {
  it('every action reads back as stored', () => {
    for (const action of auditActions)
      expect(parseStoredAuditEntry({ ...entry, action })).toEqual({ ...entry, action });
  });

  it('a corrupt entry fails naming the entry and the wrong fields', () => {
    expect(() => parseStoredAuditEntry({ ...entry, action: 'peek', sensitive: 'yes' })).toThrow(
      /stored audit entry a-1 is corrupt: .*action.*sensitive/,
    );
    const { personId: _p, ...missing } = entry;
    expect(() => parseStoredAuditEntry(missing)).toThrow(/personId/);
  });

  it("a case's audit trail is read without its keys, and a corrupt item is refused", async () => {
    expect(await new DynamoAuditLog(docAnswering([{ ...keys, ...entry }]), 't').listForCase('c-1')).toEqual([entry]);
    const bad = new DynamoAuditLog(docAnswering([{ ...keys, ...entry, at: 'yesterday' }]), 't');
    await expect(bad.listForCase('c-1')).rejects.toThrow(/stored audit entry a-1 is corrupt: at/);
  });
});
