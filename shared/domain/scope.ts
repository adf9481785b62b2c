import * as z from 'zod/mini';
import type { Person, Role } from './directory.ts';
import { ForbiddenError } from './errors.ts';
import type { Plan } from './followup.ts';
import { SENSITIVE_GROUP } from './priority-groups.ts';
import { maskName, maskPhone, maskStudentRef, scrubFreeTextDeep } from './privacy.ts';

/**
 * Who may see and change what (R9). Pure: the API resolves the caller's claims into a Principal and
 * each record into a Place (school → township → 包片 area) and asks this module. No I/O, tested exhaustively.
 */

export const apiRoles = ['office', 'leader', 'township-contact', 'school-head', 'teacher'] as const;
export const apiRoleSchema = z.enum(apiRoles);
export type ApiRole = z.infer<typeof apiRoleSchema>;

export const apiRoleLabel: Record<ApiRole, string> = {
  office: '领导小组办公室',
  leader: '包片领导',
  'township-contact': '包乡镇人员',
  'school-head': '校长',
  teacher: '教师',
};

/** The signed-in caller, from the JWT claims (cloud: Cognito custom attributes; local: the dev token). */
export const principalSchema = z.object({
  personId: z.string().check(z.minLength(1)),
  name: z.optional(z.string().check(z.minLength(1))),
  role: apiRoleSchema,
  schoolId: z.optional(z.string().check(z.minLength(1))),
  townshipId: z.optional(z.string().check(z.minLength(1))),
  areaId: z.optional(z.string().check(z.minLength(1))),
});
export type Principal = z.infer<typeof principalSchema>;

/** Where a record belongs in the organisation. */
export interface Place {
  schoolId: string;
  townshipId: string;
  areaId?: string;
}

/** A place that is only a township (statistics rows, township boards). */
export interface TownshipPlace {
  townshipId: string;
  areaId?: string;
}

export const writeActions = [
  'file-report',
  'open-case',
  'update-case',
  'log-visit',
  'issue-notice',
  'record-receipt',
  'record-return',
  'record-transfer',
  'record-exemption',
] as const;
export type WriteAction = (typeof writeActions)[number];

/** Principal claims are incomplete for the role (e.g. a school head without a school): refuse everything. */
function anchored(p: Principal): boolean {
  switch (p.role) {
    case 'office':
      return true;
    case 'leader':
      return Boolean(p.areaId);
    case 'township-contact':
      return Boolean(p.townshipId);
    case 'school-head':
    case 'teacher':
      return Boolean(p.schoolId);
  }
}

/** May the caller read records of this township (boards, statistics rows)? */
export function canReadTownship(p: Principal, t: TownshipPlace): boolean {
  if (!anchored(p)) return false;
  switch (p.role) {
    case 'office':
      return true;
    case 'leader':
      return t.areaId !== undefined && t.areaId === p.areaId;
    case 'township-contact':
      return t.townshipId === p.townshipId;
    case 'school-head':
    case 'teacher':
      return false;
  }
}

/**
 * May the caller read records of this place? A teacher reads only the cases they are responsible for
 * (pass `responsiblePersonId` for a case; reports and other school records are not theirs to read).
 */
export function canRead(p: Principal, place: Place, responsiblePersonId?: string): boolean {
  if (!anchored(p)) return false;
  switch (p.role) {
    case 'school-head':
      return place.schoolId === p.schoolId;
    case 'teacher':
      return place.schoolId === p.schoolId && responsiblePersonId !== undefined && responsiblePersonId === p.personId;
    default:
      return canReadTownship(p, place);
  }
}

/**
 * May the caller make this change here? A school head changes only their school; a teacher only logs visits on
 * the cases they are responsible for; the office may do everything; township contacts and leaders only read.
 */
