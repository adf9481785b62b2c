import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appConfigSchema } from '../../shared/config/app-config.ts';
import {
  type Ladder,
  type LadderPosition,
  ladderSchema,
  levelDueAt,
  nextEscalation,
  resolveRecipients,
} from '../../shared/domain/ladder.ts';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';

const deadline = '2023-02-20T09:00:00.000Z'; // 17:00 CST
const ladder: Ladder = ladderSchema.parse([
  { after: '30m', recipients: ['school-head'] },
  { after: '16h', recipients: ['township-contact'] },
  { after: '1d', recipients: ['area-leader'] },
  { after: '1d16h', recipients: ['chief', 'office'] },
]);
const open = (nextLevel: number): LadderPosition => ({ state: 'OPEN', deadline, nextLevel });

describe('nextEscalation', () => {
  it('waits for level 0 until deadline + its delay', () => {
    const step = nextEscalation(open(0), ladder, new Date('2023-02-20T09:29:00.000Z'));

    expect(step).toEqual({ kind: 'waiting', level: 0, at: new Date('2023-02-20T09:30:00.000Z') });
  });

  it('offers only the next unsent level even when several are overdue', () => {
    const step = nextEscalation(open(1), ladder, new Date('2023-02-25T00:00:00.000Z'));

    expect(step).toMatchObject({ kind: 'due', level: 1 });
  });

  it('is done once submitted, whatever level was reached', () => {
    const step = nextEscalation({ ...open(2), state: 'SUBMITTED' }, ladder, new Date('2023-03-01T00:00:00.000Z'));

    expect(step).toEqual({ kind: 'done', reason: 'submitted' });
  });

  it('is done after the last level', () => {
    expect(nextEscalation(open(4), ladder, new Date('2023-03-01T00:00:00.000Z'))).toEqual({
      kind: 'done',
      reason: 'ladder-complete',
    });
  });
});

describe('ladder property: never skips, never repeats, stops on submission', () => {
  const ladderArb = fc.array(fc.integer({ min: 1, max: 3 * 24 * 60 }), { minLength: 1, maxLength: 6 }).map((gaps) => {
    let total = 0;
    return gaps.map((g) => {
      total += g;
      return { after: `${total}m`, recipients: ['school-head' as const] };
    });
  });

  it('holds for any ladder, sweep times and submission time', () => {
    fc.assert(
      fc.property(
        ladderArb,
        fc.array(fc.integer({ min: 0, max: 12 * 24 * 60 }), { minLength: 1, maxLength: 60 }),
        fc.option(fc.integer({ min: 0, max: 12 * 24 * 60 }), { nil: undefined }),
        (levels, sweepOffsets, submitOffset) => {
          const parsed = ladderSchema.parse(levels);
          const start = new Date(deadline).getTime();
          const sweeps = [...sweepOffsets].sort((a, b) => a - b).map((m) => new Date(start + m * 60_000));
          const position: LadderPosition = open(0);
          const sent: { level: number; at: Date }[] = [];
          for (const now of sweeps) {
            if (submitOffset !== undefined && now.getTime() >= start + submitOffset * 60_000)
              position.state = 'SUBMITTED';
            const step = nextEscalation(position, parsed, now);
            if (step.kind === 'due') {
              sent.push({ level: step.level, at: now });
              position.nextLevel = step.level + 1;
            }
          }
          // never skips and never repeats: exactly 0, 1, 2, … in order
          expect(sent.map((s) => s.level)).toEqual(sent.map((_, i) => i));
          for (const s of sent) {
            // never early
            expect(s.at.getTime()).toBeGreaterThanOrEqual(levelDueAt(deadline, parsed, s.level).getTime());
            // stops on submission
            if (submitOffset !== undefined) expect(s.at.getTime()).toBeLessThan(start + submitOffset * 60_000);
          }
          expect(sent.length).toBeLessThanOrEqual(parsed.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('ladder configuration', () => {
  it('refuses delays that do not increase', () => {
    const result = ladderSchema.safeParse([
      { after: '2h', recipients: ['school-head'] },
      { after: '1h', recipients: ['office'] },
    ]);

    expect(result.success).toBe(false);
  });

  it('defaults every cadence to four levels ending with the chief and the office', () => {
    const config = appConfigSchema.parse({
      bureau: { name: 'x', county: 'x' },
      calendar: { terms: [{ name: 't', start: '2023-02-06', end: '2023-07-07' }] },
      sms: { senderId: 'X', signature: '荔浦教育', quietHours: { start: '21:00', end: '08:00' } },
    });

    for (const cadence of ['daily', 'weekly', 'monthly'] as const) {
      expect(config.reports.ladders[cadence].map((l) => l.recipients)).toEqual([
        ['school-head'],
        ['township-contact'],
        ['area-leader'],
        ['chief', 'office'],
      ]);
    }
    expect(config.reports.dueTime.weekly).toBe('17:00');
  });
});

describe('resolveRecipients', () => {
  const directory = (): DirectorySnapshot => ({
    people: [
      { id: 'head-1', name: '校长甲', phone: '+8613800000001', roles: ['school-head'], active: true },
      { id: 'contact-1', name: '联络乙', phone: '+8613800000002', roles: ['township-contact'], active: true },
      { id: 'contact-2', name: '联络丙', phone: '+8613800000003', roles: ['township-contact'], active: false },
      { id: 'leader-1', name: '片长丁', phone: '+8613800000004', roles: ['area-leader'], active: true },
      { id: 'chief-1', name: '总戊', phone: '+8613800000005', roles: ['chief', 'office'], active: true },
    ],
    areas: [{ id: 'area-1', name: '一片', leaderId: 'leader-1', active: true }],
    townships: [{ id: 'tw-1', name: '马岭镇', areaId: 'area-1', contactIds: ['contact-1', 'contact-2'], active: true }],
    schools: [
      {
        id: 'sch-1',
        name: '马岭镇中心小学',
        townshipId: 'tw-1',
        headId: 'head-1',
        phone: '+867700000001',
        active: true,
      },
    ],
    meta: { chiefId: 'chief-1', officeIds: ['chief-1'] },
  });

  it('finds active township contacts only', () => {
    const { recipients } = resolveRecipients(['township-contact'], 'sch-1', directory());

    expect(recipients.map((r) => r.personId)).toEqual(['contact-1']);
  });

  it('sends one message to a person who is both chief and office', () => {
    const { recipients, missing } = resolveRecipients(['chief', 'office'], 'sch-1', directory());

    expect(recipients.map((r) => r.personId)).toEqual(['chief-1']);
    expect(missing).toEqual([]);
  });

  it('names the kinds nobody could be found for', () => {
    const { recipients, missing } = resolveRecipients(['school-head'], 'no-such-school', directory());

    expect(recipients).toEqual([]);
    expect(missing).toEqual(['school-head']);
  });
});
