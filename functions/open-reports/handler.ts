import { cloudDeps } from '../cloud-deps.ts';
import { createOpenReportsHandler } from './index.ts';

export const handler = createOpenReportsHandler(cloudDeps());
