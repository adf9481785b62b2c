import { cloudDeps } from '../cloud-deps.ts';
import { createCaseReactorHandler } from './index.ts';

export const handler = createCaseReactorHandler(cloudDeps());
