import { defineConfig } from 'vitest/config';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * unit, integration and infra run their files in one reused worker without a fresh module graph per file
 * (`isolate: false`): on two cores the per-file re-import of the AWS SDK, CDK and zod cost more than the tests
 * themselves (unit: import 38 s of a 100 s run, 5 s without isolation). Their files share no module state: each
 * integration file makes its own tables (test/support/dynamo.ts), env stubs are undone (`vi.unstubAllEnvs`), and
 * no file mocks a module (`vi.mock` would leak into the next file: give such a file a project with isolation). e2e
 * stays isolated: its files start runtimes, servers and browsers.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', isolate: false } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // A DynamoDB Local per file (they run one after another): the runtime's streamed table slows a shared JVM
          // down file after file (test/support/dynamodb-per-file.ts).
          globalSetup: ['test/support/browser-global-setup.ts'],
          setupFiles: ['test/support/dynamodb-per-file.ts'],
          // The browser waits for the local API: on a loaded two-core machine a POST can take longer than the 1 s default.
          expect: { poll: { timeout: 15_000 } },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
