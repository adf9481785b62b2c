import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoCaseExtras } from '../../shared/adapters/dynamo/case-read-models.ts';
import type { Notice } from '../../shared/domain/notice.ts';
import { parseStoredNotice } from '../../shared/domain/notice-stored.ts';

const notice: Notice = {
  id: 'n-00000001',
  caseId: 'c-00000001',
  schoolId: 's1',
  townshipId: 't1',
  issuedAt: '2026-03-10T02:00:00.000Z',
  deadline: '2026-03-17T02:00:00.000Z',
  receipt: {
    receivedAt: '2026-03-10T03:00:00.000Z',
    method: 'signed-receipt',
    receivedBy: '王大力',
    evidenceRef: '回证 001',
    recordedAt: '2026-03-10T03:05:00.000Z',
    recordedBy: { personId: 'p-head', name: '校长' },
  },
  deliveryTask: { reason: 'undelivered', openedAt: '2026-03-10T02:10:00.000Z', messageId: 'm-1', code: 'E1' },
  escalation: {
    level: 1,
    nextAt: '2026-03-18T02:00:00.000Z',
    acknowledged: {
      by: { personId: 'p-c', name: '包乡镇', role: 'township-contact' },
      at: '2026-03-18T01:00:00.000Z',
      note: '已联系',
    },
    townshipOrder: {
      kind: '限期返校',
      orderedOn: '2026-03-18',
      ref: '乡政发〔2026〕1号',
      deadline: '2026-03-25',
      recordedBy: { personId: 'p-c', name: '包乡镇' },
      recordedAt: '2026-03-18T01:10:00.000Z',
    },
  },
  status: 'lapsed',
  issuedBy: { personId: 'p-head', name: '校长' },
  timerName: 'notice-n-00000001',
  reminderMessageIds: ['notice-n-00000001-reminder'],
  resolvedAt: '2026-03-17T02:00:00.000Z',
  version: 3,
};

/** A document client whose every Query answers these items (one page). */
const docAnswering = (items: Record<string, unknown>[]) =>
  ({ send: async () => ({ Items: items }) }) as unknown as DynamoDBDocumentClient;

describe('stored notices are read through noticeSchema', () => {
  it('a full notice reads back as it was stored, every optional part included', () => {
    expect(parseStoredNotice(structuredClone(notice))).toEqual(notice);
    const { receipt: _r, deliveryTask: _d, escalation: _e, resolvedAt: _v, ...bare } = notice;
    expect(parseStoredNotice({ ...bare, status: 'pending' })).toEqual({ ...bare, status: 'pending' });
  });

  it('a corrupt notice fails naming the notice and every wrong field', () => {
    const corrupt = { ...notice, status: 'sent', deadline: 'next week', receipt: { ...notice.receipt, method: 'fax' } };
    expect(() => parseStoredNotice(corrupt)).toThrow(/stored notice n-00000001 is corrupt/);
    const message = (() => {
      try {
        parseStoredNotice(corrupt);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('status');
    expect(message).toContain('deadline');
    expect(message).toContain('receipt.method');
    const { timerName: _t, ...missing } = notice;
    expect(() => parseStoredNotice(missing)).toThrow(/timerName/);
    expect(() => parseStoredNotice('not an item')).toThrow(/stored notice \? is corrupt/);
  });

  it('the case pages read notices without their keys, and refuse a corrupt item instead of showing it', async () => {
    const keys = {
      pk: 'CASE#c-00000001',
      sk: 'NOTICE#n-00000001',
      entity: 'NOTICE',
      gsi1pk: 'DUE#NOTICE',
      gsi1sk: 'x',
    };
    const good = new DynamoCaseExtras(docAnswering([{ ...keys, ...notice }]), 'table');
    expect(await good.notices('c-00000001')).toEqual([notice]);
    const bad = new DynamoCaseExtras(docAnswering([{ ...keys, ...notice, issuedAt: 42 }]), 'table');
    await expect(bad.notices('c-00000001')).rejects.toThrow(/stored notice n-00000001 is corrupt: issuedAt/);
  });
});
