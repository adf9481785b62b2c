import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A small JSON state kept in a file (or only in memory when `path` is undefined), written atomically
 * (temp file + rename) so a crash mid-write never leaves half a file behind.
 */
export class JsonState<T> {
  private value: T;

  constructor(
    private readonly path: string | undefined,
    initial: () => T,
    what: string,
  ) {
    this.value = initial();
    if (!path) return;
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === undefined) return;
    try {
      this.value = JSON.parse(text) as T;
    } catch {
      throw new CorruptStateError(path, what);
    }
  }

  get(): T {
    return this.value;
  }

  /** Replaces the state and writes it through. */
  set(next: T): void {
    this.value = next;
    this.flush();
  }

  /** Changes the state in place and writes it through. */
  update(change: (value: T) => void): void {
    change(this.value);
    this.flush();
  }

  private flush(): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.value, null, 2)}\n`);
    renameSync(tmp, this.path);
  }
}

/** A state file that is not valid JSON: the operator decides (repair or delete), we never guess. */
export class CorruptStateError extends Error {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(
      `本地数据已损坏：${path}（${what}）不是有效的 JSON。请修复或删除该文件后重试。\n` +
        `Local state is corrupt: ${path} (${what}) is not valid JSON. Repair or delete it and start again.`,
    );
    this.name = 'CorruptStateError';
  }
}

/** Appends one JSON line to a file (the SMS outbox, the on-failure logs). */
export function appendJsonLine(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value)}\n`, { flag: 'a' });
}
