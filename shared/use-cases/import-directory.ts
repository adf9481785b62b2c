import * as z from 'zod/mini';
import {
  type Area,
  type Directory,
  directorySchema,
  MAINLAND_MOBILE,
  type Person,
  type Role,
  roles as roleOrder,
  type School,
  schoolSchema,
  type Township,
} from '../domain/directory.ts';
import {
  closestName,
  type DirectoryFileKey,
  type DirectorySource,
  directoryFiles,
  directorySourceSchema,
  editDistance,
  normaliseName,
  type ParsedDirectorySource,
  SLIGHT_DIFFERENCE,
  subordinateSchoolKinds,
} from '../domain/directory-source.ts';
import { DomainError, ValidationError } from '../domain/errors.ts';
import type { Clock, DirectoryEntity, DirectoryRepository, DirectorySnapshot, Log } from '../domain/ports.ts';
import { maskPhone } from '../domain/privacy.ts';

export interface ImportDirectoryDeps {
  repo: DirectoryRepository;
  clock: Clock;
  log?: Log;
}

export interface ImportDirectoryInput {
  /** The parsed data files (see `directoryFiles`). */
  source: DirectorySource | unknown;
  /** Compute and return the change set without writing anything. */
  dryRun?: boolean;
  /**
   * Name differences between the 附件 and the §三 member list that the operator has checked:
   * `true` accepts all of them, a list accepts those names (as the 附件 writes them) only.
   */
  acceptMismatches?: boolean | readonly string[];
  /** Where the files came from, kept in the directory's meta item. */
  sourceLabel?: string;
  /**
   * The spreadsheet cell a field came from (`describeField('schools.json schools[3].phone')` → 工作表「学校名单」第 5
   * 行 F 列（学校电话）), so errors name row and column; fields it does not know keep their file notation.
   */
  locate?: (field: string) => string | undefined;
}

/** A person the 附件 names who is not (exactly) in the §三 member list. */
export interface NameMismatch {
  /** The name as the 附件 writes it (whitespace normalised). */
  name: string;
  /** Where the 附件 names them, in Chinese (e.g. 东昌镇的包乡镇人员). */
  where: string[];
  /** The nearest member-list name and its edit distance. */
  closest?: { name: string; distance: number };
  /** `near`: one character off, taken to be that member once accepted; `absent`: nobody close. */
  kind: 'near' | 'absent';
  accepted: boolean;
  /** Who the name stands for once accepted. */
  resolvedTo?: { id: string; name: string; via: 'member-list' | 'other-staff' };
}

export type EntityKind = DirectoryEntity['kind'];
export interface EntityRef {
  kind: EntityKind;
  id: string;
  name: string;
}
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface ImportDirectoryResult {
  dryRun: boolean;
  /** True when something was written (never in a dry run; not when nothing changed). */
  written: boolean;
  added: EntityRef[];
  updated: (EntityRef & { changes: FieldChange[] })[];
  deactivated: EntityRef[];
  /** Entities already stored exactly as the files say (inactive ones that stay inactive included). */
  unchanged: number;
  /** True when the chief or the office list differs from what is stored. */
  metaChanged: boolean;
  mismatches: NameMismatch[];
  /** Things worth an operator's look that do not stop the import. */
  warnings: string[];
  directory: Directory;
}

/** The 附件 names people the member list does not have (or spells differently): the import stopped. */
export class NameMismatchError extends DomainError {
  constructor(readonly mismatches: NameMismatch[]) {
    const pending = mismatches.filter((m) => !m.accepted);
    super(
      [
        `导入已停止：附件中有 ${pending.length} 个姓名与 §三 成员名单不一致，需要人工确认：`,
        ...pending.map((m) => `  - ${describeMismatch(m)}`),
        '请核对原文件后显式接受这些差异再导入（已接受的差异会记录在导入结果中）。',
      ].join('\n'),
      'NAME_MISMATCH',
    );
  }
}

/**
 * Imports the organisation from the data files into the directory.
 * 1. Parse and validate the files (zod, then phones, duplicate ids, unknown references), all issues at once.
 * 2. Cross-check every name of the 附件 against the §三 member list; stop on a difference not accepted.
 * 3. Build the directory (roles follow from the tables) and diff it against what is stored.
 * 4. Unless a dry run, write the added, updated and deactivated entities; nobody is ever deleted.
 */
