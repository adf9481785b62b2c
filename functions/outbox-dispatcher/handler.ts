import { cloudHandler } from '../cloud-handler.ts';
import { createOutboxDispatcherHandler } from './index.ts';

export const handler = cloudHandler(createOutboxDispatcherHandler);
