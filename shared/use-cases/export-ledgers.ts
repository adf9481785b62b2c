import type { AuditLog } from '../domain/access.ts';
import { closedStates } from '../domain/case.ts';
import type { CaseRepository } from '../domain/case-ports.ts';
import type { Role } from '../domain/directory.ts';
import { ForbiddenError, NotFoundError } from '../domain/errors.ts';
import { caseLedger, type Ledger, rosterLedger } from '../domain/export-ledgers.ts';
import type { Clock, DirectorySnapshot, NewId } from '../domain/ports.ts';
import { groupsOfCase } from '../domain/priority-groups.ts';
import { type ApiRole, canRead, canSeeSensitive, mayExportLedgers, type Principal } from '../domain/scope.ts';
import { type CstDate, cstDate } from '../domain/time.ts';
import { groupFilter } from './list-cases.ts';
import { runLimited } from './run-limited.ts';

export type LedgerChoice = 'roster' | 'cases' | 'all';

const ledgerRole: Record<ApiRole, Role> = {
  office: 'office',
  leader: 'area-leader',
  'township-contact': 'township-contact',
  'school-head': 'school-head',
  teacher: 'teacher',
};

/**
 * The 辍学学生花名册 and/or the case ledger for a reader (API download, operator CLI), scoped and masked by role
 * (R9), and recorded in the read audit: one entry per case whose row is in the file.
 * 1. Refuse teachers; resolve the schools in the reader's scope, narrowed by township / school (outside: 403).
 * 2. Load the schools' cases (at most 16 queries in flight) and build the ledgers, masked unless the reader is
 *    the office or the pupil's school.
 * 3. Audit, then hand back the ledgers for the caller to write as CSV or XLSX.
 */
export async function exportLedgersUseCase(
  deps: { cases: Pick<CaseRepository, 'listBySchool'>; audit: AuditLog; clock: Clock; newId: NewId },
  input: {
    principal: Principal;
    directory: DirectorySnapshot;
    ledger: LedgerChoice;
    townshipId?: string;
    schoolId?: string;
    /** One priority group (`groupFilter`: 脱贫户 only for the office and school heads). */
    group?: string;
  },
): Promise<{ ledgers: Ledger[]; baseName: string; day: CstDate; rows: number }> {
  const { principal: p, directory } = input;
  if (!mayExportLedgers(p)) throw new ForbiddenError('教师无导出台账的权限，请联系校长');
  const group = groupFilter(p, input.group);
  const areaOf = new Map(directory.townships.map((t) => [t.id, t.areaId]));
  const place = (s: { id: string; townshipId: string }) => ({
    schoolId: s.id,
    townshipId: s.townshipId,
    areaId: areaOf.get(s.townshipId),
  });
  if (input.townshipId && !areaOf.has(input.townshipId)) throw new NotFoundError('township', input.townshipId);
  if (input.schoolId && !directory.schools.some((s) => s.id === input.schoolId))
    throw new NotFoundError('school', input.schoolId);
  const schools = directory.schools
    .filter((s) => s.active !== false)
    .filter(
      (s) => (!input.townshipId || s.townshipId === input.townshipId) && (!input.schoolId || s.id === input.schoolId),
    )
    .filter((s) => canRead(p, place(s)));
  if ((input.townshipId || input.schoolId) && schools.length === 0)
    throw new ForbiddenError('无权查看该乡镇或学校的数据（超出您的管辖范围）');

  const cases = (await runLimited(schools, 16, (s) => deps.cases.listBySchool(s.id)))
    .flat()
    .filter((c) => !group || groupsOfCase(c).includes(group));
  const reader = { role: ledgerRole[p.role], schoolId: p.schoolId };
  const names = {
    schools: new Map(directory.schools.map((s) => [s.id, s.name])),
    townships: new Map(directory.townships.map((t) => [t.id, t.name])),
  };
  const ledgers: Ledger[] = [];
  if (input.ledger !== 'cases') ledgers.push(rosterLedger(cases, reader, names));
  if (input.ledger !== 'roster') ledgers.push(caseLedger(cases, reader, names));

  const now = deps.clock.now();
  const exported = input.ledger === 'roster' ? cases.filter((c) => !closedStates.has(c.state)) : cases;
  if (exported.length > 0)
    await deps.audit.record(
      exported.map((c) => ({
        id: deps.newId(),
        at: now.toISOString(),
        personId: p.personId,
        role: p.role,
        action: 'export-ledger' as const,
        caseId: c.id,
        schoolId: c.schoolId,
        sensitive: canSeeSensitive(p, place({ id: c.schoolId, townshipId: c.townshipId })),
      })),
    );
  return {
    ledgers,
    baseName: input.ledger === 'all' ? '控辍保学台账' : ledgers[0]!.title,
    day: cstDate(now),
    rows: ledgers.reduce((n, l) => n + l.rows.length, 0),
  };
}
