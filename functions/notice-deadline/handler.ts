import { cloudDeps } from '../cloud-deps.ts';
import { createNoticeDeadlineHandler } from './index.ts';

export const handler = createNoticeDeadlineHandler(cloudDeps());
