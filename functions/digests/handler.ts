import { cloudHandler } from '../cloud-handler.ts';
import { createDigestsHandler } from './index.ts';

export const handler = cloudHandler(createDigestsHandler);
