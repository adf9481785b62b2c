import { dynamoCaseFacts, dynamoReportFacts } from '../../shared/adapters/dynamo/followup-repository.ts';
import { cloudDeps } from '../cloud-deps.ts';
import { createDigestsHandler } from './index.ts';

const deps = cloudDeps();
export const handler = createDigestsHandler(deps, {
  reports: dynamoReportFacts(deps.doc, deps.tableName),
  cases: dynamoCaseFacts(deps.doc, deps.tableName),
});
