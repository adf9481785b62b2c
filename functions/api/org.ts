import type { DirectoryRepository, DirectorySnapshot } from '../../shared/domain/ports.ts';
import type { Place } from '../../shared/domain/scope.ts';

/** The directory indexed for scope checks: school → township → 包片 area. */
export class OrgIndex {
  private readonly townshipById: Map<string, DirectorySnapshot['townships'][number]>;
  private readonly schoolById: Map<string, DirectorySnapshot['schools'][number]>;
  private readonly personById: Map<string, DirectorySnapshot['people'][number]>;

  constructor(readonly snapshot: DirectorySnapshot) {
    this.townshipById = new Map(snapshot.townships.map((t) => [t.id, t]));
    this.schoolById = new Map(snapshot.schools.map((s) => [s.id, s]));
    this.personById = new Map(snapshot.people.map((p) => [p.id, p]));
  }

  /** Where a school sits; undefined for an unknown school. */
  placeOfSchool(schoolId: string): Place | undefined {
    const school = this.schoolById.get(schoolId);
    if (!school) return undefined;
    return { schoolId, townshipId: school.townshipId, areaId: this.townshipById.get(school.townshipId)?.areaId };
  }

  /** A record's place from its school and township ids (the township's area is looked up). */
  place(schoolId: string, townshipId: string): Place {
    return { schoolId, townshipId, areaId: this.townshipById.get(townshipId)?.areaId };
  }

  areaOfTownship(townshipId: string): string | undefined {
    return this.townshipById.get(townshipId)?.areaId;
  }

  school(id: string) {
    return this.schoolById.get(id);
  }
  township(id: string) {
    return this.townshipById.get(id);
  }
  person(id: string) {
    return this.personById.get(id);
  }
}

/**
 * Loads the directory at most once per `ttlMs` per container: every request needs it for scope checks and the
 * organisation changes a few times a year (an import takes effect within the TTL).
 */
export function cachedOrg(directory: DirectoryRepository, now: () => Date, ttlMs = 60_000): () => Promise<OrgIndex> {
  let cached: { at: number; org: Promise<OrgIndex> } | undefined;
  return () => {
    const t = now().getTime();
    if (!cached || t - cached.at > ttlMs || t < cached.at) {
      const org = directory.load().then((s) => new OrgIndex(s));
      cached = { at: t, org };
      org.catch(() => {
        cached = undefined;
      });
    }
    return cached.org;
  };
}
