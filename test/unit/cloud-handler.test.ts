import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cloudHandler } from '../../functions/cloud-handler.ts';

const config = readFileSync(new URL('../../config/lipu.json', import.meta.url), 'utf8');

const context = (requestId: string) =>
  ({
    functionName: 'baoxue-dev-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:baoxue-dev-api',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('cloudHandler (the Lambda entry of every function)', () => {
  it('is a middy handler whose log lines carry the invocation (injectLambdaContext), redacted', async () => {
    vi.stubEnv('TABLE_NAME', 'baoxue-test');
    vi.stubEnv('APP_CONFIG', config);
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'api');
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const handler = cloudHandler((deps) => async (event: { phone: string }) => {
      deps.log.info('handled', { phone: event.phone });
      return deps.tableName;
    });

    expect(typeof handler.use).toBe('function');
    expect(await handler({ phone: '+8613800001234' }, context('req-1'))).toBe('baoxue-test');

    const line = JSON.parse(lines.find((l) => l.includes('"handled"')) ?? '{}');
    expect(line).toMatchObject({ message: 'handled', function_request_id: 'req-1', function_name: 'baoxue-dev-api' });
    expect(JSON.stringify(line)).not.toContain('13800001234');
  });
});
