import { describe, expect, it } from 'vitest';
import type { Case } from '../../shared/domain/case.ts';
import type { Message } from '../../shared/domain/message.ts';
import type { Notice } from '../../shared/domain/notice.ts';
import { caseMessageView, knownNames, noticeView } from '../../shared/domain/views/case.ts';

const names = knownNames({ studentName: '王小明', guardian: { name: '王大力' } } as Case);

const message = (audience: Message['audience'], text: string): Message =>
  ({
    id: 'msg-00000001',
    audience,
    recipient: { role: audience === 'guardian' ? 'guardian' : 'office', phone: '+8613900000000', label: '家长' },
    template: 'notice.guardian',
    text,
    parts: 1,
    notBefore: '2026-03-10T02:00:00.000Z',
    status: 'SENT',
    createdAt: '2026-03-10T02:00:00.000Z',
    attempts: 1,
  }) as Message;

describe('case views (shared/domain/views/case.ts)', () => {
  it('a message: phone always masked; the school and office read the text; outside, officials scrubbed, guardians left out', () => {
    const guardian = message('guardian', '王小明家长：请于3月17日前送孩子返校');
    const official = message('official', '王小明（王大力 13900000000）未返校');
    const inside = caseMessageView(guardian, true, names);
    expect(inside.text).toBe(guardian.text);
    expect(inside.recipient.phone).not.toContain('13900000000');
    expect(caseMessageView(guardian, false, names)).not.toHaveProperty('text');
    const outside = caseMessageView(official, false, names).text ?? '';
    expect(outside).not.toContain('王小明');
    expect(outside).not.toContain('王大力');
    expect(outside).not.toContain('13900000000');
    expect(outside).toContain('未返校');
    expect(caseMessageView(official, true, names).text).toBe(official.text);
  });

  it('a notice: who signed the receipt is masked outside the school, the evidence reference scrubbed', () => {
    const notice = {
      id: 'n-1',
      caseId: 'c-1',
      issuedAt: '2026-03-10T02:00:00.000Z',
      deadline: '2026-03-17T02:00:00.000Z',
      status: 'pending',
      receipt: {
        receivedAt: '2026-03-10T03:00:00.000Z',
        method: 'in-person',
        receivedBy: '王大力',
        evidenceRef: '回执 13900000000',
        recordedAt: '2026-03-10T03:00:00.000Z',
        recordedBy: { name: '校长' },
      },
    } as unknown as Notice;
    const masked = noticeView(notice, true);
    expect(masked.receipt).toMatchObject({ receivedBy: '王*力', methodLabel: expect.any(String) });
    expect(JSON.stringify(masked)).not.toContain('13900000000');
    expect(noticeView(notice).receipt).toMatchObject({ receivedBy: '王大力', evidenceRef: '回执 13900000000' });
    expect(masked.escalation).toBeNull();
    expect(masked).not.toHaveProperty('sms');
  });
});
