import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type CloudClients, cloudDeps } from './cloud-deps.ts';
import type { Deps } from './deps.ts';

/**
 * The Lambda entry of a function: its `create<Name>Handler(deps)` (the same factory the local host calls) as a middy
 * handler, built once per container, with the Powertools logger's `injectLambdaContext` (request id, cold start and
 * function name on every log line; keys reset between invocations). `clients`: the SDK clients beyond DynamoDB
 * that the function's manifest access names (cloud-deps.ts).
 */
export function cloudHandler<E, R>(
  create: (deps: Deps) => (event: E, context: Context) => Promise<R>,
  clients: CloudClients = {},
) {
  const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME });
  const inner = create(cloudDeps(process.env, logger, clients));
  return middy<E, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(inner);
}
