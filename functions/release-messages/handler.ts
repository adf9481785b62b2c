import { cloudDeps } from '../cloud-deps.ts';
import { createReleaseMessagesHandler } from './index.ts';

export const handler = createReleaseMessagesHandler(cloudDeps());
