import type { DirectoryFileKey, DirectorySource } from './directory-source.ts';
import { directoryFiles, schoolKinds } from './directory-source.ts';
import { TemplateIssues } from './errors.ts';
import {
  type CellIssue,
  type ColumnSpec,
  cellLocation,
  mapHeader,
  normalisePhone,
  rowReader,
  type SheetRow,
  splitList,
} from './tabular.ts';

/**
 * The directory template any county fills in (XLSX with one worksheet per table, or one CSV per table):
 * 领导小组 (the leadership list, incl. its office), 责任学校一览表 (总负责人, 包片领导, townships and their
 * 包乡镇人员), 学校名单 (every 中心校, 初中, 村小, 教学点 with its head and phone), 乡镇政府联系人, and optionally
 * 其他人员 (people the 一览表 names who are not in the leadership list). `templateToSource` turns the rows into the
 * importer's source and remembers, for every field, the cell it came from: the importer's errors name sheet, row
 * and column. `docs/directory-import.md` documents the columns.
 */
export interface TemplateSheet<K extends string = string> {
  key: 'leadership' | 'assignments' | 'schools' | 'governments' | 'otherStaff';
  /** Worksheet name in the XLSX. */
  name: string;
  /** File name (without .csv) in a CSV folder; the worksheet name is accepted too. */
  csv: string;
  required: boolean;
  help: string;
  columns: readonly ColumnSpec<K>[];
}

const leadership: TemplateSheet<'id' | 'name' | 'position' | 'title' | 'phone' | 'office'> = {
  key: 'leadership',
  name: '领导小组',
  csv: 'leadership',
  required: true,
  help: '控辍保学工作领导小组成员名单（组长、副组长、成员）及领导小组办公室成员，按文件原样填写姓名。',
  columns: [
    { key: 'id', header: '人员ID', required: true, help: '自定的唯一编号：小写字母、数字和连字符，如 wu-chaochun' },
    { key: 'name', header: '姓名', required: true, help: '按文件原样填写（“罗 燕”可带空格，比对时忽略）' },
    { key: 'position', header: '职位', required: true, help: '组长、副组长、成员 或 办公室成员（只在办公室任职）' },
    { key: 'title', header: '职务', help: '如 市教育局副局长' },
    { key: 'phone', header: '手机号', aliases: ['手机', '电话'], required: true, help: '11 位手机号，如 13800000001' },
    { key: 'office', header: '办公室', help: '领导小组办公室：主任 或 成员；不在办公室留空' },
  ],
};

const assignments: TemplateSheet<'chief' | 'areaId' | 'leader' | 'townshipId' | 'township' | 'contacts' | 'includes'> =
  {
    key: 'assignments',
    name: '责任学校一览表',
    csv: 'assignments',
    required: true,
    help: '每行一个乡镇。总负责人、片区ID、包片领导留空表示同上一行（与文件中的合并单元格一致）。',
    columns: [
      { key: 'chief', header: '总负责人', help: '全表只有一位；只需在第一行填写' },
      { key: 'areaId', header: '片区ID', help: '每位包片领导一个片区编号，如 area-luo-yan；留空同上一行' },
      { key: 'leader', header: '包片领导', help: '姓名，须在领导小组名单中；留空同上一行' },
      { key: 'townshipId', header: '乡镇ID', required: true, help: '自定的唯一编号，如 dumo' },
      { key: 'township', header: '乡镇', aliases: ['乡镇名称'], required: true, help: '如 杜莫镇' },
      { key: 'contacts', header: '包乡镇人员', required: true, help: '一人或多人，用顿号分隔，如 韦尉基、胡洪媛' },
      { key: 'includes', header: '含学校', help: '一览表写明属于本乡镇的学校（如 民中、滨江小学），用顿号分隔' },
    ],
  };

const schools: TemplateSheet<
  'id' | 'name' | 'kind' | 'townshipId' | 'parentId' | 'phone' | 'headId' | 'headName' | 'headTitle' | 'headPhone'
