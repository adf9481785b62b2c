/** Stand-in handler for infra tests: bundling is skipped, the file only has to exist. */
export const handler = async () => ({ ok: true });
