import { dynamoReportFacts } from '../../shared/adapters/dynamo/followup-repository.ts';
import { cloudDeps } from '../cloud-deps.ts';
import { createDigestsHandler } from './index.ts';

const deps = cloudDeps();
// TODO(integration): pass the case fact reader once the cases feature is on main; until then the digests refuse.
export const handler = createDigestsHandler(deps, { reports: dynamoReportFacts(deps.doc, deps.tableName) });
