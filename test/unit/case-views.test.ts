import { describe, expect, it } from 'vitest';
import type { Case, CaseEvent } from '../../shared/domain/case.ts';
import type { Message } from '../../shared/domain/message.ts';
import type { Notice } from '../../shared/domain/notice.ts';
import { caseMessageView, caseTimelineView, knownNames, noticeView } from '../../shared/domain/views/case.ts';

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

describe('case timeline view (shared/domain/views/case.ts)', () => {
  const c = { id: 'c-1', studentName: '王小明', guardian: { name: '王大力' } } as Case;
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
      recordedAt: '2026-03-10T03:00:00.000Z',
      recordedBy: { name: '校长' },
    },
  } as unknown as Notice;
  const event = {
    id: 'e-1',
    caseId: 'c-1',
    at: '2026-03-09T02:00:00.000Z',
    type: 'visit',
    by: { personId: 't-1', name: '李老师' },
    data: { note: '王小明在外打工，王大力 13900000000', nested: { studentRef: 'G450000201001010011' } },
  } as unknown as CaseEvent;
  const sms = {
    ...message('guardian', '王小明家长：请返校'),
    id: 'notice-n-1-guardian',
    createdAt: '2026-03-10T02:01:00.000Z',
  };

  it('for the school: events, notices and messages oldest first, as recorded; the notice with its guardian SMS', () => {
    const v = caseTimelineView(c, [event], [notice], [sms], false);
    expect(v.timeline.map((i) => [i.kind, i.type])).toEqual([
      ['event', 'visit'],
      ['notice', 'notice-pending'],
      ['message', 'SENT'],
    ]);
    expect(v.timeline[0]).toEqual({ at: event.at, kind: 'event', type: 'visit', by: '李老师', data: event.data });
    expect(v.timeline[1]!.data).toEqual({
      deadline: notice.deadline,
      status: 'pending',
      resolvedAt: undefined,
      receipt: noticeView(notice).receipt,
    });
    expect(v.timeline[2]!.data).toEqual(caseMessageView(sms, true, names));
    expect(v.notices).toEqual([noticeView(notice, false, sms)]);
    expect(v.notices[0]).toHaveProperty('sms.status', 'SENT');
  });

  it('outside the school: event data scrubbed, the receipt masked, the guardian text left out', () => {
    const v = caseTimelineView(c, [event], [notice], [sms], true);
    const text = JSON.stringify(v);
    for (const secret of ['王小明', '王大力', '13900000000', 'G450000201001010011']) expect(text).not.toContain(secret);
    expect(v.timeline[0]).toMatchObject({ kind: 'event', by: '李老师' });
    expect(JSON.stringify(v.timeline[0]!.data)).toContain('在外打工');
    expect(v.timeline[2]!.data).not.toHaveProperty('text');
    expect(v.notices).toEqual([noticeView(notice, true, sms)]);
  });
});