export function canWrite(p: Principal, action: WriteAction, place: Place, responsiblePersonId?: string): boolean {
  if (!anchored(p)) return false;
  switch (p.role) {
    case 'office':
      return true;
    case 'school-head':
      return place.schoolId === p.schoolId;
    case 'teacher':
      return action === 'log-visit' && canRead(p, place, responsiblePersonId);
    case 'leader':
    case 'township-contact':
      return false;
  }
}

/**
 * The officials above the school act on a lapsed notice's escalation: acknowledging it (taking it on) is for the
 * 包乡镇人员 of the township, the 包片领导 of its area and the office; recording the township government's order is
 * for the 包乡镇人员 and the office. Schools are the ones escalated about, not the ones who take it on.
 */
export function canActOnEscalation(p: Principal, action: 'acknowledge' | 'township-order', place: Place): boolean {
  if (!anchored(p)) return false;
  if (p.role === 'office') return true;
  if (p.role === 'township-contact') return p.townshipId === place.townshipId;
  if (p.role === 'leader') return action === 'acknowledge' && place.areaId !== undefined && place.areaId === p.areaId;
  return false;
}

/** Throws ForbiddenError (403) unless the caller may act on this escalation. */
export function assertCanActOnEscalation(p: Principal, action: 'acknowledge' | 'township-order', place: Place): void {
  if (!canActOnEscalation(p, action, place))
    throw new ForbiddenError(
      action === 'acknowledge'
        ? '只有该乡镇的包乡镇人员、包片领导或控辍办可以确认跟进'
        : '只有该乡镇的包乡镇人员或控辍办可以登记乡镇政府的责令',
    );
}

/**
 * Who takes a missed (escalated) follow-up / 送教上门 visit or a school's late 大家访 on: the school's head, the
 * township's 包乡镇人员 and the office (the API routes and the operator CLI both ask this).
 */
export function canAcknowledgeDuty(p: Principal, place: Place): boolean {
  if (!anchored(p)) return false;
  if (p.role === 'office') return true;
  if (p.role === 'school-head') return p.schoolId === place.schoolId;
  if (p.role === 'township-contact') return p.townshipId === place.townshipId;
  return false;
}

/**
 * A school's late 大家访 climbs to the 包片领导 too: the area's leader takes it on as well as the head, the
 * township's 包乡镇人员 and the office.
 */
export function canAcknowledgeCampaign(p: Principal, place: Place): boolean {
  if (canAcknowledgeDuty(p, place)) return true;
  return anchored(p) && p.role === 'leader' && place.areaId !== undefined && place.areaId === p.areaId;
}

/** R9: 脱贫户 status and the guardian's phone are visible only to the pupil's own school and the office. */
export function canSeeSensitive(p: Principal, place: Place): boolean {
  if (!anchored(p)) return false;
  if (p.role === 'office') return true;
  return (p.role === 'school-head' || p.role === 'teacher') && p.schoolId === place.schoolId;
}

/**
 * May the caller filter or count by 脱贫户 at all? Only those who see it somewhere in their scope (`canSeeSensitive`):
 * the office, and a school's head and teachers (for their own school's pupils). 包片领导 and 包乡镇人员 never do.
 */
export function maySeePovertyGroup(p: Principal): boolean {
  return anchored(p) && (p.role === 'office' || p.role === 'school-head' || p.role === 'teacher');
}

/** Throws ForbiddenError (403) unless the caller may read here. */
export function assertCanRead(p: Principal, place: Place, responsiblePersonId?: string): void {
  if (!canRead(p, place, responsiblePersonId)) throw new ForbiddenError('无权查看该学校的数据（超出您的管辖范围）');
}

/** Throws ForbiddenError (403) unless the caller may make this change here. */
export function assertCanWrite(p: Principal, action: WriteAction, place: Place, responsiblePersonId?: string): void {
  if (!canWrite(p, action, place, responsiblePersonId))
    throw new ForbiddenError('无权执行此操作（超出您的角色或管辖范围）');
}

