import { cloudHandler } from '../cloud-handler.ts';
import { cloudReceipts } from '../cloud-sms.ts';
import { createSmsReceiptsHandler } from './index.ts';

export const handler = cloudHandler(createSmsReceiptsHandler, { receipts: cloudReceipts });
