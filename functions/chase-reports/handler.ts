import { cloudDeps } from '../cloud-deps.ts';
import { createChaseReportsHandler } from './index.ts';

export const handler = createChaseReportsHandler(cloudDeps());