export async function importDirectory(
  deps: ImportDirectoryDeps,
  input: ImportDirectoryInput,
): Promise<ImportDirectoryResult> {
  const locate = input.locate;
  const located = (error: unknown) =>
    error instanceof ValidationError && locate
      ? validationError(
          error.issues.map((i) => ({
            field: locate(i.field) ?? i.field,
            // A reason may point at another field too ("第一次出现在 schools.json schools[2]").
            reason: i.reason.replace(/[\w-]+\.json [\w.[\]]+/g, (f) => locate(f) ?? f),
          })),
        )
      : error;
  let source: ParsedDirectorySource;
  let built: ReturnType<typeof buildDirectory>;
  try {
    source = parseSource(input.source);
    built = buildDirectory(source, input.acceptMismatches ?? false);
  } catch (error) {
    throw located(error);
  }
  const { directory, mismatches, warnings } = built;

  const stored = await deps.repo.load();
  const diff = diffDirectory(stored, directory);
  const metaChanged =
    stored.meta.chiefId !== directory.chiefId ||
    JSON.stringify(stored.meta.officeIds ?? []) !== JSON.stringify(directory.officeIds);
  const anything = diff.writes.length > 0 || metaChanged;
  const dryRun = input.dryRun ?? false;

  if (!dryRun && anything) {
    await deps.repo.save(diff.writes, {
      chiefId: directory.chiefId,
      officeIds: directory.officeIds,
      importedAt: deps.clock.now().toISOString(),
      source: input.sourceLabel ?? 'data/directory',
    });
  }
  const result: ImportDirectoryResult = {
    dryRun,
    written: !dryRun && anything,
    added: diff.added,
    updated: diff.updated,
    deactivated: diff.deactivated,
    unchanged: diff.unchanged,
    metaChanged,
    mismatches,
    warnings,
    directory,
  };
  deps.log?.info('directory import', {
    dryRun,
    written: result.written,
    added: diff.added.length,
    updated: diff.updated.length,
    deactivated: diff.deactivated.length,
    unchanged: diff.unchanged,
    acceptedMismatches: mismatches.length,
  });
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Parsing and validation

type Issue = { field: string; reason: string };

function parseSource(raw: unknown): ParsedDirectorySource {
  const parsed = directorySourceSchema.safeParse(raw, { error: z.locales.zhCN().localeError });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: fieldPath(i.path), reason: i.message }));
    throw validationError(issues);
  }
  return parsed.data;
}

/** `members.people[3].phone` → `members.json people[3].phone`, so the operator knows which file to open. */
function fieldPath(path: readonly PropertyKey[]): string {
  const [file, ...rest] = path.map(String);
  const fileName = file && file in directoryFiles ? directoryFiles[file as DirectoryFileKey] : (file ?? '(根)');
  const tail = rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
  return `${fileName}${tail ? ` ${tail.replace(/^\./, '')}` : ''}`;
}

function validationError(issues: Issue[]): ValidationError {
  return new ValidationError(
    issues,
    [`目录数据有 ${issues.length} 处错误，未导入任何内容：`, ...issues.map((i) => `  - ${i.field}：${i.reason}`)].join(
      '\n',
    ),
  );
}

/** A person as the files describe them, before roles are known. */
interface Candidate {
  id: string;
  name: string;
  phone: string;
  title?: string;
  field: string;
  schoolId?: string;
  townshipId?: string;
}

const SCHOOL_PHONE = schoolSchema.shape.phone;

// ---------------------------------------------------------------------------------------------------------------
// 2 + 3. Cross-check and build

/** Everyone the files give contact data for, by file. */
interface PeopleInFiles {
  members: Candidate[];
  otherStaff: Candidate[];
  heads: Candidate[];
  governmentContacts: Candidate[];
  everyone: Candidate[];
}
type TownshipRow = ParsedDirectorySource['assignments']['areas'][number]['townships'][number] & {
  areaId: string;
  field: string;
};
interface NameIndex {
  memberByName: Map<string, Candidate>;
  staffByName: Map<string, Candidate>;
}