/** A case-like record as shown to a caller: outside the pupil's school and the office, R9 fields are masked. */
export interface SensitiveFields {
  studentName: string;
  /** 学籍号 (embeds the ID number). */
  studentRef?: string;
  guardian: { name?: string; phone?: string };
  povertyRegistered?: boolean;
  /** Priority groups (留守, 残疾…): 脱贫户 among them is R9 data like `povertyRegistered`. */
  priorityGroups?: readonly string[];
  /** Free text that may name the pupil or hold numbers: scrubbed outside the school. */
  reason?: string;
  whereabouts?: string;
  grade?: string;
  /** Endings typed by the school (exemption references and reason, 转出 destination): scrubbed like the rest. */
  exemption?: object;
  transfer?: object;
}

/** The fields of a case that hold typed free text: each passes the one scrubber outside the school. */
const FREE_TEXT_FIELDS = ['reason', 'whereabouts', 'grade', 'exemption', 'transfer'] as const;

/**
 * The view of a case for this caller. Officials outside the school see a masked child and guardian name, a masked
 * 学籍号, reason, 去向, grade and the endings' text scrubbed (known names, 学籍号, ID and mobile numbers), a masked guardian phone and no 脱贫户
 * flag (`povertyRegistered` is absent, not false, so nobody infers it; 脱贫户 is left out of `priorityGroups`).
 */
export function viewForCaller<T extends SensitiveFields & Place>(
  p: Principal,
  record: T,
): Omit<T, 'povertyRegistered'> & { povertyRegistered?: boolean; masked: boolean } {
  if (canSeeSensitive(p, record)) return { ...record, masked: false };
  const { povertyRegistered: _hidden, ...rest } = record;
  const names = [record.studentName, record.guardian.name];
  const scrubbed = Object.fromEntries(
    FREE_TEXT_FIELDS.filter((f) => record[f] !== undefined).map((f) => [f, scrubFreeTextDeep(record[f], names)]),
  );
  return {
    ...rest,
    ...scrubbed,
    studentName: maskName(record.studentName),
    ...(record.priorityGroups ? { priorityGroups: record.priorityGroups.filter((g) => g !== SENSITIVE_GROUP) } : {}),
    ...(record.studentRef ? { studentRef: maskStudentRef(record.studentRef) } : {}),
    guardian: {
      ...(record.guardian.name ? { name: maskName(record.guardian.name) } : {}),
      ...(record.guardian.phone ? { phone: maskPhone(record.guardian.phone) } : {}),
    },
    masked: true,
  };
}

/** The directory facts needed to resolve a person into a Principal. */
export interface OrgForPrincipal {
  areas: { id: string; leaderId: string; active?: boolean }[];
  townships: { id: string; areaId: string; contactIds: string[]; active?: boolean }[];
  chiefId?: string;
  officeIds?: string[];
}

const rolePriority: [Role, ApiRole][] = [
  ['chief', 'office'],
  ['office', 'office'],
  ['area-leader', 'leader'],
  ['township-contact', 'township-contact'],
  ['school-head', 'school-head'],
  ['teacher', 'teacher'],
];

/**
 * The Principal a directory person signs in as (the dev sign-in, and the claims to provision in Cognito):
 * the strongest API role they hold, anchored to their area / township / school. Undefined if they hold none.
 */
export function principalOf(person: Person, org: OrgForPrincipal): Principal | undefined {
  if (person.active === false) return undefined;
  const isOffice = org.chiefId === person.id || (org.officeIds ?? []).includes(person.id);
  const held = new Set<Role>(person.roles);
  if (isOffice) held.add('office');
  for (const [dirRole, role] of rolePriority) {
    if (!held.has(dirRole)) continue;
    const base = { personId: person.id, name: person.name, role };
    if (role === 'office') return base;
    if (role === 'leader') {
      const area = org.areas.find((a) => a.leaderId === person.id && a.active !== false);
      if (area) return { ...base, areaId: area.id };
      continue;
    }
    if (role === 'township-contact') {
      const township = org.townships.find((t) => t.contactIds.includes(person.id) && t.active !== false);
      if (township) return { ...base, townshipId: township.id, areaId: township.areaId };
      continue;
    }
    if (person.schoolId) return { ...base, schoolId: person.schoolId };
  }
  return undefined;
}

