import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoNoteRepository } from '../../shared/adapters/dynamo/note-repository.ts';
import { DynamoRollGroups } from '../../shared/adapters/dynamo/roll-groups.ts';
import type { CaseDeps } from '../../shared/use-cases/case-deps.ts';
import type { Deps } from '../deps.ts';

/** The case use cases' ports from a function's deps (cloud, local runtime or tests alike). */
export function caseDepsOf(deps: Deps): CaseDeps {
  return {
    repo: new DynamoCaseRepository(deps.doc, deps.tableName),
    directory: new DynamoDirectoryRepository(deps.doc, deps.tableName),
    timers: deps.timers,
    clock: deps.clock,
    newId: deps.newId,
    log: deps.log,
    config: deps.config,
    notes: new DynamoNoteRepository(deps.doc, deps.tableName),
    groups: new DynamoRollGroups(deps.doc, deps.tableName, deps.config.calendar.terms),
  };
}
