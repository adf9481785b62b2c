import { describe, expect, it } from 'vitest';
import { defaultDataDir, loadDirectorySource } from '../../local/commands/import-directory.ts';
import { closestName, editDistance, normaliseName } from '../../shared/domain/directory-source.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import type { DirectoryEntity, DirectoryRepository, DirectorySnapshot } from '../../shared/domain/ports.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { describeImportResult, importDirectory, NameMismatchError } from '../../shared/use-cases/import-directory.ts';

/** A small organisation in the shape of the data files; a fresh copy per call. */
const smallSource = () => ({
  members: {
    people: [
      { id: 'wu-yi', name: '吴 一', position: '组长', title: '局长', phone: '+8613800000001' },
      { id: 'huang-er', name: '黄二', position: '副组长', phone: '+8613800000002' },
      { id: 'pan-dejian', name: '潘德建', position: '成员', phone: '+8613800000003' },
      { id: 'yang-si', name: '杨四', position: '办公室成员', phone: '+8613800000004' },
    ],
    office: { director: '黄二', members: ['杨四'] },
  },
  assignments: {
    chief: '吴一',
    areas: [
      {
        id: 'area-huang-er',
        leader: '黄 二',
        townships: [{ id: 'jia', name: '甲镇', contacts: ['潘德建'], includes: ['甲镇特校'] }],
      },
    ],
  },
  otherStaff: { people: [] as { id: string; name: string; phone: string; title?: string }[] },
  schools: {
    schools: [
      {
        id: 'jia-zhongxin',
        name: '甲镇中心学校',
        townshipId: 'jia',
        phone: '+8613800000301',
        head: { id: 'head-jia-zhongxin', name: '示例校长一', phone: '+8613800000101' },
      },
      {
        id: 'jia-texiao',
        name: '甲镇特校',
        townshipId: 'jia',
        phone: '+8613800000302',
        head: { id: 'head-jia-texiao', name: '示例校长二', phone: '+8613800000102' },
      },
    ],
  },
  governments: {
    contacts: [{ id: 'gov-jia', townshipId: 'jia', name: '甲镇联络员（示例）', phone: '+8613800000201' }],
  },
});

/** An in-memory DirectoryRepository that records what was saved. */
function memoryRepo(): DirectoryRepository & { saves: DirectoryEntity[][]; snapshot: DirectorySnapshot } {
  const snapshot: DirectorySnapshot = { people: [], areas: [], townships: [], schools: [], meta: {} };
  const saves: DirectoryEntity[][] = [];
  const listOf = (kind: DirectoryEntity['kind']) =>
    ({ person: snapshot.people, area: snapshot.areas, township: snapshot.townships, school: snapshot.schools })[
      kind
    ] as { id: string }[];
  return {
    saves,
    snapshot,
    load: async () => structuredClone(snapshot),
    save: async (entities, meta) => {
      saves.push(entities);
      for (const e of entities) {
        const list = listOf(e.kind);
        const at = list.findIndex((x) => x.id === e.value.id);
        if (at >= 0) list[at] = structuredClone(e.value);
        else list.push(structuredClone(e.value));
      }
      if (meta) snapshot.meta = meta;
    },
  };
}

const deps = (repo = memoryRepo()) => ({ repo, clock: fixedClock('2023-02-20T02:00:00Z') });

