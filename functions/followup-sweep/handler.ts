import { cloudDeps } from '../cloud-deps.ts';
import { createFollowupSweepHandler } from './index.ts';

export const handler = createFollowupSweepHandler(cloudDeps());
