import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { newId } from '../../shared/domain/ids.ts';
import type { FollowUpDeps } from '../../shared/use-cases/followup-deps.ts';
import type { connectToRuntime } from './runtime-target.ts';

/** Follow-up use-case deps for a CLI process: the runtime's table and virtual clock, the bureau's config. */
export function followUpDeps(target: ReturnType<typeof connectToRuntime>): FollowUpDeps {
  return followUpDepsOf({
    doc: target.doc,
    tableName: target.tableName,
    clock: target.clock,
    newId,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    config: loadConfigFile(),
  });
}
