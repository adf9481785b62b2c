import { cloudHandler } from '../cloud-handler.ts';
import { createNoticeDeadlineHandler } from './index.ts';

export const handler = cloudHandler(createNoticeDeadlineHandler);
