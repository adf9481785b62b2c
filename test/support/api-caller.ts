import { createApiHandler } from '../../functions/api/index.ts';
import { apiEvent, apiWorld } from './api-world.ts';
import { freshTable } from './dynamo.ts';

/**
 * A fresh table with the API test directory, the API handler on it, `call` (status + parsed body) and `raw`. Integration
 * tests only (DynamoDB Local). The clock starts Tuesday 2026-03-10 10:00 CST unless told otherwise.
 */
export async function apiCallerWorld(prefix: string, startIso?: string) {
  const { doc, tableName } = await freshTable(prefix);
  const world = await apiWorld(doc, tableName, startIso);
  const handler = createApiHandler(world.deps);
  const call = async (input: Parameters<typeof apiEvent>[0]) => {
    const res = await handler(apiEvent(input));
    return { status: res.statusCode, body: JSON.parse(res.body ?? '{}') };
  };
  /** The reply as the client reads it: status and text (a base64 file decoded; exports are CSV, not JSON). */
  const raw = async (input: Parameters<typeof apiEvent>[0]) => {
    const res = await handler(apiEvent(input));
    const text = res.isBase64Encoded ? Buffer.from(res.body ?? '', 'base64').toString() : (res.body ?? '');
    return { status: res.statusCode, text };
  };
  return { ...world, doc, tableName, call, raw };
}
