import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a template provider's HTTP API, so `npm start -- --sms tencent|aliyun` runs the real
 * SDK and adapter without an account. Same request shape as the provider (Tencent API 3.0 JSON with
 * X-TC-Action; Alibaba RPC parameters in the query with x-acs-action), the signature checked with the local
 * secret (TC3-HMAC-SHA256; ACS3-HMAC-SHA256, what the Alibaba SDK signs with by default), the approved
 * template codes and parameter counts checked, and a delivery receipt produced for every accepted message.
 */
export type FakeProviderKind = 'tencent' | 'aliyun';

/** One accepted send as the fake saw it. */
export interface FakeSend {
  action: string;
  /** Tencent: the JSON body; Alibaba: the query parameters. */
  params: Record<string, unknown>;
  serialNo: string;
  phone: string;
  /** Our message id as the provider echoes it (SessionContext / OutId). */
  ourId: string;
}

/** A receipt in the provider's own shape (Tencent PullSmsSendStatus entry, Alibaba SmsReport entry). */
export type FakeReceipt = Record<string, unknown>;

export interface ProviderFakeOptions {
  kind: FakeProviderKind;
  /** The local credential pair the fake verifies signatures with. */
  keyId: string;
  keySecret: string;
  /** Approved template code → number of parameters (Tencent: positional count; Alibaba: names). */
  templates: Record<string, string[]>;
  /** Numbers (E.164) the fake refuses as blacklisted, and numbers whose receipt says undelivered. */
  blacklisted?: Set<string>;
  undeliverable?: Set<string>;
  /** Virtual time for receipts (default: real time). */
  now?: () => Date;
}

const sha256hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** RFC 3986 encoding as the Alibaba SDK canonicalises query parameters. */
const acsEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Verifies a TC3-HMAC-SHA256 Authorization header against the request (Tencent's documented algorithm). */
export function verifyTc3(input: {
  authorization: string;
  timestamp: string;
  host: string;
  contentType: string;
  body: Buffer;
  keyId: string;
  keySecret: string;
}): boolean {
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      input.authorization,
    );
  if (!m) return false;
  const [, keyId, date, service, signedHeaders, signature] = m;
  if (keyId !== input.keyId || signedHeaders !== 'content-type;host') return false;
  const canonical = [
    'POST',
    '/',
    '',
    `content-type:${input.contentType}\nhost:${input.host}\n`,
    signedHeaders,
    sha256hex(input.body),
  ].join('\n');
  const stringToSign = [
    'TC3-HMAC-SHA256',
    input.timestamp,
    `${date}/${service}/tc3_request`,
    sha256hex(canonical),
  ].join('\n');
  const kDate = hmac(`TC3${input.keySecret}`, date!);
  const kService = hmac(kDate, service!);
  const kSigning = hmac(kService, 'tc3_request');
  const expected = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  return safeEqual(expected, signature!);
}

