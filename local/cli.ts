import { runCli } from './cli-program.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The operator CLI: `npm run cli -- <command>` (local/cli-program.ts). */
await runCli(process.argv.slice(2));
