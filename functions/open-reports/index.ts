import * as z from 'zod/mini';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoOutboxRepository } from '../../shared/adapters/dynamo/outbox-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { type OpenReportsResult, openReports } from '../../shared/use-cases/open-reports.ts';
import type { Deps } from '../deps.ts';
import { type InvokableHandler, parsedHandler } from '../parsed-handler.ts';

/** The scheduler sends its own payload (ignored); an operator may re-run a missed day with `{ "date": "YYYY-MM-DD" }`. */
const eventSchema = z.optional(
  z.looseObject({
    date: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))),
  }),
);

/** Scheduled daily: opens the report slots owed today (idempotent, so a re-run is harmless). */
export function createOpenReportsHandler(deps: Deps): InvokableHandler<OpenReportsResult> {
  const useCaseDeps = {
    slots: new DynamoSlotRepository(deps.doc, deps.tableName),
    directory: new DynamoDirectoryRepository(deps.doc, deps.tableName),
    outbox: new DynamoOutboxRepository(deps.doc, deps.tableName),
    clock: deps.clock,
    log: deps.log,
    config: deps.config,
  };
  return parsedHandler(eventSchema, (event) => openReports(useCaseDeps, { date: event?.date }));
}
