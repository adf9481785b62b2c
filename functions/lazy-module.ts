/**
 * A module loaded on first use, once per container: in a function asset (the caller's `import.meta.url` ends in
 * `/index.mjs`) the lazy chunk `chunk` beside it (infra/bundling.ts LazyChunk), run from source (tsx, tests) the
 * module `source` itself; both relative to the caller (`base` = its `import.meta.url`). The specifier is computed,
 * so esbuild leaves the import alone instead of pulling the module into the main chunk.
 */
export function lazyModule<T>(base: string, chunk: string, source: string): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= import(new URL(base.endsWith('/index.mjs') ? chunk : source, base).href) as Promise<T>;
    return loaded;
  };
}
