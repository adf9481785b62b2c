import { dynamoCaseFacts, dynamoReportFacts } from '../../shared/adapters/dynamo/followup-repository.ts';
import { cloudHandler } from '../cloud-handler.ts';
import { createDigestsHandler } from './index.ts';

export const handler = cloudHandler((deps) =>
  createDigestsHandler(deps, {
    reports: dynamoReportFacts(deps.doc, deps.tableName),
    cases: dynamoCaseFacts(deps.doc, deps.tableName),
  }),
);
