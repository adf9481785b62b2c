import { describe, expect, it } from 'vitest';
import { itemToSlot, slotToItem } from '../../shared/adapters/dynamo/slot-repository.ts';
import { newSlot, parseStoredSlot, parseSubmission, submitSlot } from '../../shared/domain/report-slot.ts';

const open = newSlot({
  schoolId: 's1',
  townshipId: 't1',
  cadence: 'daily',
  periodKey: '2026-03-10',
  dueDate: '2026-03-10',
  deadline: new Date('2026-03-10T09:00:00.000Z'),
  firstDueAt: new Date('2026-03-10T09:30:00.000Z'),
  now: new Date('2026-03-10T00:00:00.000Z'),
});
const filed = {
  ...submitSlot(
    open,
    parseSubmission({
      counts: { enrolled: 10, returned: 9, notReturned: 1, droppedOut: 0 },
      notBack: [{ studentName: '王小明', status: 'not-returned', reason: '在外' }],
      submittedBy: 'head-1',
      note: '已家访',
    }),
    new Date('2026-03-10T08:00:00.000Z'),
  ),
  escalations: [
    {
      level: 1,
      at: '2026-03-10T09:30:00.000Z',
      personIds: ['head-1'],
      messageIds: ['m-1'],
      acknowledged: {
        by: { personId: 'head-1', name: '校长', role: 'school-head' },
        at: '2026-03-10T09:40:00.000Z',
        note: '',
      },
    },
  ],
};

describe('stored report slots are read through storedSlotSchema', () => {
  it('an open and a filed slot read back as stored, without their keys', () => {
    expect(itemToSlot(slotToItem(open))).toEqual(open);
    const { nextDueAt: _n, ...stored } = filed;
    expect(itemToSlot(slotToItem(stored))).toEqual(stored);
  });

  it('a corrupt slot fails naming the slot and every wrong field', () => {
    const corrupt = { ...open, state: 'LATE', escalations: [{ level: 'one' }], history: undefined };
    expect(() => parseStoredSlot(corrupt)).toThrow(/stored report slot s1:daily:2026-03-10 is corrupt/);
    expect(() => parseStoredSlot(corrupt)).toThrow(/state.*escalations\.0\.level.*history/s);
    expect(() => itemToSlot({ ...slotToItem(open), deadline: 'tomorrow' })).toThrow(/deadline/);
  });
});
