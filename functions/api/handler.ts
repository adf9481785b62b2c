import { cloudHandler } from '../cloud-handler.ts';
import { createApiHandler } from './index.ts';

export const handler = cloudHandler(createApiHandler);
