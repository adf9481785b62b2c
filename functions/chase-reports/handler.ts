import { cloudHandler } from '../cloud-handler.ts';
import { createChaseReportsHandler } from './index.ts';

export const handler = cloudHandler(createChaseReportsHandler);
