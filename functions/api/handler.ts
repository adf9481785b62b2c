import { cloudDeps } from '../cloud-deps.ts';
import { createApiHandler } from './index.ts';

export const handler = createApiHandler(cloudDeps());