function buildDirectory(
  source: ParsedDirectorySource,
  accept: boolean | readonly string[],
): { directory: Directory; mismatches: NameMismatch[]; warnings: string[] } {
  const issues: Issue[] = [];
  const warnings: string[] = [];
  const people = collectPeople(source);
  const townships = source.assignments.areas.flatMap((a, ai) =>
    a.townships.map((t, ti) => ({ ...t, areaId: a.id, field: `assignments.json areas[${ai}].townships[${ti}]` })),
  );

  checkPhonesAndIds(source, people, townships, issues);
  const names = indexNames(people, issues);
  const governmentByTownship = checkReferences(source, people, townships, issues);
  const office = resolveOffice(source, names, issues);
  const { mismatches, resolved } = crossCheckNames(source, townships, names, accept, issues, warnings);

  if (issues.length > 0) throw validationError(issues);
  if (mismatches.some((m) => !m.accepted)) throw new NameMismatchError(mismatches);

  const directory = assemble(source, { people, townships, office, resolved, governmentByTownship }, warnings);
  return { directory, mismatches, warnings };
}

const label = (c: Candidate) => `${c.name}（${c.id}）`;

function collectPeople(source: ParsedDirectorySource): PeopleInFiles {
  const members: Candidate[] = source.members.people.map((p, i) => ({
    id: p.id,
    name: normaliseName(p.name),
    phone: p.phone,
    title: p.title ?? (p.position === '办公室成员' ? '控辍保学领导小组办公室成员' : undefined),
    field: `members.json people[${i}]`,
  }));
  const otherStaff: Candidate[] = source.otherStaff.people.map((p, i) => ({
    id: p.id,
    name: normaliseName(p.name),
    phone: p.phone,
    title: p.title,
    field: `other-staff.json people[${i}]`,
  }));
  const heads: Candidate[] = source.schools.schools.map((s, i) => ({
    id: s.head.id,
    name: normaliseName(s.head.name),
    phone: s.head.phone,
    title: s.head.title,
    field: `schools.json schools[${i}].head`,
    schoolId: s.id,
  }));
  const governmentContacts: Candidate[] = source.governments.contacts.map((c, i) => ({
    id: c.id,
    name: normaliseName(c.name),
    phone: c.phone,
    title: c.title,
    field: `township-governments.json contacts[${i}]`,
    townshipId: c.townshipId,
  }));
  return {
    members,
    otherStaff,
    heads,
    governmentContacts,
    everyone: [...members, ...otherStaff, ...heads, ...governmentContacts],
  };
}

/** Phones (mainland mobiles for people, +86 numbers for school offices) and duplicate ids or township names. */
function checkPhonesAndIds(
  source: ParsedDirectorySource,
  people: PeopleInFiles,
  townships: TownshipRow[],
  issues: Issue[],
): void {
  for (const c of people.everyone) {
    if (!MAINLAND_MOBILE.test(c.phone)) {
      issues.push({
        field: `${c.field}.phone`,
        reason: `${label(c)}的手机号“${maskPhone(c.phone)}”不是有效的中国大陆手机号（应为 E.164 格式：+86 后接 1 开头的 11 位数字）`,
      });
    }
  }
  source.schools.schools.forEach((s, i) => {
    if (!SCHOOL_PHONE.safeParse(s.phone).success) {
      issues.push({
        field: `schools.json schools[${i}].phone`,
        reason: `学校 ${s.name}（${s.id}）的电话“${maskPhone(s.phone)}”格式不对（应为 +86 后接 9–11 位数字）`,
      });
    }
  });
  duplicates(
    people.everyone.map((c) => ({ key: c.id, where: c.field })),
    '人员 id',
    issues,
  );
  duplicates(
    source.assignments.areas.map((a, i) => ({ key: a.id, where: `assignments.json areas[${i}]` })),
    '片区 id',
    issues,
  );
  duplicates(
    townships.map((t) => ({ key: t.id, where: t.field })),
    '乡镇 id',
    issues,
  );
  duplicates(
    townships.map((t) => ({ key: t.name, where: t.field })),
    '乡镇名称',
    issues,
  );
  duplicates(
    source.schools.schools.map((s, i) => ({ key: s.id, where: `schools.json schools[${i}]` })),
    '学校 id',
    issues,
  );
}

