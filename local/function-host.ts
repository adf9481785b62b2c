import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { Deps } from '../functions/deps.ts';
import type { FunctionSpec } from '../functions/manifest.ts';

/** A Lambda handler as the factories return it (middy-wrapped or plain). */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const functionsDir = fileURLToPath(new URL('../functions/', import.meta.url));

/** `outbox-dispatcher` → `createOutboxDispatcherHandler`. */
export function factoryName(functionName: string): string {
  const pascal = functionName
    .split(/[-_]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return `create${pascal}Handler`;
}

/** Imports `functions/<name>/index.ts` and builds its handler with `create<Name>Handler(deps)`. */
export async function loadHandler(spec: FunctionSpec, deps: Deps): Promise<LambdaHandler> {
  const file = `${functionsDir}${spec.name}/index.ts`;
  if (!existsSync(file)) throw new Error(`function "${spec.name}" is in the manifest but ${file} does not exist`);
  process.env.AWS_LAMBDA_FUNCTION_NAME ??= 'baoxue-local'; // Powertools idempotency reads it at load
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const wanted = factoryName(spec.name);
  const factory =
    module[wanted] ??
    Object.entries(module).find(([k, v]) => /^create\w+Handler$/.test(k) && typeof v === 'function')?.[1];
  if (typeof factory !== 'function') throw new Error(`functions/${spec.name}/index.ts does not export ${wanted}(deps)`);
  return factory(deps) as LambdaHandler;
}

/** A Lambda context for a local invocation; the remaining time counts down from the spec's timeout. */
export function lambdaContext(spec: FunctionSpec, region: string): Context {
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: spec.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${spec.name}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${spec.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Invokes a handler like Lambda would: a fresh context per call and the spec's timeout enforced. */
export async function invokeWithTimeout(
  spec: FunctionSpec,
  handler: LambdaHandler,
  event: unknown,
  region: string,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${spec.timeoutSeconds} seconds (${spec.name})`)),
      spec.timeoutSeconds * 1000,
    );
  });
  try {
    return await Promise.race([handler(event, lambdaContext(spec, region)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
