import { describe, expect, it } from 'vitest';
import type { ReportSlot } from '../../shared/domain/report-slot.ts';
import { acknowledgementReply } from '../../shared/domain/views/acknowledgement.ts';
import { reportAcknowledgementView, reportFiledView } from '../../shared/domain/views/report.ts';

const slot = {
  id: 's1:daily:2026-03-10',
  schoolId: 's1',
  townshipId: 't1',
  cadence: 'daily',
  periodKey: '2026-03-10',
  deadline: '2026-03-10T09:00:00.000Z',
  state: 'SUBMITTED',
  submission: { submittedAt: '2026-03-10T08:00:00.000Z', submittedBy: 'head-1' },
} as unknown as ReportSlot;

const intake = {
  reopenedCaseIds: ['c-1'],
  fedCaseIds: ['c-2', 'c-3'],
  openedCaseIds: ['c-4'],
  unchangedCaseIds: [],
  ambiguous: 2,
  skipped: [{ caseId: 'c-5', reason: 'exempted' }],
};

describe('report views (shared/domain/views/report.ts)', () => {
  it('a filed report: the slot, on time, what its pupils did to cases (counts and ids, no names)', () => {
    expect(reportFiledView({ slot, onTime: true, resubmission: false, reopenedCaseIds: ['c-1'], intake })).toEqual({
      slotId: 's1:daily:2026-03-10',
      state: 'SUBMITTED',
      onTime: true,
      resubmission: false,
      reopenedCaseIds: ['c-1'],
      cases: {
        reopened: 1,
        fed: 2,
        opened: 1,
        unchanged: 0,
        ambiguous: 2,
        skipped: 1,
        reopenedCaseIds: ['c-1'],
        fedCaseIds: ['c-2', 'c-3'],
        openedCaseIds: ['c-4'],
        unchangedCaseIds: [],
        skippedCases: [{ caseId: 'c-5', reason: 'exempted' }],
      },
      deadline: '2026-03-10T09:00:00.000Z',
      submittedAt: '2026-03-10T08:00:00.000Z',
    });
  });

  it('a report without a submission yet has no submittedAt', () => {
    const { submission: _s, ...open } = slot;
    const v = reportFiledView({
      slot: open as ReportSlot,
      onTime: false,
      resubmission: true,
      reopenedCaseIds: [],
      intake,
    });
    expect(v.submittedAt).toBeUndefined();
    expect(v).toMatchObject({ onTime: false, resubmission: true });
  });

  it('a ladder level taken on: who, role, when; the note passes the scrubber', () => {
    const ack = {
      by: { personId: 'contact-1', name: '包乡镇', role: 'township-contact' },
      at: '2026-03-10T10:00:00.000Z',
      note: '已电话联系 13900000000',
    };
    const v = reportAcknowledgementView({ slotId: slot.id, level: 2 }, ack, true);
    expect(v).toEqual({
      slotId: 's1:daily:2026-03-10',
      level: 2,
      acknowledged: {
        by: '包乡镇',
        role: 'township-contact',
        at: '2026-03-10T10:00:00.000Z',
        note: v.acknowledged.note,
      },
      changed: true,
    });
    expect(v.acknowledged.note).toContain('已电话联系');
    expect(v.acknowledged.note).not.toContain('13900000000');
  });

  it('every acknowledgement reply: the ids first, then who took it on and whether it changed', () => {
    const ack = {
      by: { personId: 'head-1', name: '张校长', role: 'school-head' },
      at: '2026-03-10T10:00:00.000Z',
      note: '',
    };
    const reply = acknowledgementReply({ windowId: 'w-1', schoolId: 's1' }, ack, false);
    expect(reply).toEqual({
      windowId: 'w-1',
      schoolId: 's1',
      acknowledged: { by: '张校长', role: 'school-head', at: '2026-03-10T10:00:00.000Z', note: '' },
      changed: false,
    });
    expect(Object.keys(acknowledgementReply({ planId: 'st-1', no: 2 }, ack, true))).toEqual([
      'planId',
      'no',
      'acknowledged',
      'changed',
    ]);
  });
});
