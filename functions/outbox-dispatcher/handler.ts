import { cloudHandler } from '../cloud-handler.ts';
import { snsSms } from '../cloud-sms.ts';
import { createOutboxDispatcherHandler } from './index.ts';

export const handler = cloudHandler(createOutboxDispatcherHandler, { sms: snsSms });
