import { describe, expect, it } from 'vitest';
import type { School } from '../../shared/domain/directory.ts';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';
import { countOpenCases, countOpenCasesOf, type OpenCaseCounter } from '../../shared/use-cases/count-open-cases.ts';

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

describe('countOpenCasesOf (the statistics chart: the schools in scope only)', () => {
  it('asks only the given schools and ignores closed states a counter might report', async () => {
    const asked: string[] = [];
    const counter: OpenCaseCounter = {
      countOpen: async (schoolId) => {
        asked.push(schoolId);
        return schoolId === 's1' ? { persuading: 2, escalated: 1, returned: 5 } : { 'notice-issued': 3 };
      },
    };
    const counts = await countOpenCasesOf([{ id: 's1' }, { id: 's3' }], counter);
    expect(asked.sort()).toEqual(['s1', 's3']);
    expect(counts).toEqual({
      total: 6,
      byState: { opened: 0, persuading: 2, 'notice-issued': 3, lapsed: 0, escalated: 1 },
      schools: 2,
    });
  });

  it('no school in scope: zeros, nothing asked', async () => {
    const counter: OpenCaseCounter = { countOpen: async () => Promise.reject(new Error('not asked')) };
    expect(await countOpenCasesOf([], counter)).toEqual({
      total: 0,
      byState: { opened: 0, persuading: 0, 'notice-issued': 0, lapsed: 0, escalated: 0 },
      schools: 0,
    });
  });
});
