import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommandError, connectToRuntime } from '../../local/commands/runtime-target.ts';

describe('CLI target: a deployed stage with --endpoint aws', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('needs the table name of the stage', () => {
    vi.stubEnv('AWS_REGION', 'ap-east-1');

    expect(() => connectToRuntime({ endpoint: 'aws' })).toThrow(CommandError);
    expect(() => connectToRuntime({ endpoint: 'aws' })).toThrow(/--table/);
  });

  it('needs a region', () => {
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', '');

    expect(() => connectToRuntime({ endpoint: 'aws', table: 'baoxue-dev-Table' })).toThrow(/AWS_REGION/);
  });

  it('uses the named table in that region on the real clock, without reading the local runtime file', async () => {
    vi.stubEnv('AWS_REGION', 'ap-east-1');
    const before = Date.now();

    const target = connectToRuntime({ endpoint: 'aws', table: 'baoxue-dev-Table', stateDir: '/nonexistent' });

    expect(target.tableName).toBe('baoxue-dev-Table');
    expect(await target.doc.config.region()).toBe('ap-east-1');
    expect(target.clock.now().getTime()).toBeGreaterThanOrEqual(before);
    expect(target.info).toBeUndefined();
  });
});

describe('CLI target: listing commands that scan', () => {
  it('refuses a deployed stage, pointing to the console', () => {
    vi.stubEnv('AWS_REGION', 'ap-east-1');

    expect(() => connectToRuntime({ endpoint: 'aws', table: 'baoxue-dev-Table' }, { scan: true })).toThrow(
      /网页控制台/,
    );
    vi.unstubAllEnvs();
  });
});