/** Names must be unambiguous, or a name in the 附件 could mean two people. */
function indexNames(people: PeopleInFiles, issues: Issue[]): NameIndex {
  const memberByName = new Map<string, Candidate>();
  for (const m of people.members) {
    const first = memberByName.get(m.name);
    if (first) issues.push({ field: m.field, reason: `成员名单中有两人同名“${m.name}”（${first.id} 与 ${m.id}）` });
    else memberByName.set(m.name, m);
  }
  const staffByName = new Map<string, Candidate>();
  for (const s of people.otherStaff) {
    if (memberByName.has(s.name)) {
      issues.push({ field: s.field, reason: `“${s.name}”已在成员名单中，不要在“其他人员”中重复登记` });
    } else if (staffByName.has(s.name)) {
      issues.push({ field: s.field, reason: `“其他人员”中有两人同名“${s.name}”` });
    } else staffByName.set(s.name, s);
  }
  return { memberByName, staffByName };
}

/** Township references of schools and township governments, and the schools the 附件 names inside a township. */
function checkReferences(
  source: ParsedDirectorySource,
  people: PeopleInFiles,
  townships: TownshipRow[],
  issues: Issue[],
): Map<string, Candidate> {
  const townshipIds = new Set(townships.map((t) => t.id));
  const known = [...townshipIds].join('、');
  source.schools.schools.forEach((s, i) => {
    if (!townshipIds.has(s.townshipId)) {
      issues.push({
        field: `schools.json schools[${i}].townshipId`,
        reason: `学校 ${s.name} 所属乡镇“${s.townshipId}”不存在（附件中的乡镇：${known}）`,
      });
    }
  });
  const schoolById = new Map(source.schools.schools.map((s) => [s.id, s]));
  source.schools.schools.forEach((s, i) => {
    const field = `schools.json schools[${i}].parentId`;
    if (s.parentId) {
      const parent = schoolById.get(s.parentId);
      if (!parent) issues.push({ field, reason: `学校 ${s.name} 的上级学校“${s.parentId}”不在学校名单中` });
      else if (parent.id === s.id) issues.push({ field, reason: `学校 ${s.name} 不能是自己的上级学校` });
      else if (parent.townshipId !== s.townshipId) {
        issues.push({ field, reason: `学校 ${s.name} 与上级学校 ${parent.name} 不在同一乡镇` });
      }
    } else if (s.kind && subordinateSchoolKinds.includes(s.kind)) {
      issues.push({ field, reason: `${s.kind} ${s.name} 须填写所属中心校（上级学校ID）` });
    }
  });
  const governmentByTownship = new Map<string, Candidate>();
  for (const g of people.governmentContacts) {
    const townshipId = g.townshipId ?? '';
    const existing = governmentByTownship.get(townshipId);
    if (!townshipIds.has(townshipId)) {
      issues.push({
        field: `${g.field}.townshipId`,
        reason: `${label(g)}所属乡镇“${townshipId}”不存在（附件中的乡镇：${known}）`,
      });
    } else if (existing) {
      issues.push({ field: g.field, reason: `乡镇 ${townshipId} 已有乡镇政府联系人 ${existing.id}` });
    } else governmentByTownship.set(townshipId, g);
  }
  for (const t of townships) {
    for (const name of t.includes) {
      const school = source.schools.schools.find((s) => normaliseName(s.name) === normaliseName(name));
      if (!school) {
        issues.push({
          field: `${t.field}.includes`,
          reason: `附件写明${t.name}含“${name}”，但学校名单中没有这所学校`,
        });
      } else if (school.townshipId !== t.id) {
        issues.push({
          field: `${t.field}.includes`,
          reason: `附件写明“${name}”属于${t.name}，但学校名单把它放在“${school.townshipId}”`,
        });
      }
    }
  }
  return governmentByTownship;
}

/** Office members come from §三 itself: they must be in the member list, exactly. */
function resolveOffice(source: ParsedDirectorySource, names: NameIndex, issues: Issue[]): Candidate[] {
  const office: Candidate[] = [];
  const officeNames = [source.members.office.director, ...source.members.office.members].map(normaliseName);
  officeNames.forEach((name, i) => {
    const member = names.memberByName.get(name);
    if (member) {
      if (!office.includes(member)) office.push(member);
      return;
    }
    const near = closestName(name, names.memberByName.keys());
    issues.push({
      field: i === 0 ? 'members.json office.director' : `members.json office.members[${i - 1}]`,
      reason: `办公室成员“${name}”不在成员名单 people 中${near ? `（最接近：“${near.name}”）` : ''}`,
    });
  });
  return office;
}

