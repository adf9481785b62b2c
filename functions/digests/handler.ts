import { cloudDeps } from '../cloud-deps.ts';
import { createDigestsHandler } from './index.ts';

export const handler = createDigestsHandler(cloudDeps());
