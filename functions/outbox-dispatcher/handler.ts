import { cloudHandler } from '../cloud-handler.ts';
import { cloudSms } from '../cloud-sms.ts';
import { createOutboxDispatcherHandler } from './index.ts';

export const handler = cloudHandler(createOutboxDispatcherHandler, { sms: cloudSms });