> = {
  key: 'schools',
  name: '学校名单',
  csv: 'schools',
  required: true,
  help: '全部学校：每所中心校、初中、村小、教学点一行，含校长（或负责人）及电话。',
  columns: [
    { key: 'id', header: '学校ID', required: true, help: '自定的唯一编号，如 dumo-zhongxin' },
    { key: 'name', header: '学校名称', required: true, help: '全称，如 杜莫镇中心学校' },
    { key: 'kind', header: '类型', help: `${schoolKinds.join('、')}；留空视为 其他` },
    { key: 'townshipId', header: '乡镇ID', required: true, help: '须是 责任学校一览表 中的乡镇ID' },
    { key: 'parentId', header: '上级学校ID', help: '村小、教学点所属的中心校（学校ID）；其他类型可留空' },
    {
      key: 'phone',
      header: '学校电话',
      required: true,
      help: '印在劝返复学通知书上的电话（手机或座机，如 0773-7212345）',
    },
    { key: 'headId', header: '校长ID', required: true, help: '校长（负责人）的人员编号，如 head-dumo-zhongxin' },
    { key: 'headName', header: '校长姓名', required: true, help: '校长或教学点负责人姓名' },
    { key: 'headTitle', header: '校长职务', help: '如 杜莫镇中心学校校长' },
    { key: 'headPhone', header: '校长手机号', required: true, help: '11 位手机号（接收催报短信）' },
  ],
};

const governments: TemplateSheet<'id' | 'townshipId' | 'name' | 'title' | 'phone'> = {
  key: 'governments',
  name: '乡镇政府联系人',
  csv: 'township-governments',
  required: true,
  help: '每个乡镇人民政府一名联系人：劝返复学通知书逾期一周未复学时接收报告。',
  columns: [
    { key: 'id', header: '人员ID', required: true, help: '自定的唯一编号，如 gov-dumo' },
    { key: 'townshipId', header: '乡镇ID', required: true, help: '须是 责任学校一览表 中的乡镇ID' },
    { key: 'name', header: '姓名', required: true, help: '联系人姓名' },
    { key: 'title', header: '职务', help: '如 杜莫镇人民政府控辍保学联络员' },
    { key: 'phone', header: '手机号', aliases: ['手机', '电话'], required: true, help: '11 位手机号' },
  ],
};

const otherStaff: TemplateSheet<'id' | 'name' | 'title' | 'phone'> = {
  key: 'otherStaff',
  name: '其他人员',
  csv: 'other-staff',
  required: false,
  help: '一览表中出现、但不在领导小组名单中的人员（可选）。登记后仍须在导入时确认姓名差异。',
  columns: [
    { key: 'id', header: '人员ID', required: true, help: '自定的唯一编号' },
    { key: 'name', header: '姓名', required: true, help: '与一览表中的写法一致' },
    { key: 'title', header: '职务', help: '职务' },
    { key: 'phone', header: '手机号', aliases: ['手机', '电话'], required: true, help: '11 位手机号' },
  ],
};

export const directoryTemplate = { leadership, assignments, schools, governments, otherStaff } as const;
export const directoryTemplateSheets: readonly TemplateSheet[] = [
  leadership,
  assignments,
  schools,
  governments,
  otherStaff,
] as unknown as TemplateSheet[];

/** The template's instructions, one line each (the XLSX's 说明 sheet and the docs). */
export function templateInstructions(): string[][] {
  const lines: string[][] = [
    ['控辍保学组织名录导入模板'],
    [
      '每个工作表第 1 行是表头（列的顺序可以调整，表头文字不能改）；带 * 的列必填；电话可写 13800000001 或 0773-7212345。',
    ],
    [
      '填好后：npm run cli -- import-directory --data <本文件> --dry-run 查看差异，确认后去掉 --dry-run 导入；网页控制台也可上传。',
    ],
    [],
  ];
  for (const sheet of directoryTemplateSheets) {
    lines.push([`工作表「${sheet.name}」${sheet.required ? '' : '（可选）'}`, sheet.help]);
    for (const c of sheet.columns) lines.push([`  ${c.header}${c.required ? ' *' : ''}`, c.help]);
    lines.push([]);
  }
  return lines;
}

export interface TemplateRead {
  source: DirectorySource;
  /** The cell a field of the source came from (importer field notation, e.g. `schools.json schools[3].phone`). */
  locate: (field: string) => string | undefined;
}

const fieldKey = (file: DirectoryFileKey, path: string) => `${directoryFiles[file]} ${path}`;

/**
 * The template's rows (by worksheet name, header first) as the importer's source. Issues the sheets themselves
 * have (a missing sheet or required column, two chiefs, two office directors) are thrown together; everything else
 * (ids, phones, names, references) is left to the importer, whose errors `locate` maps back to cells.
 */
