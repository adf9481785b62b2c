import * as z from 'zod/mini';

/**
 * The directory's source files (data/directory/): the organisation of 荔教〔2023〕1号 as written there
 * (§三 member list, 附件 assignment table) plus invented contact data (phones, schools, township contacts).
 * Names stay raw in the files ("罗 燕"); the importer compares them with `normaliseName`.
 */
export const directoryFiles = {
  members: 'members.json',
  assignments: 'assignments.json',
  otherStaff: 'other-staff.json',
  schools: 'schools.json',
  governments: 'township-governments.json',
} as const;
export type DirectoryFileKey = keyof typeof directoryFiles;

const id = z
  .string()
  .check(
    z.minLength(2, 'id 至少 2 个字符'),
    z.maxLength(64, 'id 最多 64 个字符'),
    z.regex(/^[a-z0-9][a-z0-9-]*$/, 'id 只能由小写字母、数字和连字符组成'),
  );
const rawName = z.string().check(z.trim(), z.minLength(1, '姓名不能为空'), z.maxLength(32, '姓名最多 32 个字符'));
// Phones are only required to be text here: the importer checks them itself so the error can name the person.
const phone = z.string();
const title = z.optional(z.string().check(z.maxLength(64, '职务最多 64 个字符')));

export const memberPositions = ['组长', '副组长', '成员', '办公室成员'] as const;

/** §三 健全机构: the leadership group and its office. */
export const memberListSchema = z.object({
  source: z.optional(z.string()),
  people: z
    .array(z.object({ id, name: rawName, position: z.enum(memberPositions), title, phone }))
    .check(z.minLength(1)),
  office: z.object({ director: rawName, members: z.array(rawName) }),
});

/** 附件 责任学校一览表: 总负责人, 包片领导 and their townships with 包乡镇人员. */
export const assignmentTableSchema = z.object({
  source: z.optional(z.string()),
  chief: rawName,
  areas: z
    .array(
      z.object({
        id,
        leader: rawName,
        townships: z
          .array(
            z.object({
              id,
              name: z.string().check(z.trim(), z.minLength(1, '乡镇名称不能为空')),
              contacts: z.array(rawName).check(z.minLength(1, '每个乡镇至少要有一名包乡镇人员')),
              /** Schools the table names inside the township (含民中、滨江小学、云惠学校). */
              includes: z._default(z.array(z.string().check(z.trim(), z.minLength(1))), []),
            }),
          )
          .check(z.minLength(1)),
      }),
    )
    .check(z.minLength(1)),
});

/** People the 附件 names who are not in §三: contact data only, the name cross-check still applies. */
export const otherStaffSchema = z.object({ people: z.array(z.object({ id, name: rawName, title, phone })) });

/** 中心校 (a township's central school), 初中, 完小, 村小 and 教学点 (under a 中心校), 特殊教育学校, 其他. */
export const schoolKinds = ['中心校', '初中', '完小', '村小', '教学点', '特殊教育学校', '九年一贯制', '其他'] as const;
/** Kinds that belong to a 中心校 and must name it (上级学校ID). */
export const subordinateSchoolKinds: readonly string[] = ['村小', '教学点'];

export const schoolListSchema = z.object({
  schools: z.array(
    z.object({
      id,
      name: z.string().check(z.trim(), z.minLength(1, '学校名称不能为空')),
      kind: z.optional(z.enum(schoolKinds, { error: `学校类型应为 ${schoolKinds.join('、')} 之一` })),
      parentId: z.optional(id),
      townshipId: id,
      phone,
      head: z.object({ id, name: rawName, title, phone }),
    }),
  ),
});

export const townshipGovernmentsSchema = z.object({
  contacts: z.array(z.object({ id, townshipId: id, name: rawName, title, phone })),
});

export const directorySourceSchema = z.object({
  members: memberListSchema,
  assignments: assignmentTableSchema,
  otherStaff: z._default(otherStaffSchema, { people: [] }),
  schools: schoolListSchema,
  governments: townshipGovernmentsSchema,
});
/** The parsed content of the data files, one property per file (see `directoryFiles`). */
export type DirectorySource = z.input<typeof directorySourceSchema>;
export type ParsedDirectorySource = z.output<typeof directorySourceSchema>;

/** Whitespace between two Han characters is layout ("罗 燕" is 罗燕); other runs of whitespace become one space. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKC')
    .trim()
    .replace(/(?<=\p{Script=Han})\s+(?=\p{Script=Han})/gu, '')
    .replace(/\s+/gu, ' ');
}

/** Levenshtein distance counted in characters (code points), so 潘德健 → 潘德建 is 1. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** The candidate nearest to `name` (first one on a tie), or undefined when there are no candidates. */
export function closestName(
  name: string,
  candidates: Iterable<string>,
): { name: string; distance: number } | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best;
}

/** A name at this edit distance or closer is "the same person, spelt differently" (one character off). */
export const SLIGHT_DIFFERENCE = 1;
