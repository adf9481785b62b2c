import type { Case } from '../domain/case.ts';
import type { CaseRepository } from '../domain/case-ports.ts';
import { ConcurrentUpdateError } from '../domain/errors.ts';
import type { Plan } from '../domain/followup.ts';
import type { FollowUpRepository } from '../domain/followup-ports.ts';
import type { Clock, Log } from '../domain/ports.ts';
import { groupsFromRoll, groupsOfCase, type PupilGroupSource } from '../domain/priority-groups.ts';
import { pupilKeyOf } from '../domain/pupil-key.ts';

/** The uniqueness key a roll pupil is matched by: the case's own, else the one its pupil gives (学籍号 first). */
const matchKeyOf = (c: Case) => c.pupilKey ?? pupilKeyOf(c);

/**
 * A case about to be stored, with its pupil's priority groups from the latest term's roll that holds the pupil
 * (matched by the pupil key, i.e. the 学籍号). Without a source or a roll entry the case keeps what it has (脱贫户
 * from `povertyRegistered`). One or two reads per opening, never per list row: the groups are stored on the case.
 */
export async function withPupilGroups(source: PupilGroupSource | undefined, c: Case): Promise<Case> {
  if (!source) return c;
  const flags = await source.groupsOf(c.schoolId, matchKeyOf(c));
  return flags ? { ...c, ...groupsFromRoll(c, flags) } : c;
}

export interface RefreshGroupsDeps {
  repo: Pick<CaseRepository, 'listBySchool' | 'getCase' | 'commit'>;
  groups: PupilGroupSource;
  /** The follow-up plans: an open case's active plans take its groups too (the due list filters by them). */
  plans?: Pick<FollowUpRepository, 'plansOfCase' | 'getPlan' | 'savePlan'>;
  clock: Clock;
  log?: Log;
}

const sameGroups = (a: Case, b: Case) =>
  a.povertyRegistered === b.povertyRegistered && groupsOfCase(a).join() === groupsOfCase(b).join();

/**
 * After a roll import: the school's open cases whose pupil is on the imported roll (`pupilKeys`) take their groups
 * from the latest term's roll that holds them (an import of an older term changes nothing the newer roll decides).
 * Each changed case is written alone under its version (a concurrent change: read again, up to 3 times); no timeline
 * event (the groups are R9 data and the timeline is read outside the school). With `plans`, each such case's active
 * follow-up / 送教上门 plans then take the case's groups (also when the case was already up to date: plans stored
 * before plans carried groups get them). Returns how many cases changed.
 */
export async function refreshCaseGroups(
  deps: RefreshGroupsDeps,
  schoolId: string,
  pupilKeys: ReadonlySet<string>,
): Promise<number> {
  if (pupilKeys.size === 0) return 0;
  const open = await deps.repo.listBySchool(schoolId, 'open');
  let changed = 0;
  let plans = 0;
  for (const listed of open) {
    if (!pupilKeys.has(matchKeyOf(listed))) continue;
    /** The case as stored once its groups are settled (undefined: it is gone). */
    let settled: Case | undefined;
    for (let attempt = 1; ; attempt++) {
      const c = attempt === 1 ? listed : await deps.repo.getCase(listed.id);
      const next = c && (await withPupilGroups(deps.groups, c));
      settled = next;
      if (!c || !next) break;
      if (sameGroups(c, next) && c.priorityGroups !== undefined) break;
      try {
        await deps.repo.commit({
          case: { ...next, updatedAt: deps.clock.now().toISOString() },
          expectedVersion: c.version,
          events: [],
        });
        changed++;
        break;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError) || attempt >= 3) throw error;
      }
    }
    if (settled) plans += await refreshPlanGroups(deps, settled);
  }
  if (changed > 0 || plans > 0)
    deps.log?.info('case groups refreshed from the roll', { schoolId, cases: changed, plans });
  return changed;
}

/**
 * The active follow-up / 送教上门 plans of a case take the case's groups (one Query for the case's plans; a write
 * only for a plan whose stored groups differ, under its version: a concurrent change of the plan is read again, up
 * to 3 times). Returns how many plans changed.
 */
async function refreshPlanGroups(deps: RefreshGroupsDeps, c: Case): Promise<number> {
  if (!deps.plans) return 0;
  const groups = groupsOfCase(c);
  let changed = 0;
  for (const plan of await deps.plans.plansOfCase(c.id)) {
    for (let attempt = 1, p: Plan | undefined = plan; p; attempt++) {
      if (p.status !== 'active' || (p.priorityGroups && p.priorityGroups.join() === groups.join())) break;
      try {
        await deps.plans.savePlan({ ...p, priorityGroups: groups, version: p.version + 1 }, []);
        changed++;
        break;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError) || attempt >= 3) throw error;
        p = (await deps.plans.getPlan(plan.id))?.plan;
      }
    }
  }
  return changed;
}

/** The `caseGroups` hook of a roll import (importRoll's deps). */
export const caseGroupsHook =
  (deps: RefreshGroupsDeps) =>
  (schoolId: string, pupilKeys: ReadonlySet<string>): Promise<number> =>
    refreshCaseGroups(deps, schoolId, pupilKeys);
