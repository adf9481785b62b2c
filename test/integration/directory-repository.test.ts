import { describe, expect, it } from 'vitest';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import type { Person } from '../../shared/domain/directory.ts';
import type { DirectoryEntity } from '../../shared/domain/ports.ts';
import { freshTable } from '../support/dynamo.ts';

const person = (n: number): Person => ({
  id: `person-${String(n).padStart(3, '0')}`,
  name: `示例人员${n}`,
  phone: `+861380000${String(n).padStart(4, '0')}`,
  roles: ['member'],
  active: true,
});

describe('DynamoDirectoryRepository on DynamoDB Local', () => {
  it('saves more than one transaction of entities and loads them all back, with the meta item', async () => {
    const { doc, tableName } = await freshTable('dirrepo');
    const repo = new DynamoDirectoryRepository(doc, tableName);
    const entities: DirectoryEntity[] = Array.from({ length: 150 }, (_, i) => ({
      kind: 'person',
      value: person(i + 1),
    }));

    await repo.save(entities, {
      chiefId: 'person-001',
      officeIds: ['person-002'],
      importedAt: '2023-02-20T02:00:00.000Z',
    });
    const loaded = await repo.load();

    expect(loaded.people).toHaveLength(150);
    expect(loaded.people.find((p) => p.id === 'person-150')).toEqual(person(150));
    expect(loaded.meta).toMatchObject({ chiefId: 'person-001', officeIds: ['person-002'] });
  });

  it('replaces an entity in place when saved again (no duplicate, optional fields dropped)', async () => {
    const { doc, tableName } = await freshTable('dirrepo');
    const repo = new DynamoDirectoryRepository(doc, tableName);
    await repo.save([{ kind: 'person', value: { ...person(1), title: '旧职务' } }]);

    await repo.save([{ kind: 'person', value: { ...person(1), active: false } }]);
    const loaded = await repo.load();

    expect(loaded.people).toEqual([{ ...person(1), active: false }]);
  });
});
