import { cloudHandler } from '../cloud-handler.ts';
import { createFollowupSweepHandler } from './index.ts';

export const handler = cloudHandler(createFollowupSweepHandler);