export function templateToSource(rowsBySheet: ReadonlyMap<string, SheetRow[]>): TemplateRead {
  const issues: CellIssue[] = [];
  const locations = new Map<string, string>();
  const at = (file: DirectoryFileKey, path: string, where: string) => locations.set(fieldKey(file, path), where);
  const sheetRows = (sheet: TemplateSheet) => {
    const rows = (rowsBySheet.get(sheet.name) ?? rowsBySheet.get(sheet.csv))?.filter((r) =>
      r.cells.some((c) => (c ?? '').trim() !== ''),
    );
    if (!rows) {
      if (sheet.required) {
        issues.push({
          field: `工作表「${sheet.name}」`,
          reason: `缺少此工作表（XLSX 中的工作表名，或 CSV 文件 ${sheet.csv}.csv）`,
        });
      }
      return undefined;
    }
    const [header, ...data] = rows;
    if (!header) {
      if (sheet.required) issues.push({ field: `工作表「${sheet.name}」`, reason: '工作表是空的（第 1 行应为表头）' });
      return undefined;
    }
    const mapped = mapHeader(sheet.name, header, sheet.columns);
    issues.push(...mapped.issues);
    if (mapped.issues.length > 0) return undefined;
    return data.map((row) => rowReader(sheet.name, row, sheet.columns, mapped.index));
  };

  // 领导小组 → members.json
  const people: Record<string, unknown>[] = [];
  let director: string | undefined;
  const officeMembers: string[] = [];
  for (const r of sheetRows(leadership) ?? []) {
    const i = people.length;
    const p = `people[${i}]`;
    people.push({ id: r.get('id'), name: r.get('name'), position: r.get('position'), phone: phoneOf(r.get('phone')) });
    if (r.get('title')) people[i]!.title = r.get('title');
    at('members', p, r.where('name'));
    for (const f of ['id', 'name', 'position', 'title', 'phone'] as const) at('members', `${p}.${f}`, r.where(f));
    const office = r.get('office');
    if (office === '主任') {
      if (director !== undefined) issues.push({ field: r.where('office'), reason: '办公室主任只能有一位' });
      else {
        director = r.get('name');
        at('members', 'office.director', r.where('office'));
      }
    } else if (office === '成员') {
      at('members', `office.members[${officeMembers.length}]`, r.where('office'));
      officeMembers.push(r.get('name'));
    } else if (office !== '') {
      issues.push({ field: r.where('office'), reason: `“${office}”无效：应为 主任、成员 或留空` });
    }
  }
  if (director === undefined) at('members', 'office.director', `工作表「${leadership.name}」 办公室 列`);

  // 责任学校一览表 → assignments.json
  let chief: string | undefined;
  const areas: { id: string; leader: string; townships: Record<string, unknown>[] }[] = [];
  let previous: { areaId: string; leader: string } | undefined;
  for (const r of sheetRows(assignments) ?? []) {
    const c = r.get('chief');
    if (c) {
      if (chief === undefined) {
        chief = c;
        at('assignments', 'chief', r.where('chief'));
      } else if (c !== chief) {
        issues.push({ field: r.where('chief'), reason: `总负责人只能有一位（上方已填“${chief}”）` });
      }
    }
    const areaId = r.get('areaId') || previous?.areaId || '';
    const leader = r.get('leader') || (r.get('areaId') ? '' : (previous?.leader ?? ''));
    if (!areaId) {
      issues.push({ field: r.where('areaId'), reason: '片区ID为空，且上方没有可沿用的片区' });
      continue;
    }
    let ai = areas.findIndex((a) => a.id === areaId);
    if (ai < 0) {
      ai = areas.length;
      areas.push({ id: areaId, leader, townships: [] });
      at('assignments', `areas[${ai}]`, r.where('areaId'));
      at('assignments', `areas[${ai}].id`, r.where('areaId'));
      at('assignments', `areas[${ai}].leader`, r.where('leader'));
    } else if (leader && leader !== areas[ai]!.leader) {
      issues.push({
        field: r.where('leader'),
        reason: `片区 ${areaId} 的包片领导已是“${areas[ai]!.leader}”，这里又写“${leader}”`,
      });
    }
    previous = { areaId, leader: areas[ai]!.leader };
    const area = areas[ai]!;
    const t = `areas[${ai}].townships[${area.townships.length}]`;
    area.townships.push({
      id: r.get('townshipId'),
      name: r.get('township'),
      contacts: splitList(r.get('contacts')),
      includes: splitList(r.get('includes')),
    });
    at('assignments', t, r.where('township'));
    at('assignments', `${t}.id`, r.where('townshipId'));
    at('assignments', `${t}.name`, r.where('township'));
    at('assignments', `${t}.contacts`, r.where('contacts'));
    at('assignments', `${t}.includes`, r.where('includes'));
  }
  if (chief === undefined) at('assignments', 'chief', `工作表「${assignments.name}」 总负责人 列`);

  // 学校名单 → schools.json
  const schoolRows: Record<string, unknown>[] = [];
  for (const r of sheetRows(schools) ?? []) {
    const s = `schools[${schoolRows.length}]`;
    const head: Record<string, unknown> = {
      id: r.get('headId'),
      name: r.get('headName'),
      phone: phoneOf(r.get('headPhone')),
    };
    if (r.get('headTitle')) head.title = r.get('headTitle');
    const row: Record<string, unknown> = {
      id: r.get('id'),
      name: r.get('name'),
      townshipId: r.get('townshipId'),
      phone: phoneOf(r.get('phone')),
      head,
    };
    if (r.get('kind')) row.kind = r.get('kind');
    if (r.get('parentId')) row.parentId = r.get('parentId');
    schoolRows.push(row);
    at('schools', s, r.where('name'));
    for (const f of ['id', 'name', 'kind', 'townshipId', 'parentId', 'phone'] as const)
      at('schools', `${s}.${f}`, r.where(f));
    at('schools', `${s}.head`, r.where('headName'));
    at('schools', `${s}.head.id`, r.where('headId'));
    at('schools', `${s}.head.name`, r.where('headName'));
    at('schools', `${s}.head.title`, r.where('headTitle'));
    at('schools', `${s}.head.phone`, r.where('headPhone'));
  }

  // 乡镇政府联系人 → township-governments.json
  const contacts: Record<string, unknown>[] = [];
  for (const r of sheetRows(governments) ?? []) {
    const c = `contacts[${contacts.length}]`;
    const row: Record<string, unknown> = {
      id: r.get('id'),
      townshipId: r.get('townshipId'),
      name: r.get('name'),
      phone: phoneOf(r.get('phone')),
    };
    if (r.get('title')) row.title = r.get('title');
    contacts.push(row);
    at('governments', c, r.where('name'));
    for (const f of ['id', 'townshipId', 'name', 'title', 'phone'] as const) at('governments', `${c}.${f}`, r.where(f));
  }

  // 其他人员 → other-staff.json
  const staff: Record<string, unknown>[] = [];
  for (const r of sheetRows(otherStaff) ?? []) {
    const p = `people[${staff.length}]`;
    const row: Record<string, unknown> = { id: r.get('id'), name: r.get('name'), phone: phoneOf(r.get('phone')) };
    if (r.get('title')) row.title = r.get('title');
    staff.push(row);
    at('otherStaff', p, r.where('name'));
    for (const f of ['id', 'name', 'title', 'phone'] as const) at('otherStaff', `${p}.${f}`, r.where(f));
  }

  if (issues.length > 0) throw new TemplateIssues(issues);
  const source = {
    members: { people, office: { director: director ?? '', members: officeMembers } },
    assignments: { chief: chief ?? '', areas },
    otherStaff: { people: staff },
    schools: { schools: schoolRows },
    governments: { contacts },
  } as unknown as DirectorySource;
  return { source, locate: (field) => locateField(locations, field) };
}

/** The cell of a field, else of its nearest parent (`schools.json schools[3].head.phone` → … `schools[3]`). */
function locateField(locations: ReadonlyMap<string, string>, field: string): string | undefined {
  let key = field;
  for (;;) {
    const hit = locations.get(key);
    if (hit) return hit;
    const cut = Math.max(key.lastIndexOf('.'), key.lastIndexOf('['));
    if (cut <= key.indexOf(' ')) return undefined;
    key = key.slice(0, cut);
  }
}

const phoneOf = (text: string) => (text ? normalisePhone(text) : '');

export { cellLocation };
