import { gzipSync } from 'node:zlib';

/** What a CloudWatch Logs subscription delivers to Lambda: `awslogs.data`, the gzip'd JSON in base64. */
export interface AwslogsEvent {
  awslogs: { data: string };
}

/**
 * A CloudWatch Logs subscription event as Lambda receives it (DATA_MESSAGE; AWS's documented shape, the one
 * Powertools' CloudWatchLogsSchema decodes), for the local runtime and tests.
 */
export function awslogsEvent(input: {
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilter: string;
  events: { id: string; timestamp: number; message: string }[];
}): AwslogsEvent {
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: input.owner,
    logGroup: input.logGroup,
    logStream: input.logStream,
    subscriptionFilters: [input.subscriptionFilter],
    logEvents: input.events,
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}
