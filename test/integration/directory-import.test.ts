import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, loadDirectorySource, runImportDirectory } from '../../local/commands/import-directory.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import type { DirectorySource } from '../../shared/domain/directory-source.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { importDirectory } from '../../shared/use-cases/import-directory.ts';
import { freshTable } from '../support/dynamo.ts';

type Source = {
  members: { people: { id: string; name: string; phone: string }[]; office: { members: string[] } };
};

/** A fresh copy of the shipped data files, for tests that change them. */
const shipped = async () => (await loadDirectorySource(defaultDataDir)).source as DirectorySource & Source;

async function setup() {
  const { doc, tableName, endpoint } = await freshTable('dir');
  const repo = new DynamoDirectoryRepository(doc, tableName);
  const deps = { repo, clock: fixedClock('2023-02-20T02:00:00Z') };
  const countItems = async () => {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :org',
        ExpressionAttributeValues: { ':org': 'ORG' },
        Select: 'COUNT',
      }),
    );
    return page.Count;
  };
  return { doc, tableName, endpoint, repo, deps, countItems };
}

describe('directory import on DynamoDB Local', () => {
  it('imports the shipped organisation once and writes nothing when imported again', async () => {
    const { repo, deps, countItems } = await setup();

    const first = await importDirectory(deps, { source: await shipped(), acceptMismatches: true });
    const second = await importDirectory(deps, { source: await shipped(), acceptMismatches: true });
    const stored = await repo.load();

    expect(first).toMatchObject({ written: true });
    expect(first.added).toHaveLength(92);
    expect(second).toMatchObject({ written: false, added: [], updated: [], deactivated: [], unchanged: 92 });
    expect(await countItems()).toBe(93); // 92 entities + the META item, no duplicates
    expect(stored.people).toHaveLength(58);
    expect(stored.townships).toHaveLength(13);
    expect(stored.schools).toHaveLength(17);
    expect(stored.meta).toMatchObject({
      chiefId: 'wu-chaochun',
      importedAt: '2023-02-20T02:00:00.000Z',
      officeIds: ['ye-shaohua', 'zhang-hui', 'yang-jinlu', 'lai-yongqin', 'wei-liangfang', 'shen-yanying'],
    });
    expect(stored.townships.find((t) => t.id === 'dongchang')?.contactIds).toEqual(['pan-dejian']);
  });

  it('updates a changed field in place', async () => {
    const { doc, tableName, repo, deps } = await setup();
    await importDirectory(deps, { source: await shipped(), acceptMismatches: true });
    const changed = await shipped();
    changed.members.people.find((p) => p.id === 'zhang-hui')!.phone = '+8613800009999';

    const result = await importDirectory(deps, { source: changed, acceptMismatches: true });

    expect(result.updated).toEqual([
      {
        kind: 'person',
        id: 'zhang-hui',
        name: '张辉',
        changes: [{ field: 'phone', from: '+8613800000008', to: '+8613800009999' }],
      },
    ]);
    expect(result.unchanged).toBe(91);
    const item = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'ORG', sk: 'PERSON#zhang-hui' } }));
    expect(item.Item).toMatchObject({ phone: '+8613800009999', entity: 'PERSON', name: '张辉' });
    expect((await repo.load()).people.filter((p) => p.id === 'zhang-hui')).toHaveLength(1);
  });

  it('deactivates a person no longer in the files and keeps the item', async () => {
    const { doc, tableName, deps, countItems } = await setup();
    await importDirectory(deps, { source: await shipped(), acceptMismatches: true });
    const without = await shipped();
    without.members.people = without.members.people.filter((p) => p.id !== 'shen-yanying');
    without.members.office.members = without.members.office.members.filter((n) => n !== '沈彦英');

    const result = await importDirectory(deps, { source: without, acceptMismatches: true });

    expect(result.deactivated).toEqual([{ kind: 'person', id: 'shen-yanying', name: '沈彦英' }]);
    const item = await doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'ORG', sk: 'PERSON#shen-yanying' } }),
    );
    expect(item.Item).toMatchObject({ active: false, name: '沈彦英' });
    expect(await countItems()).toBe(93);
  });

  it('writes nothing on a dry run, and nothing when the names are not accepted', async () => {
    const { deps, countItems } = await setup();

    const dry = await importDirectory(deps, { source: await shipped(), acceptMismatches: true, dryRun: true });
    const stopped = importDirectory(deps, { source: await shipped() });

    expect(dry.added).toHaveLength(92);
    await expect(stopped).rejects.toThrow(/导入已停止/);
    expect(await countItems()).toBe(0);
  });

  it('runs as the operator command against an endpoint and table, printing Chinese', async () => {
    const { endpoint, tableName } = await setup();

    const { lines } = await runImportDirectory(
      { endpoint, table: tableName, acceptMismatch: '潘德健，王熙龙' },
      fixedClock('2023-02-20T02:00:00Z'),
    );
    const refused = runImportDirectory({ endpoint, table: tableName, acceptMismatch: '潘德健' });
    const noTable = runImportDirectory({ endpoint, table: 'no-such-table', acceptMismatch: true });

    expect(lines).toContain('目录导入完成。');
    expect(lines).toContain('新增 92 项，更新 0 项，停用 0 项，未变 0 项。');
    await expect(refused).rejects.toThrow(/--accept-mismatch/);
    await expect(noTable).rejects.toThrow('表 no-such-table 不存在');
  });
});
