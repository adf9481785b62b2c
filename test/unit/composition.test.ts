import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entryOf, functionSpecs } from '../../functions/manifest.ts';
import { factoryName } from '../../local/function-host.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * One composition per function: `functions/<name>/index.ts` builds everything from `deps`, and the cloud entry does
 * nothing but call that factory with the cloud's deps, exactly as the local host calls it with local ones. A reader,
 * port or option added in `handler.ts` only would run in the cloud and be missing locally (or the reverse).
 */
describe('functions: the cloud entry and the local host call the same factory', () => {
  it.each(functionSpecs.map((s) => [s.name, s.access] as const))(
    '%s/handler.ts is `cloudHandler(create…Handler, clients)` with the clients its access names, nothing else',
    (name, access) => {
      const source = readFileSync(`${root}${entryOf(name)}`, 'utf8')
        .replace(/\s+/g, ' ')
        .trim();
      const factory = factoryName(name);
      // Only a function whose manifest access names SNS or Scheduler imports (and so bundles) that SDK client.
      const clients = [
        ...(access.includes('sms') ? [["import { cloudSms } from '../cloud-sms.ts';", 'sms: cloudSms']] : []),
        ...(access.includes('sms-receipts')
          ? [["import { cloudReceipts } from '../cloud-sms.ts';", 'receipts: cloudReceipts']]
          : []),
        ...(access.includes('sms-webhook')
          ? [["import { cloudHookToken } from '../cloud-sms.ts';", 'hookToken: cloudHookToken']]
          : []),
        ...(access.includes('scheduler')
          ? [["import { eventBridgeTimers } from '../cloud-timers.ts';", 'timers: eventBridgeTimers']]
          : []),
      ];
      const imports = clients.map(([i]) => `${i} `).join('');
      const argument = clients.length > 0 ? `, { ${clients.map(([, a]) => a).join(', ')} }` : '';

      // cloudHandler builds the cloud's deps once and wraps the factory's handler in middy (logger context).
      expect(source).toBe(
        `import { cloudHandler } from '../cloud-handler.ts'; ${imports}import { ${factory} } from './index.ts'; ` +
          `export const handler = cloudHandler(${factory}${argument});`,
      );
    },
  );

  it.each(functionSpecs.map((s) => [s.name] as const))(
    '%s/index.ts exports its factory taking deps alone',
    async (name) => {
      const module = (await import(`${root}functions/${name}/index.ts`)) as Record<string, unknown>;
      const factory = module[factoryName(name)];

      expect(typeof factory).toBe('function');
      expect((factory as (...args: unknown[]) => unknown).length).toBe(1);
    },
  );
});
