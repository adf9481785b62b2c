// The directory names a view shows next to ids (school, township, person). The API's OrgIndex is one; tests pass
// a literal. A missing entry shows the id itself.

export interface OrgNames {
  school(id: string): { name: string } | undefined;
  township(id: string): { name: string } | undefined;
  person(id: string): { name: string } | undefined;
}

export const schoolName = (org: OrgNames, id: string) => org.school(id)?.name ?? id;
export const townshipName = (org: OrgNames, id: string) => org.township(id)?.name ?? id;
export const personName = (org: OrgNames, id: string | undefined) => (id ? (org.person(id)?.name ?? id) : undefined);
