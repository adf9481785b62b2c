import { cloudHandler } from '../cloud-handler.ts';
import { createOpenReportsHandler } from './index.ts';

export const handler = cloudHandler(createOpenReportsHandler);
