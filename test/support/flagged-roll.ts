import { join } from 'node:path';
import { writeFakeRollCsv } from '../../local/fake-roll.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import { DynamoRollGroups } from '../../shared/adapters/dynamo/roll-groups.ts';
import { DynamoRollRepository } from '../../shared/adapters/dynamo/roll-repository.ts';
import { FileIdHashKey } from '../../shared/adapters/secrets/id-hash-key.ts';
import { fileRollSource } from '../../shared/adapters/tabular/roll-file.ts';
import { priorityFlags } from '../../shared/domain/priority-groups.ts';
import { caseGroupsHook } from '../../shared/use-cases/case-groups.ts';
import { importRoll } from '../../shared/use-cases/import-roll.ts';
import type { apiCallerWorld } from './api-caller.ts';
import { ROSTER_TERM } from './roster-seed.ts';

const ROLL_HEADER = ['学籍号', '姓名', '性别', '出生日期', '年级', ...priorityFlags];
const flagsRow = (flags: string[]) => priorityFlags.map((f) => (flags.includes(f) ? '是' : '否'));

/** A pupil of a test roll: an invented 学籍号, a name and the priority flags marked 是. */
export interface FlaggedPupil {
  ref: string;
  name: string;
  flags: string[];
}

/**
 * Imports a roll of `pupils` for `schoolId` (term ROSTER_TERM, schools s1–s3) through the importer with its case
 * groups hook, as the upload and the CLI wire it; with `plans`, the hook also refreshes the cases' follow-up plans.
 */
export async function importFlaggedRoll(
  w: Awaited<ReturnType<typeof apiCallerWorld>>,
  dir: string,
  schoolId: string,
  pupils: readonly FlaggedPupil[],
  options: { plans?: boolean } = {},
) {
  const file = join(dir, `${schoolId}-${Date.now()}.csv`);
  await writeFakeRollCsv(file, [
    ROLL_HEADER,
    ...pupils.map((p) => [p.ref, p.name, '男', '2013-05-01', '七年级', ...flagsRow(p.flags)]),
  ]);
  return importRoll(
    {
      repo: new DynamoRollRepository(w.doc, w.tableName),
      key: new FileIdHashKey(join(dir, 'key')),
      clock: w.deps.clock,
      newId: w.deps.newId,
      schoolIds: new Set(['s1', 's2', 's3']),
      terms: [ROSTER_TERM],
      caseGroups: caseGroupsHook({
        repo: new DynamoCaseRepository(w.doc, w.tableName),
        groups: new DynamoRollGroups(w.doc, w.tableName, w.deps.config.calendar.terms),
        ...(options.plans ? { plans: new DynamoFollowUpRepository(w.doc, w.tableName) } : {}),
        clock: w.deps.clock,
      }),
    },
    { schoolId, term: ROSTER_TERM, source: fileRollSource(file) },
  );
}
