import { cloudDeps } from '../cloud-deps.ts';
import { createDigestsHandler } from './index.ts';

// TODO(integration): pass the report-slot and case fact readers once those features are on main.
export const handler = createDigestsHandler(cloudDeps());
