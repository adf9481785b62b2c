import { cloudHandler } from '../cloud-handler.ts';
import { createCaseReactorHandler } from './index.ts';

export const handler = cloudHandler(createCaseReactorHandler);
