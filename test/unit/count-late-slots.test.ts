import { describe, expect, it } from 'vitest';
import type { School } from '../../shared/domain/directory.ts';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { countLateSlots, type LateSlotCounter } from '../../shared/use-cases/count-late-slots.ts';

const school = (id: string, active = true): School => ({
  id,
  name: `示例学校${id}`,
  townshipId: 'town-demo',
  headId: 'p-head',
  phone: '+867737200000',
  active,
});

const directoryOf = (schools: School[]) => ({
  load: async (): Promise<DirectorySnapshot> => ({ people: [], areas: [], townships: [], schools, meta: {} }),
});

const NOW = '2026-03-10T02:00:00.000Z';

describe('countLateSlots', () => {
  it('asks every school, a closed one included, at the clock time, and adds up per cadence with 0s', async () => {
    const asked: [string, string][] = [];
    const counter: LateSlotCounter = {
      countLate: async (schoolId, now) => {
        asked.push([schoolId, now.toISOString()]);
        return schoolId === 'sch-a' ? { daily: 2 } : { daily: 1, weekly: 1 };
      },
    };

    const counts = await countLateSlots({
      directory: directoryOf([school('sch-a'), school('sch-b', false)]),
      counter,
      clock: fixedClock(NOW),
      cadences: ['daily', 'weekly', 'monthly'],
    });

    expect(asked.sort()).toEqual([
      ['sch-a', NOW],
      ['sch-b', NOW],
    ]);
    expect(counts).toEqual({ total: 4, schools: 2, byCadence: { daily: 3, weekly: 1, monthly: 0 } });
  });

  it('still counts the open late slots of a cadence the bureau stopped collecting', async () => {
    const counter: LateSlotCounter = { countLate: async () => ({ monthly: 1 }) };

    const counts = await countLateSlots({
      directory: directoryOf([school('sch-a')]),
      counter,
      clock: fixedClock(NOW),
      cadences: ['daily'],
    });

    expect(counts).toEqual({ total: 1, schools: 1, byCadence: { daily: 0, monthly: 1 } });
  });
});
