import * as z from 'zod/mini';
import { text } from './input.ts';
import type { RegisterChild } from './register.ts';

/**
 * 四查三比对 (R10, §五（二）): a township's household register of school-age children against every roll of the county,
 * and the three ledgers kept from it with 动态销号 (`docs/rosters.md`). Candidates are what the comparison found;
 * each is confirmed or dismissed with a reason by the school or the township. A confirmed one puts the child on the
 * 辍学台账, one entry per child (the entry's key is the child's person key); an entry is struck off (销号) only with a
 * reason and evidence, and comes back when the child relapses (a new case for the same pupil).
 */

export const candidateKinds = ['not-enrolled', 'enrolled-absent'] as const;
export type CandidateKind = (typeof candidateKinds)[number];
export const candidateKindLabel: Record<CandidateKind, string> = {
  'not-enrolled': '适龄未入学',
  'enrolled-absent': '在籍不在校',
};

export const candidateStatuses = ['pending', 'confirmed', 'dismissed', 'cleared'] as const;
export type CandidateStatus = (typeof candidateStatuses)[number];
export const candidateStatusLabel: Record<CandidateStatus, string> = {
  pending: '待核查',
  confirmed: '已确认',
  dismissed: '已排除',
  cleared: '已不在名单',
};

export interface Decision {
  decision: 'confirm' | 'dismiss';
  reason: string;
  note?: string;
  by: { personId: string; name?: string };
  at: string;
}

/** One child the comparison found. Personal fields as the roll or register holds them; never a clear ID number. */
export interface Candidate {
  id: string;
  townshipId: string;
  kind: CandidateKind;
  /** The child's person key (`personKeyOf`): a ledger entry of the same child has this id. */
  personKey: string;
  name: string;
  gender?: '男' | '女';
  birthDate: string;
  idLast4?: string;
  village?: string;
  /** The school whose roll holds the pupil (在籍不在校). */
  schoolId?: string;
  grade?: string;
  /** The roll's pupil key (学籍号 hash): links a later case of the pupil to the ledger entry. */
  pupilKey?: string;
  /** The open case that says the pupil is not at school, when there is one. */
  caseId?: string;
  /** What the system knows: an open case, or the daily report's not-back list. */
  evidence: string;
  flags: string[];
  status: CandidateStatus;
  foundAt: string;
  /** The last run that changed it (a run that finds it unchanged does not write it). */
  lastRunAt: string;
  decision?: Decision;
  version: number;
}

/** The last run of a township's cross-check: what it compared and what it found. */
export interface CrossCheckRun {
  townshipId: string;
  term: string;
  at: string;
  registerImportId: string;
  registerCount: number;
  schoolAge: number;
  outOfAge: number;
  /** School-age children found on a roll of the township's schools, and on a roll elsewhere in the county. */
  enrolledHere: number;
  enrolledElsewhere: number;
  notEnrolled: number;
  enrolledAbsent: number;
  povertyNotEnrolled: number;
  rollsRead: number;
  version: number;
}

export const strikeReasons = ['returned', 'transferred', 'exempted', 'moved-away'] as const;
export type StrikeReason = (typeof strikeReasons)[number];
export const strikeReasonLabel: Record<StrikeReason, string> = {
  returned: '已复学/入学',
  transferred: '已转学',
  exempted: '已批准免予/缓学',
  'moved-away': '已迁出本县',
};

export interface LedgerEvent {
  at: string;
  action: 'entered' | 'joined' | 'struck' | 'relapsed';
  by: string;
  detail: string;
}

/** One child on the 辍学台账 (confirmed: 辍学 or 从未入学). `status` struck = 已销号. */
export interface DropoutEntry {
  id: string;
  townshipId: string;
  schoolId?: string;
  kind: 'never-enrolled' | 'dropped-out';
  name: string;
  gender?: '男' | '女';
  birthDate: string;
  idLast4?: string;
  village?: string;
  grade?: string;
  pupilKey?: string;
  flags: string[];
  status: 'on' | 'struck';
  enteredAt: string;
  /** The candidates that confirmed this child (two lists may find the same child). */
  sources: string[];
  strike?: {
    reason: StrikeReason;
    evidence: string[];
    receivingSchool?: string;
    note?: string;
    by: string;
    at: string;
  };
  relapses: number;
  events: LedgerEvent[];
  version: number;
}

export const decisionInputSchema = z.strictObject({
  decision: z.enum(['confirm', 'dismiss'], { error: '应为 confirm（确认）或 dismiss（排除）' }),
  reason: text(200),
  note: z.optional(text(500)),
});
export type DecisionInput = z.infer<typeof decisionInputSchema>;

export const strikeInputSchema = z
  .strictObject({
    reason: z.enum(strikeReasons, { error: '应为 returned、transferred、exempted 或 moved-away' }),
    evidence: z.array(text(200)).check(z.minLength(1, '销号须附至少一项证明材料'), z.maxLength(20)),
    receivingSchool: z.optional(text(100)),
    note: z.optional(text(500)),
  })
  .check(
    z.superRefine((v, ctx) => {
      if (v.reason === 'transferred' && !v.receivingSchool)
        ctx.addIssue({ code: 'custom', path: ['receivingSchool'], message: '转学销号须写明接收学校' });
    }),
  );
export type StrikeInput = z.infer<typeof strikeInputSchema>;

/** The register as stored: one active import per township (staged, then one conditional pointer flip). */
export interface ActiveRegister {
  townshipId: string;
  importId: string;
  count: number;
  importedAt: string;
  source: string;
  version: number;
}

export interface RegisterRepository {
  active(townshipId: string): Promise<ActiveRegister | undefined>;
  load(townshipId: string): Promise<RegisterChild[]>;
  stage(townshipId: string, importId: string, children: readonly RegisterChild[]): Promise<void>;
  /** Flips the pointer (ConcurrentUpdateError when it moved since it was read). */
  activate(next: Omit<ActiveRegister, 'version'>, previous: ActiveRegister | undefined): Promise<void>;
  discard(townshipId: string, importId: string): Promise<void>;
}

export interface CrossCheckRepository {
  candidates(townshipId: string): Promise<Candidate[]>;
  candidate(townshipId: string, id: string): Promise<Candidate | undefined>;
  lastRun(townshipId: string): Promise<CrossCheckRun | undefined>;
  /** Writes a run: new candidates, changed ones (guarded by the version each was read at) and the run item. */
  saveRun(
    run: Omit<CrossCheckRun, 'version'>,
    previous: CrossCheckRun | undefined,
    changes: { next: Candidate; previousVersion: number }[],
  ): Promise<void>;
  /** Dismisses: the candidate's update guarded by its version and pending status. */
  dismiss(c: Candidate, decision: Decision): Promise<void>;
  /**
   * Confirms and puts the child on the 辍学台账 in one transaction: a new entry (absent), a relapse (the entry was
   * struck: `reenter`), or joining the entry that is on (`join`). Fails with `CandidateTakenError` when the
   * candidate was decided meanwhile, `ConcurrentUpdateError` when the entry moved (the caller reads it again).
   */
  confirm(
    c: Candidate,
    decision: Decision,
    entry: { mode: 'new'; next: DropoutEntry } | { mode: 'join' | 'reenter'; next: DropoutEntry; expected: number },
  ): Promise<void>;
  entry(id: string): Promise<DropoutEntry | undefined>;
  entries(townshipId: string, status?: DropoutEntry['status']): Promise<DropoutEntry[]>;
  /** Replaces the entry guarded by the version it was read at (strike off, relapse, a learned pupil key). */
  saveEntry(next: DropoutEntry, expected: number): Promise<void>;
}