/** Every name of the 附件 looked up in the §三 member list; differences are reported and, once accepted, resolved. */
function crossCheckNames(
  source: ParsedDirectorySource,
  townships: TownshipRow[],
  names: NameIndex,
  accept: boolean | readonly string[],
  issues: Issue[],
  warnings: string[],
): { mismatches: NameMismatch[]; resolved: Map<string, Candidate> } {
  const named = new Map<string, string[]>();
  const mention = (raw: string, where: string) => {
    const name = normaliseName(raw);
    named.set(name, [...(named.get(name) ?? []), where]);
  };
  mention(source.assignments.chief, '总负责人');
  for (const a of source.assignments.areas) mention(a.leader, '包片领导');
  for (const t of townships) for (const c of t.contacts) mention(c, `${t.name}的包乡镇人员`);

  const acceptedNames = accept === true ? undefined : new Set((accept || []).map(normaliseName));
  const mismatches: NameMismatch[] = [];
  const resolved = new Map<string, Candidate>();
  for (const [name, where] of named) {
    const member = names.memberByName.get(name);
    if (member) {
      resolved.set(name, member);
      continue;
    }
    const closest = closestName(name, names.memberByName.keys());
    const mismatch: NameMismatch = {
      name,
      where,
      ...(closest ? { closest } : {}),
      kind: closest && closest.distance <= SLIGHT_DIFFERENCE ? 'near' : 'absent',
      accepted: acceptedNames === undefined || acceptedNames.has(name),
    };
    mismatches.push(mismatch);
    if (!mismatch.accepted) continue;

    const staff = names.staffByName.get(name);
    const nearMembers =
      mismatch.kind === 'near' && closest
        ? [...names.memberByName.values()].filter((m) => editDistance(name, m.name) === closest.distance)
        : [];
    const target = staff ?? (nearMembers.length === 1 ? nearMembers[0] : undefined);
    if (target) {
      resolved.set(name, target);
      mismatch.resolvedTo = { id: target.id, name: target.name, via: staff ? 'other-staff' : 'member-list' };
    } else if (nearMembers.length > 1) {
      // Two members equally close: taking either would be a guess.
      issues.push({
        field: 'assignments.json',
        reason: `已接受附件中的“${name}”（${where.join('、')}），但成员名单中有多个同样相近的名字（${nearMembers.map((m) => m.name).join('、')}），无法确定是谁（请在“其他人员”表登记此人，或更正附件数据）`,
      });
    } else {
      issues.push({
        field: 'assignments.json',
        reason: `已接受附件中的“${name}”（${where.join('、')}），但无法确定是谁：成员名单中没有足够接近的名字，“其他人员”表中也没有此人（请在“其他人员”表补充其人员ID与手机号）`,
      });
    }
  }
  if (acceptedNames) {
    const unused = [...acceptedNames].filter((n) => !mismatches.some((m) => m.name === n));
    if (unused.length > 0) warnings.push(`以下接受项与任何姓名差异都不对应，已忽略：${unused.join('、')}`);
  }
  return { mismatches, resolved };
}

