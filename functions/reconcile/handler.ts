import { cloudHandler } from '../cloud-handler.ts';
import { createReconcileHandler } from './index.ts';

export const handler = cloudHandler(createReconcileHandler);
