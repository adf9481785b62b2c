import { cloudHandler } from '../cloud-handler.ts';
import { createSmsStatusLogsHandler } from './index.ts';

export const handler = cloudHandler(createSmsStatusLogsHandler);