async function validationIssues(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('importDirectory: the shipped data of 荔教〔2023〕1号', () => {
  const shipped = async () => (await loadDirectorySource(defaultDataDir)).source;

  it('stops on the two names of the 附件 that the §三 member list lacks, with their closest match', async () => {
    const d = deps();

    const error = await importDirectory(d, { source: await shipped() }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NameMismatchError);
    const mismatches = (error as NameMismatchError).mismatches;
    expect(mismatches.map((m) => [m.name, m.kind, m.closest?.name, m.closest?.distance])).toEqual([
      ['王熙龙', 'absent', expect.any(String), 3],
      ['潘德健', 'near', '潘德建', 1],
    ]);
    expect((error as Error).message).toContain('导入已停止');
    expect(d.repo.saves).toEqual([]);
  });

  it('imports everyone once the mismatches are accepted, roles following the tables', async () => {
    const d = deps();

    const result = await importDirectory(d, { source: await shipped(), acceptMismatches: true });

    const person = (id: string) => result.directory.people.find((p) => p.id === id);
    expect(result.added).toHaveLength(92); // 58 people, 4 areas, 13 townships, 17 schools
    expect(result.directory.chiefId).toBe('wu-chaochun');
    expect(result.directory.officeIds).toEqual([
      'ye-shaohua',
      'zhang-hui',
      'yang-jinlu',
      'lai-yongqin',
      'wei-liangfang',
      'shen-yanying',
    ]);
    expect(person('luo-yan')).toMatchObject({ name: '罗燕', roles: ['area-leader'] });
    expect(person('zhang-hui')).toMatchObject({ name: '张辉', roles: ['office', 'township-contact'] });
    expect(person('ye-shaohua')?.roles).toEqual(['office', 'area-leader']);
    expect(person('pan-dejian')?.roles).toEqual(['township-contact']);
    expect(person('li-limin')?.roles).toEqual(['member']);
    expect(result.directory.townships.find((t) => t.id === 'dongchang')).toMatchObject({
      areaId: 'area-ye-shaohua',
      contactIds: ['pan-dejian'],
      governmentContactId: 'gov-dongchang',
    });
    expect(result.directory.townships.find((t) => t.id === 'dumo')?.contactIds).toEqual(['wei-weiji', 'hu-hongyuan']);
    expect(result.directory.schools.filter((s) => s.townshipId === 'licheng').map((s) => s.name)).toEqual([
      '荔城镇中心学校',
      '民中',
      '滨江小学',
      '云惠学校',
    ]);
    expect(result.mismatches.find((m) => m.name === '潘德健')?.resolvedTo).toEqual({
      id: 'pan-dejian',
      name: '潘德建',
      via: 'member-list',
    });
    expect(result.directory.people.every((p) => /^\+861380000\d{4}$/.test(p.phone))).toBe(true);
  });

  it('still stops on the names an accept list leaves out', async () => {
    const error = await importDirectory(deps(), { source: await shipped(), acceptMismatches: ['潘德健'] }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(NameMismatchError);
    const pending = (error as NameMismatchError).mismatches.filter((m) => !m.accepted).map((m) => m.name);
    expect(pending).toEqual(['王熙龙']);
  });
});

describe('importDirectory: validation', () => {
  it('rejects a bad phone, naming the person and the field, without showing the full number', async () => {
    const source = smallSource();
    source.members.people[2]!.phone = '+86138000000031';

    const error = await validationIssues(importDirectory(deps(), { source }));

    expect(error.issues).toEqual([
      { field: 'members.json people[2].phone', reason: expect.stringContaining('潘德建（pan-dejian）的手机号') },
    ]);
    expect(error.message).toContain('不是有效的中国大陆手机号');
    expect(error.message).not.toContain('+86138000000031');
  });

  it.each([
    ['a landline', '+867737201234'],
    ['no country code', '13800000003'],
    ['a non-mobile prefix', '+8612800000003'],
  ])('rejects %s as a mobile', async (_, phone) => {
    const source = smallSource();
    source.schools.schools[0]!.head.phone = phone;

    const error = await validationIssues(importDirectory(deps(), { source }));

    expect(error.issues[0]?.field).toBe('schools.json schools[0].head.phone');
  });

  it('rejects a duplicate id across files', async () => {
    const source = smallSource();
    source.governments.contacts[0]!.id = 'head-jia-zhongxin';

    const error = await validationIssues(importDirectory(deps(), { source }));

    expect(error.issues).toEqual([
      {
        field: 'township-governments.json contacts[0]',
        reason: '人员 id“head-jia-zhongxin”重复（第一次出现在 schools.json schools[0].head）',
      },
    ]);
  });

  it('rejects unknown townships in schools and township governments, and a school the 附件 names but lacks', async () => {
    const source = smallSource();
    source.schools.schools[1]!.townshipId = 'yi';
    source.governments.contacts[0]!.townshipId = 'bing';

    const error = await validationIssues(importDirectory(deps(), { source }));

    expect(error.issues.map((i) => i.field)).toEqual([
      'schools.json schools[1].townshipId',
      'township-governments.json contacts[0].townshipId',
      'assignments.json areas[0].townships[0].includes',
    ]);
    expect(error.issues[0]?.reason).toContain('所属乡镇“yi”不存在');
  });

  it('rejects an office member missing from the member list', async () => {
    const source = smallSource();
    source.members.office.members.push('赵五');

    const error = await validationIssues(importDirectory(deps(), { source }));

    expect(error.issues[0]).toMatchObject({ field: 'members.json office.members[1]' });
  });

  it('reports structural problems per file and field, in Chinese', async () => {
    const source = smallSource() as unknown as { members: { people: Record<string, unknown>[] } };
    delete source.members.people[0]!.name;
    source.members.people[1]!.id = 'Huang Er';

    const error = await validationIssues(importDirectory(deps(), { source }));

    expect(error.issues.map((i) => i.field)).toEqual(['members.json people[0].name', 'members.json people[1].id']);
    expect(error.issues[1]?.reason).toBe('id 只能由小写字母、数字和连字符组成');
  });
});

describe('importDirectory: names of the 附件 against the member list', () => {
  it('stops on a slightly different name and reports the closest member', async () => {
    const source = smallSource();
    source.assignments.areas[0]!.townships[0]!.contacts = ['潘德健'];
    const d = deps();

    const error = await importDirectory(d, { source }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NameMismatchError);
    expect((error as NameMismatchError).mismatches).toEqual([
      {
        name: '潘德健',
        where: ['甲镇的包乡镇人员'],
        closest: { name: '潘德建', distance: 1 },
        kind: 'near',
        accepted: false,
      },
    ]);
    expect(d.repo.saves).toEqual([]);
  });

  it('lets an accepted near name through as that member', async () => {
    const source = smallSource();
    source.assignments.areas[0]!.townships[0]!.contacts = ['潘德健'];

    const result = await importDirectory(deps(), { source, acceptMismatches: ['潘 德健'] });

    expect(result.directory.townships[0]?.contactIds).toEqual(['pan-dejian']);
    expect(result.mismatches[0]).toMatchObject({ accepted: true, resolvedTo: { id: 'pan-dejian' } });
    expect(describeImportResult(result).join('\n')).toContain('按成员名单中的 潘德建（pan-dejian）处理');
  });

  it('takes an accepted name that is nowhere near a member from other-staff.json, or refuses to guess', async () => {
    const withStaff = smallSource();
    withStaff.assignments.areas[0]!.townships[0]!.contacts.push('王熙龙');
    withStaff.otherStaff.people.push({ id: 'wang-xilong', name: '王熙龙', phone: '+8613800000028' });
    const withoutStaff = smallSource();
    withoutStaff.assignments.areas[0]!.townships[0]!.contacts.push('王熙龙');

    const result = await importDirectory(deps(), { source: withStaff, acceptMismatches: true });
    const error = await validationIssues(importDirectory(deps(), { source: withoutStaff, acceptMismatches: true }));

    expect(result.directory.townships[0]?.contactIds).toEqual(['pan-dejian', 'wang-xilong']);
    expect(result.directory.people.find((p) => p.id === 'wang-xilong')?.roles).toEqual(['township-contact']);
    expect(error.message).toContain('无法确定是谁');
  });

  it('refuses to pick between two members equally close to an accepted name', async () => {
    const source = smallSource();
    source.members.people.push({ id: 'pan-dejie', name: '潘德杰', position: '成员', phone: '+8613800000005' });
    source.assignments.areas[0]!.townships[0]!.contacts = ['潘德健'];

    const error = await validationIssues(importDirectory(deps(), { source, acceptMismatches: true }));

    expect(error.message).toContain('有多个同样相近的名字（潘德建、潘德杰）');
  });
});

describe('importDirectory: change sets', () => {
  it('returns the change set of a dry run and writes nothing', async () => {
    const d = deps();

    const result = await importDirectory(d, { source: smallSource(), dryRun: true });

    expect(result).toMatchObject({ dryRun: true, written: false, unchanged: 0, metaChanged: true });
    expect(result.added.map((e) => `${e.kind}:${e.id}`)).toEqual([
      'person:wu-yi',
      'person:huang-er',
      'person:pan-dejian',
      'person:yang-si',
      'person:head-jia-zhongxin',
      'person:head-jia-texiao',
      'person:gov-jia',
      'area:area-huang-er',
      'township:jia',
      'school:jia-zhongxin',
      'school:jia-texiao',
    ]);
    expect(d.repo.saves).toEqual([]);
    expect(describeImportResult(result)[0]).toBe('【试运行】以下是将会发生的变更，没有写入任何数据。');
  });

  it('writes nothing the second time the same files are imported', async () => {
    const d = deps();
    await importDirectory(d, { source: smallSource() });

    const again = await importDirectory(d, { source: smallSource() });

    expect(again).toMatchObject({ written: false, added: [], updated: [], deactivated: [], unchanged: 11 });
    expect(d.repo.saves).toHaveLength(1);
  });

  it('updates changed fields with their diff and deactivates people no longer in the files', async () => {
    const d = deps();
    await importDirectory(d, { source: smallSource() });
    const changed = smallSource();
    changed.members.people[1]!.phone = '+8613800000099';
    changed.members.people.pop(); // 杨四 leaves
    changed.members.office.members = [];

    const result = await importDirectory(d, { source: changed });

    expect(result.updated).toEqual([
      {
        kind: 'person',
        id: 'huang-er',
        name: '黄二',
        changes: [{ field: 'phone', from: '+8613800000002', to: '+8613800000099' }],
      },
    ]);
    expect(result.deactivated).toEqual([{ kind: 'person', id: 'yang-si', name: '杨四' }]);
    expect(d.repo.snapshot.people.find((p) => p.id === 'yang-si')).toMatchObject({ active: false });
    expect(d.repo.snapshot.people).toHaveLength(7);
    expect(d.repo.snapshot.meta.officeIds).toEqual(['huang-er']);
    const text = describeImportResult(result).join('\n');
    expect(text).toContain('电话：138****0002 → 138****0099');
    expect(text).not.toContain('+8613800000099');
  });

  it('reactivates a person who comes back', async () => {
    const d = deps();
    await importDirectory(d, { source: smallSource() });
    const without = smallSource();
    without.members.people.pop();
    without.members.office.members = [];
    await importDirectory(d, { source: without });

    const back = await importDirectory(d, { source: smallSource() });

    expect(back.updated.map((u) => [u.id, u.changes])).toEqual([
      ['yang-si', [{ field: 'active', from: false, to: true }]],
    ]);
  });
});

describe('name helpers', () => {
  it('normalises whitespace inside Chinese names only', () => {
    expect(normaliseName(' 罗 燕 ')).toBe('罗燕');
    expect(normaliseName('张\u3000辉')).toBe('张辉');
    expect(normaliseName('Li  Ming')).toBe('Li Ming');
  });

  it('measures edit distance in characters and finds the closest name', () => {
    expect(editDistance('潘德健', '潘德建')).toBe(1);
    expect(editDistance('王熙龙', '王熙')).toBe(1);
    expect(editDistance('', '张辉')).toBe(2);
    expect(closestName('潘德健', ['吴朝春', '潘德建', '潘德'])).toEqual({ name: '潘德建', distance: 1 });
    expect(closestName('潘德健', [])).toBeUndefined();
  });
});
