import { cloudHandler } from '../cloud-handler.ts';
import { createReleaseMessagesHandler } from './index.ts';

export const handler = cloudHandler(createReleaseMessagesHandler);
