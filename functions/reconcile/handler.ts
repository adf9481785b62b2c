import { cloudDeps } from '../cloud-deps.ts';
import { createReconcileHandler } from './index.ts';

export const handler = createReconcileHandler(cloudDeps());
