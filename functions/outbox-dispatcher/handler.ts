import { cloudDeps } from '../cloud-deps.ts';
import { createOutboxDispatcherHandler } from './index.ts';

export const handler = createOutboxDispatcherHandler(cloudDeps());
