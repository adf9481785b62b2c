import { cloudHandler } from '../cloud-handler.ts';
import { eventBridgeTimers } from '../cloud-timers.ts';
import { createCaseReactorHandler } from './index.ts';

export const handler = cloudHandler(createCaseReactorHandler, { timers: eventBridgeTimers });