/** The directory, roles following from the tables (附件 for chief/leaders/contacts, §三 for the office). */
function assemble(
  source: ParsedDirectorySource,
  parts: {
    people: PeopleInFiles;
    townships: TownshipRow[];
    office: Candidate[];
    resolved: Map<string, Candidate>;
    governmentByTownship: Map<string, Candidate>;
  },
  warnings: string[],
): Directory {
  const rolesOf = new Map<string, Set<Role>>();
  const grant = (c: Candidate | undefined, role: Role) => {
    if (!c) return;
    const set = rolesOf.get(c.id) ?? new Set<Role>();
    set.add(role);
    rolesOf.set(c.id, set);
  };
  const who = (raw: string) => parts.resolved.get(normaliseName(raw));

  const chief = who(source.assignments.chief);
  grant(chief, 'chief');
  for (const m of parts.office) grant(m, 'office');
  const areas: Area[] = source.assignments.areas.map((a) => {
    const leader = who(a.leader);
    grant(leader, 'area-leader');
    return { id: a.id, name: `${normaliseName(a.leader)}包片`, leaderId: leader?.id ?? '', active: true };
  });
  const townships: Township[] = parts.townships.map((t) => {
    const contacts = t.contacts.map(who).filter((c): c is Candidate => c !== undefined);
    for (const c of contacts) grant(c, 'township-contact');
    const government = parts.governmentByTownship.get(t.id);
    if (!government) warnings.push(`${t.name}没有乡镇政府联系人：通知书逾期时无法通知乡镇政府`);
    return {
      id: t.id,
      name: t.name,
      areaId: t.areaId,
      contactIds: [...new Set(contacts.map((c) => c.id))],
      ...(government ? { governmentContactId: government.id } : {}),
      active: true,
    };
  });
  for (const h of parts.people.heads) grant(h, 'school-head');
  for (const g of parts.governmentByTownship.values()) grant(g, 'township-government');
  for (const m of parts.people.members) if (!rolesOf.has(m.id)) grant(m, 'member');
  for (const s of parts.people.otherStaff) {
    if (!rolesOf.has(s.id)) {
      warnings.push(`“其他人员”中的 ${s.name}（${s.id}）未出现在附件中，仅作为普通成员导入`);
      grant(s, 'member');
    }
  }

  const people: Person[] = parts.people.everyone.map((c) => ({
    id: c.id,
    name: c.name,
    phone: c.phone,
    roles: roleOrder.filter((r) => rolesOf.get(c.id)?.has(r)),
    ...(c.title ? { title: c.title } : {}),
    ...(c.schoolId ? { schoolId: c.schoolId } : {}),
    ...(c.townshipId ? { townshipId: c.townshipId } : {}),
    active: true,
  }));
  const schools: School[] = source.schools.schools.map((s) => ({
    id: s.id,
    name: normaliseName(s.name),
    townshipId: s.townshipId,
    headId: s.head.id,
    ...(s.kind ? { kind: s.kind } : {}),
    ...(s.parentId ? { parentId: s.parentId } : {}),
    phone: s.phone,
    active: true,
  }));
  return directorySchema.parse({
    chiefId: chief?.id,
    officeIds: parts.office.map((m) => m.id),
    people,
    areas,
    townships,
    schools,
  });
}

function duplicates(entries: { key: string; where: string }[], what: string, issues: Issue[]): void {
  const seen = new Map<string, string>();
  for (const e of entries) {
    const first = seen.get(e.key);
    if (first) issues.push({ field: e.where, reason: `${what}“${e.key}”重复（第一次出现在 ${first}）` });
    else seen.set(e.key, e.where);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Diff against what is stored

type AnyEntity = Person | Area | Township | School;

function diffDirectory(
  stored: DirectorySnapshot,
  next: Directory,
): Omit<ImportDirectoryResult, 'dryRun' | 'written' | 'metaChanged' | 'mismatches' | 'warnings' | 'directory'> & {
  writes: DirectoryEntity[];
} {
  const out = {
    added: [] as EntityRef[],
    updated: [] as (EntityRef & { changes: FieldChange[] })[],
    deactivated: [] as EntityRef[],
    unchanged: 0,
    writes: [] as DirectoryEntity[],
  };
  const kinds: [EntityKind, AnyEntity[], AnyEntity[]][] = [
    ['person', stored.people, next.people],
    ['area', stored.areas, next.areas],
    ['township', stored.townships, next.townships],
    ['school', stored.schools, next.schools],
  ];
  for (const [kind, before, after] of kinds) {
    const storedById = new Map(before.map((e) => [e.id, e]));
    const nextIds = new Set(after.map((e) => e.id));
    for (const entity of after) {
      const ref = { kind, id: entity.id, name: entity.name };
      const old = storedById.get(entity.id);
      if (!old) {
        out.added.push(ref);
        out.writes.push({ kind, value: entity } as DirectoryEntity);
        continue;
      }
      const changes = fieldChanges(old, entity);
      if (changes.length === 0) out.unchanged++;
      else {
        out.updated.push({ ...ref, changes });
        out.writes.push({ kind, value: entity } as DirectoryEntity);
      }
    }
    for (const old of before) {
      if (nextIds.has(old.id)) continue;
      if (!old.active) {
        out.unchanged++;
        continue;
      }
      out.deactivated.push({ kind, id: old.id, name: old.name });
      out.writes.push({ kind, value: { ...old, active: false } } as DirectoryEntity);
    }
  }
  return out;
}

function fieldChanges(before: AnyEntity, after: AnyEntity): FieldChange[] {
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return fields
    .filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f]))
    .map((field) => ({ field, from: b[field], to: a[field] }));
}

// ---------------------------------------------------------------------------------------------------------------
// Chinese text for operators

