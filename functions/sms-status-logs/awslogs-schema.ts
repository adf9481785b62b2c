import { gunzipSync } from 'node:zlib';
import * as z from 'zod/mini';

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
  logEvents: z.array(logEvent).check(z.minLength(1)),
});

export const awslogsEventSchema = z.object({
  awslogs: z.object({
    data: z.pipe(
      z.base64(),
      z.transform((data, ctx) => {
        try {
          return awslogsPayload.parse(JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')));
        } catch {
          ctx.issues.push({
            code: 'custom',
            message: '无法解压 CloudWatch Logs 数据 / not gzip JSON of a log batch',
            input: data,
          });
          return z.NEVER;
        }
      }),
    ),
  }),
});
