import { cloudHandler } from '../cloud-handler.ts';
import { eventBridgeTimers } from '../cloud-timers.ts';
import { createReconcileHandler } from './index.ts';

export const handler = cloudHandler(createReconcileHandler, { timers: eventBridgeTimers });
