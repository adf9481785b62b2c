/** Keys of the roll items (roll-repository.ts): one import's pupils, and each school's active-roll pointer per term. */
export const rollPk = (schoolId: string, term: string, importId: string) => `ROLL#${schoolId}#${term}#${importId}`;
export const pointerPk = (schoolId: string, term: string) => `ROLL#${schoolId}#${term}`;
