import { deterministicId } from './ids.ts';

/**
 * Who a pupil is, as far as uniqueness goes: the 学籍号 when there is one (national, so county-wide), else the
 * normalised name + grade within the school. Two records with the same key are the same pupil; the key is what the
 * database makes unique (one open case, one active plan of each kind), so it holds under concurrency where a read
 * before the write does not.
 */
export interface PupilIdentity {
  schoolId: string;
  studentName: string;
  /** 学籍号 (or another national school reference). */
  studentRef?: string | undefined;
  grade?: string | undefined;
}

/**
 * The pupil's uniqueness key: `xj-<hash>` from the 学籍号, else `nm-<hash>` from school + name + grade. A one-way
 * hash, so the key (which lands in logs, metrics and error labels) never shows a name or an ID number.
 */
export function pupilKeyOf(p: PupilIdentity): string {
  const ref = p.studentRef ? normaliseRef(p.studentRef) : '';
  if (ref) return deterministicId('xj', ref);
  return deterministicId('nm', p.schoolId, normaliseName(p.studentName), normaliseGrade(p.grade ?? ''));
}

/** Full-width forms folded (NFKC), every kind of space dropped, the middle dots of minority names unified. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[•・．.·･]/g, '·');
}

/** 七年级 / 七 年级 / 七年級 stay apart (no guessing); only width and spaces are folded. */
export function normaliseGrade(grade: string): string {
  return grade.normalize('NFKC').replace(/[\s\u3000]+/g, '');
}

/** 学籍号: width folded, spaces dropped, letters upper case (G4501… and g4501… are one number). */
export function normaliseRef(ref: string): string {
  return ref
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .toUpperCase();
}
