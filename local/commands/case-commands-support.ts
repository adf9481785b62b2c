import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoRollGroups } from '../../shared/adapters/dynamo/roll-groups.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { newId } from '../../shared/domain/ids.ts';
import type { TimerScheduler } from '../../shared/domain/ports.ts';
import type { CaseDeps } from '../../shared/use-cases/case-deps.ts';
import type { connectToRuntime } from './runtime-target.ts';

/**
 * Case use-case deps for a CLI process. Timers are not the CLI's business: the runtime's case-reactor creates
 * and deletes them from the stream, so a use case that reached for them here would be a bug.
 */
export function caseDeps(target: ReturnType<typeof connectToRuntime>): CaseDeps {
  const noTimers: TimerScheduler = {
    createAt: () => Promise.reject(new Error('timers are managed by the runtime (case-reactor), not the CLI')),
    delete: () => Promise.reject(new Error('timers are managed by the runtime (case-reactor), not the CLI')),
    exists: () => Promise.reject(new Error('timers are managed by the runtime (case-reactor), not the CLI')),
    scheduledAt: () => Promise.reject(new Error('timers are managed by the runtime (case-reactor), not the CLI')),
    moveTo: () => Promise.reject(new Error('timers are managed by the runtime (case-reactor), not the CLI')),
  };
  const config = loadConfigFile();
  return {
    repo: new DynamoCaseRepository(target.doc, target.tableName),
    directory: new DynamoDirectoryRepository(target.doc, target.tableName),
    timers: noTimers,
    clock: target.clock,
    newId,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    config,
    groups: new DynamoRollGroups(target.doc, target.tableName, config.calendar.terms),
  };
}
