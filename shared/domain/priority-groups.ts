/**
 * The priority groups of the plan (§（三）: 贫困、留守、流动、残疾; 脱贫户 and 孤儿/事实无人抚养) as the pupil roll flags
 * them, and as a case carries them (`Case.priorityGroups`, set from the roll: docs/rosters.md, "Priority groups on
 * cases"). 脱贫户 (建档立卡脱贫户) is R9 data: only callers who may see it (`canSeeSensitive`) ever read it, in a
 * list, a filter or a count.
 */
export const priorityFlags = ['脱贫户', '残疾', '留守', '孤儿', '事实无人抚养', '随迁'] as const;
export type PriorityFlag = (typeof priorityFlags)[number];

/** The R9 group: shown, filtered and counted only within the limited scope. */
export const SENSITIVE_GROUP = '脱贫户' satisfies PriorityFlag;

/** Short ASCII codes of the groups in the aggregates' attribute names (`co#lb`: cases opened, 留守). */
export const groupCode: Record<PriorityFlag, string> = {
  脱贫户: 'pv',
  残疾: 'ds',
  留守: 'lb',
  孤儿: 'or',
  事实无人抚养: 'un',
  随迁: 'mg',
};
export const groupOfCode: ReadonlyMap<string, PriorityFlag> = new Map(
  priorityFlags.map((f) => [groupCode[f], f] as const),
);

/** A case-like record's groups: stored ones, else (stored before groups existed) 脱贫户 from `povertyRegistered`. */
export function groupsOfCase(c: { priorityGroups?: unknown; povertyRegistered?: unknown }): PriorityFlag[] {
  if (Array.isArray(c.priorityGroups)) return priorityFlags.filter((f) => (c.priorityGroups as unknown[]).includes(f));
  return c.povertyRegistered === true ? [SENSITIVE_GROUP] : [];
}

/**
 * The groups and 脱贫户 status of a case given its pupil's roll flags (undefined: the pupil is on no roll). The roll
 * gives the groups; 脱贫户 is kept consistent with `povertyRegistered`: either source saying so makes both say so (a
 * school's declaration on the case is not undone by a roll that lacks the flag).
 */
export function groupsFromRoll(
  c: { povertyRegistered: boolean },
  rollFlags: readonly PriorityFlag[] | undefined,
): { priorityGroups: PriorityFlag[]; povertyRegistered: boolean } {
  const poverty = c.povertyRegistered || (rollFlags?.includes(SENSITIVE_GROUP) ?? false);
  return {
    priorityGroups: priorityFlags.filter((f) => (f === SENSITIVE_GROUP ? poverty : (rollFlags ?? []).includes(f))),
    povertyRegistered: poverty,
  };
}

/** The groups a caller is shown: without the sensitive scope, never 脱贫户. */
export function visibleGroups(groups: readonly PriorityFlag[], seesSensitive: boolean): PriorityFlag[] {
  return seesSensitive ? [...groups] : groups.filter((g) => g !== SENSITIVE_GROUP);
}

/** Where a pupil's roll flags come from when a case opens (the latest term's roll that holds the pupil). */
export interface PupilGroupSource {
  /** The flags of the pupil in the latest term's roll of the school that holds them; undefined when none does. */
  groupsOf(schoolId: string, pupilKey: string): Promise<PriorityFlag[] | undefined>;
}
