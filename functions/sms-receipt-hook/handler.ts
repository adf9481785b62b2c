import { cloudHandler } from '../cloud-handler.ts';
import { cloudHookToken } from '../cloud-sms.ts';
import { createSmsReceiptHookHandler } from './index.ts';

export const handler = cloudHandler(createSmsReceiptHookHandler, { hookToken: cloudHookToken });
