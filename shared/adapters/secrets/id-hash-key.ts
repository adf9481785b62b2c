import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { IdHashKey } from '../../domain/roll.ts';

/** At least 32 bytes of key (HMAC-SHA256's block-size guidance: 256 bits of secret). */
const MIN_KEY_BYTES = 32;

function decodeKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]+$/i.test(t) && t.length % 2 === 0 ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length < MIN_KEY_BYTES) throw new Error(`${where}：身份证号摘要密钥太短（至少 ${MIN_KEY_BYTES} 字节）`);
  return key;
}

/**
 * Locally: a key file (hex) under the runtime's data folder, created with 32 random bytes and mode 0600 the first
 * time. Losing it means yesterday's hashes no longer match today's: keep it with the table's data.
 */
export class FileIdHashKey implements IdHashKey {
  private cached?: Buffer;
  constructor(private readonly path: string) {}

  async key(): Promise<Buffer> {
    if (this.cached) return this.cached;
    if (!existsSync(this.path)) {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(this.path, `${randomBytes(MIN_KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    }
    chmodSync(this.path, 0o600);
    this.cached = decodeKey(readFileSync(this.path, 'utf8'), this.path);
    return this.cached;
  }
}

/**
 * In the cloud: an SSM SecureString parameter per stage (e.g. `/baoxue/prod/roll-id-key`, KMS-encrypted), read
 * once per process with decryption. Secrets Manager works the same way through SSM's
 * `/aws/reference/secretsmanager/<secret>` parameter path, so either store can hold the key.
 */
export class SsmIdHashKey implements IdHashKey {
  private cached?: Promise<Buffer>;
  constructor(
    private readonly client: SSMClient,
    private readonly name: string,
  ) {}

  static create(name: string, region?: string): SsmIdHashKey {
    return new SsmIdHashKey(new SSMClient(region ? { region } : {}), name);
  }

  key(): Promise<Buffer> {
    this.cached ??= this.client.send(new GetParameterCommand({ Name: this.name, WithDecryption: true })).then((out) => {
      const value = out.Parameter?.Value;
      if (!value) throw new Error(`参数 ${this.name} 没有值`);
      return decodeKey(value, this.name);
    });
    return this.cached;
  }
}