// Follow-up plans (保学, 送教上门 一人一案) and 大家访 campaigns (R6, R7).

/** Teachers who visit or mentor the pupil of a plan. */
export const assignedToPlan = (p: Principal, plan: Pick<Plan, 'responsibleIds' | 'mentorId'>): boolean =>
  p.role === 'teacher' && (plan.responsibleIds.includes(p.personId) || plan.mentorId === p.personId);

/** Heads manage their school's plans and campaigns; the office manages all. */
export const managesSchool = (p: Principal, place: Place): boolean =>
  p.role === 'office' || (p.role === 'school-head' && p.schoolId === place.schoolId);

/**
 * A plan is read by its school's head, the office, the township/area in scope, and the teachers assigned to it
 * (a 送教 teacher of the special school included); other teachers of the school do not read it (R9, like cases).
 */
export const canReadPlan = (p: Principal, place: Place, plan: Pick<Plan, 'responsibleIds' | 'mentorId'>): boolean =>
  canRead(p, place) || assignedToPlan(p, plan);

/**
 * A school's follow-up due list: readers of the school (head, township, area, office) and its teachers, who see only
 * their own plans and households (the use case narrows it with `forPersonId`).
 */
export const canReadDueList = (p: Principal, place: Place): boolean =>
  canRead(p, place) || (anchored(p) && p.role === 'teacher' && p.schoolId === place.schoolId);

/**
 * Who records a 大家访 household visit: the school's head, the office, and a teacher of one of the campaign's
 * households (which household is theirs is checked against the household).
 */
export const mayRecordCampaignVisit = (
  p: Principal,
  place: Place,
  campaign: { households: readonly { teacherId: string }[] },
): boolean =>
  managesSchool(p, place) || (p.role === 'teacher' && campaign.households.some((h) => h.teacherId === p.personId));

/** Full names for the pupil's school, the office and the plan's own teachers; everyone else sees 张*明 (R9). */
export const seesPlanNames = (p: Principal, place: Place, plan?: Pick<Plan, 'responsibleIds' | 'mentorId'>): boolean =>
  canSeeSensitive(p, place) || (plan !== undefined && assignedToPlan(p, plan));

/** Completion figures of a school are aggregates: its head and teachers read them too. */
export const seesSchoolFigures = (p: Principal, place: Place): boolean =>
  canReadTownship(p, place) || ((p.role === 'school-head' || p.role === 'teacher') && p.schoolId === place.schoolId);

/** Who may export the ledgers: the office, 包片领导, 包乡镇人员 and school heads (teachers keep no ledger). */
export const mayExportLedgers = (p: Principal): boolean => p.role !== 'teacher';

/**
 * The role matrix the console builds its buttons from (`GET /api/me` → `may`): what the role may do somewhere in
 * its scope. Each action is still checked against the record's place when it is done.
 */
export function capabilities(p: Principal) {
  const headOrOffice = p.role === 'school-head' || p.role === 'office';
  return {
    fileReport: headOrOffice,
    openCase: headOrOffice,
    issueNotice: headOrOffice,
    logVisit: p.role !== 'leader' && p.role !== 'township-contact',
    updateCase: headOrOffice,
    acknowledgeEscalation: ['office', 'leader', 'township-contact'].includes(p.role),
    recordTownshipOrder: p.role === 'office' || p.role === 'township-contact',
    exportLedgers: mayExportLedgers(p),
    uploadRoll: headOrOffice,
    uploadRegister: p.role === 'office',
    uploadDirectory: p.role === 'office',
    /** The 脱贫户 group in filters and statistics (R9); the other priority groups are for everyone. */
    seePovertyGroup: maySeePovertyGroup(p),
  };
}
