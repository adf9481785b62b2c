import { describe, expect, it } from 'vitest';
import type { School } from '../../shared/domain/directory.ts';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';
import { countOpenCases, type OpenCaseCounter } from '../../shared/use-cases/count-open-cases.ts';

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

describe('countOpenCases', () => {
  it('adds up every school, a closed school included, with every open state present (0 when none)', async () => {
    const asked: string[] = [];
    const counter: OpenCaseCounter = {
      countOpen: async (schoolId) => {
        asked.push(schoolId);
        return schoolId === 'sch-a' ? { persuading: 2, opened: 1 } : { lapsed: 1 };
      },
    };

    const counts = await countOpenCases({
      directory: directoryOf([school('sch-a'), school('sch-b', false)]),
      counter,
    });

    expect(asked.sort()).toEqual(['sch-a', 'sch-b']);
    expect(counts).toEqual({
      total: 4,
      schools: 2,
      byState: { opened: 1, persuading: 2, 'notice-issued': 0, lapsed: 1, escalated: 0 },
    });
  });

  it('ignores a closed state should the counter ever return one', async () => {
    const counter: OpenCaseCounter = { countOpen: async () => ({ returned: 5, escalated: 1 }) };

    const counts = await countOpenCases({ directory: directoryOf([school('sch-a')]), counter });

    expect(counts.total).toBe(1);
    expect(counts.byState).not.toHaveProperty('returned');
  });
});