const kindLabel: Record<EntityKind, string> = { person: '人员', area: '片区', township: '乡镇', school: '学校' };
const fieldLabel: Record<string, string> = {
  name: '姓名/名称',
  phone: '电话',
  roles: '角色',
  title: '职务',
  schoolId: '所属学校',
  townshipId: '所属乡镇',
  active: '状态',
  leaderId: '包片领导',
  areaId: '所属片区',
  contactIds: '包乡镇人员',
  governmentContactId: '乡镇政府联系人',
  headId: '校长',
  kind: '类型',
  parentId: '上级学校',
};
export const roleLabel: Record<Role, string> = {
  chief: '总负责人',
  office: '领导小组办公室',
  'area-leader': '包片领导',
  'township-contact': '包乡镇人员',
  'township-government': '乡镇政府联系人',
  'school-head': '校长',
  teacher: '教师',
  member: '领导小组成员',
};

function showValue(field: string, value: unknown): string {
  if (value === undefined || value === null) return '（无）';
  if (field === 'phone') return maskPhone(String(value));
  if (field === 'active') return value ? '启用' : '停用';
  if (field === 'roles' && Array.isArray(value)) return value.map((r) => roleLabel[r as Role] ?? String(r)).join('、');
  if (Array.isArray(value)) return value.join('、') || '（无）';
  return String(value);
}

/** One line per mismatch, e.g. 附件中的“潘德健”（东昌镇的包乡镇人员）不在 §三 成员名单中，最接近“潘德建”（编辑距离 1…）. */
export function describeMismatch(m: NameMismatch): string {
  const c = m.closest;
  const closest = !c
    ? ''
    : m.kind === 'near'
      ? `，最接近“${c.name}”（编辑距离 ${c.distance}，疑为同一人写法不同）`
      : c.distance >= [...m.name].length
        ? `，名单中没有相近的名字（最接近的“${c.name}”编辑距离 ${c.distance}，疑为名单外人员）`
        : `，最接近“${c.name}”（编辑距离 ${c.distance}，差别较大，疑为名单外人员）`;
  const resolution = m.resolvedTo
    ? m.resolvedTo.via === 'member-list'
      ? `；已接受，按成员名单中的 ${m.resolvedTo.name}（${m.resolvedTo.id}）处理`
      : `；已接受，按“其他人员”中的 ${m.resolvedTo.name}（${m.resolvedTo.id}）导入`
    : '';
  return `附件中的“${m.name}”（${m.where.join('、')}）不在 §三 成员名单中${closest}${resolution}`;
}

/** The result as lines of Simplified Chinese for the operator (phones masked). */
export function describeImportResult(r: ImportDirectoryResult): string[] {
  const ref = (e: EntityRef) => `${kindLabel[e.kind]} ${e.name}（${e.id}）`;
  const lines: string[] = [];
  lines.push(
    r.dryRun
      ? '【试运行】以下是将会发生的变更，没有写入任何数据。'
      : r.written
        ? '目录导入完成。'
        : '目录已是最新，无需写入。',
  );
  lines.push(
    `新增 ${r.added.length} 项，更新 ${r.updated.length} 项，停用 ${r.deactivated.length} 项，未变 ${r.unchanged} 项。`,
  );
  if (r.added.length > 0) lines.push('新增：', ...r.added.map((e) => `  + ${ref(e)}`));
  if (r.updated.length > 0) {
    lines.push('更新：');
    for (const u of r.updated) {
      const changes = u.changes.map(
        (c) => `${fieldLabel[c.field] ?? c.field}：${showValue(c.field, c.from)} → ${showValue(c.field, c.to)}`,
      );
      lines.push(`  ~ ${ref(u)}：${changes.join('；')}`);
    }
  }
  if (r.deactivated.length > 0) {
    lines.push('停用（文件中已没有，保留记录、不删除）：', ...r.deactivated.map((e) => `  - ${ref(e)}`));
  }
  if (r.metaChanged) lines.push('总负责人或领导小组办公室名单有变化。');
  if (r.mismatches.length > 0)
    lines.push('已接受的姓名差异：', ...r.mismatches.map((m) => `  ! ${describeMismatch(m)}`));
  if (r.warnings.length > 0) lines.push('提醒：', ...r.warnings.map((w) => `  ! ${w}`));
  return lines;
}
