import { gunzipSync } from 'node:zlib';
import * as z from 'zod';

/**
 * The CloudWatch Logs subscription event Lambda receives: `awslogs.data`, base64 of gzip'd JSON (AWS's documented
 * DATA_MESSAGE shape). The same checks as Powertools' `CloudWatchLogsSchema` (`@aws-lambda-powertools/parser/
 * schemas/cloudwatch`; test/unit/sms-status-logs.test.ts holds them to the same result), written here because that
 * module imports zod as `{ z }`, which keeps every zod locale in the bundle (+300 KB, past the function's ceiling).
 */
const logEvent = z.object({ id: z.string(), timestamp: z.number(), message: z.string() });
export const awslogsPayload = z.object({
  messageType: z.string(),
  owner: z.string(),
  logGroup: z.string(),
  logStream: z.string(),
  subscriptionFilters: z.array(z.string()),
  logEvents: z.array(logEvent).nonempty(),
});

export const awslogsEventSchema = z.object({
  awslogs: z.object({
    data: z.base64().transform((data, ctx) => {
      try {
        return awslogsPayload.parse(JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')));
      } catch {
        ctx.addIssue({ code: 'custom', message: '无法解压 CloudWatch Logs 数据 / not gzip JSON of a log batch' });
        return z.NEVER;
      }
    }),
  }),
});