/** Verifies an ACS3-HMAC-SHA256 Authorization header (Alibaba Cloud's V3 signature). */
export function verifyAcs3(input: {
  authorization: string;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  keyId: string;
  keySecret: string;
}): boolean {
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
    input.authorization,
  );
  if (!m) return false;
  const [, keyId, signedHeaders, signature] = m;
  if (keyId !== input.keyId) return false;
  const payloadHash = String(input.headers['x-acs-content-sha256'] ?? '');
  if (payloadHash !== sha256hex(input.body)) return false;
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('x-acs-date') || !names.includes('x-acs-signature-nonce'))
    return false;
  const canonicalHeaders = names.map((n) => `${n}:${String(input.headers[n] ?? '').trim()}\n`).join('');
  const keys = [...new Set(input.query.keys())].sort();
  const canonicalQuery = keys.map((k) => `${k}=${acsEncode(input.query.get(k) ?? '')}`).join('&');
  const canonical = [input.method, input.path, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256hex(canonical)}`;
  const expected = createHmac('sha256', input.keySecret).update(stringToSign).digest('hex');
  return safeEqual(expected, signature!);
}

const pad = (n: number) => String(n).padStart(2, '0');
/** `2023-02-20 10:00:05` in CST, as both providers write receipt times. */
function cstStamp(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3_600_000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** A running fake: its endpoint (host:port), what it accepted, and the receipts it holds. */
export class ProviderFake {
  readonly sends: FakeSend[] = [];
  /** Requests refused for a bad signature (counted, so a test can prove the check runs). */
  rejectedSignatures = 0;
  /** Every HTTP request received (proves the SDK does not retry on its own). */
  requests = 0;
  /** Receipts not yet pulled (Tencent) or pushed (Alibaba). */
  private pending: FakeReceipt[] = [];
  /** Codes to answer the next sends with, in order (e.g. LimitExceeded.DeliveryFrequencyLimit). */
  private readonly faults: string[] = [];
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly options: ProviderFakeOptions,
  ) {}

  static async start(options: ProviderFakeOptions): Promise<ProviderFake> {
    let fake: ProviderFake | undefined;
    const server = createServer((req, res) => {
      fake!.handle(req).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        (error: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ Code: 'InternalError', Message: error.message }));
        },
      );
    });
    fake = new ProviderFake(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** `127.0.0.1:port`: the SDK's endpoint (with protocol http). */
  get endpoint(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next sends answer these provider codes instead of success. */
  failNext(...codes: string[]): void {
    this.faults.push(...codes);
  }

  /** Takes the receipts produced so far (what PullSmsSendStatus returns, or an SmsReport callback carries). */
  takeReceipts(limit = 100): FakeReceipt[] {
    return this.pending.splice(0, limit);
  }

  /** Alibaba SmsReport / Tencent callback: POSTs the pending receipts as a JSON array to `url`. */
  async pushReceipts(url: string, headers: Record<string, string> = {}): Promise<{ status: number; count: number }> {
    const receipts = this.takeReceipts();
    if (receipts.length === 0) return { status: 204, count: 0 };
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(receipts),
    });
    return { status: res.status, count: receipts.length };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const body = await readBody(req);
    this.requests++;
    // `failNext('HTTP500')`: the provider answers a server error (what a retrying SDK would resend).
    if (this.faults[0] === 'HTTP500') {
      this.faults.shift();
      return { status: 500, body: { Code: 'InternalError', Message: 'fake server error' } };
    }
    return this.options.kind === 'tencent' ? this.tencent(req, body) : this.aliyun(req, body);
  }

  private tencent(req: IncomingMessage, body: Buffer): { status: number; body: unknown } {
    const requestId = randomUUID();
    const error = (Code: string, Message: string) => ({
      status: 200,
      body: { Response: { Error: { Code, Message }, RequestId: requestId } },
    });
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    const ok = verifyTc3({
      authorization: String(req.headers.authorization ?? ''),
      timestamp: String(req.headers['x-tc-timestamp'] ?? ''),
      host,
      contentType: String(req.headers['content-type'] ?? ''),
      body,
      keyId: this.options.keyId,
      keySecret: this.options.keySecret,
    });
    if (!ok) {
      this.rejectedSignatures++;
      return error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
    }
    if (req.headers['x-tc-version'] !== '2021-01-11') return error('InvalidParameter', 'unsupported X-TC-Version');
    const action = String(req.headers['x-tc-action'] ?? '');
    const params = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    if (action === 'PullSmsSendStatus') {
      const limit = Number(params.Limit ?? 100);
      return {
        status: 200,
        body: { Response: { PullSmsSendStatusSet: this.takeReceipts(limit), RequestId: requestId } },
      };
    }
    if (action !== 'SendSms') return error('UnsupportedOperation.', `action ${action} not faked`);
    const phones = (params.PhoneNumberSet as string[] | undefined) ?? [];
    const expected = this.options.templates[String(params.TemplateId)];
    const paramSet = (params.TemplateParamSet as string[] | undefined) ?? [];
    const statusFor = (phone: string) => {
      const fault = this.faults.shift();
      const base = { PhoneNumber: phone, SessionContext: String(params.SessionContext ?? ''), IsoCode: 'CN' };
      if (fault) return { ...base, SerialNo: '', Fee: 0, Code: fault, Message: 'fake fault' };
      if (!expected)
        return {
          ...base,
          SerialNo: '',
          Fee: 0,
          Code: 'FailedOperation.TemplateIncorrectOrUnapproved',
          Message: 'template not approved',
        };
      if (paramSet.length !== expected.length)
        return {
          ...base,
          SerialNo: '',
          Fee: 0,
          Code: 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate',
          Message: 'param count',
        };
      if (this.options.blacklisted?.has(phone))
        return {
          ...base,
          SerialNo: '',
          Fee: 0,
          Code: 'FailedOperation.PhoneNumberInBlacklist',
          Message: 'blacklisted',
        };
      const serialNo = `fake-tc-${String(++this.counter).padStart(6, '0')}`;
      this.sends.push({ action, params, serialNo, phone, ourId: base.SessionContext });
      const delivered = !this.options.undeliverable?.has(phone);
      this.pending.push({
        UserReceiveTime: Math.floor(this.now().getTime() / 1000),
        CountryCode: '86',
        SubscriberNumber: phone.replace(/^\+86/, ''),
        PhoneNumber: phone,
        SerialNo: serialNo,
        ReportStatus: delivered ? 'SUCCESS' : 'FAIL',
        Description: delivered ? 'DELIVRD' : 'UNDELIV',
        SessionContext: base.SessionContext,
      });
      return { ...base, SerialNo: serialNo, Fee: 1, Code: 'Ok', Message: 'send success' };
    };
    return { status: 200, body: { Response: { SendStatusSet: phones.map(statusFor), RequestId: requestId } } };
  }

  private aliyun(req: IncomingMessage, body: Buffer): { status: number; body: unknown } {
    const RequestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://fake');
    const ok = verifyAcs3({
      authorization: String(req.headers.authorization ?? ''),
      method: req.method ?? 'POST',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      keyId: this.options.keyId,
      keySecret: this.options.keySecret,
    });
    if (!ok) {
      this.rejectedSignatures++;
      return {
        status: 400,
        body: {
          Code: 'SignatureDoesNotMatch',
          Message: 'Specified signature does not match our calculation.',
          RequestId,
        },
      };
    }
    const action = String(req.headers['x-acs-action'] ?? '');
    if (req.headers['x-acs-version'] !== '2017-05-25' || action !== 'SendSms')
      return { status: 404, body: { Code: 'InvalidAction.NotFound', Message: `${action} not faked`, RequestId } };
    const params = Object.fromEntries(url.searchParams.entries());
    const answer = (Code: string, Message: string) => ({ status: 200, body: { Code, Message, RequestId } });
    const fault = this.faults.shift();
    if (fault) return answer(fault, 'fake fault');
    const expected = this.options.templates[params.TemplateCode ?? ''];
    if (!expected) return answer('isv.SMS_TEMPLATE_ILLEGAL', '模板不合法(不存在或被拉黑)');
    let values: Record<string, unknown>;
    try {
      values = JSON.parse(params.TemplateParam ?? '{}') as Record<string, unknown>;
    } catch {
      return answer('isv.INVALID_JSON_PARAM', 'JSON参数不合法');
    }
    if (expected.some((name) => typeof values[name] !== 'string'))
      return answer('isv.TEMPLATE_MISSING_PARAMETERS', '模板缺少变量');
    const phone = `+86${params.PhoneNumbers}`;
    if (!/^1[3-9]\d{9}$/.test(params.PhoneNumbers ?? '')) return answer('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    if (this.options.blacklisted?.has(phone)) return answer('isv.BLACK_KEY_CONTROL_LIMIT', '黑名单管控');
    const bizId = `fake-ali-${String(++this.counter).padStart(6, '0')}`;
    this.sends.push({ action, params, serialNo: bizId, phone, ourId: params.OutId ?? '' });
    const delivered = !this.options.undeliverable?.has(phone);
    const at = cstStamp(this.now());
    this.pending.push({
      phone_number: params.PhoneNumbers,
      send_time: at,
      report_time: at,
      success: delivered,
      err_code: delivered ? 'DELIVERED' : 'MK:0001',
      err_msg: delivered ? '用户接收成功' : '用户无法接收',
      sms_size: '1',
      biz_id: bizId,
      out_id: params.OutId ?? '',
    });
    return { status: 200, body: { Code: 'OK', Message: 'OK', BizId: bizId, RequestId } };
  }
}
