import { SmsSendError } from '../../domain/errors.ts';
import { scrubText } from '../../domain/privacy.ts';
import { addDays, cstDate, cstInstant } from '../../domain/time.ts';

/**
 * How each provider's error codes map onto the dispatcher's two outcomes. Transient: retried by the outbox
 * (claim before send; never by the SDK), a daily cap not before the next day. Permanent: the message is FAILED
 * and the office told. Codes from the providers' published error lists (docs/sms.md, "Error mapping").
 */
export type ErrorClass = 'transient' | 'daily' | 'permanent';

/** Tencent Cloud SMS (API 3.0, SendStatus.Code or the Response.Error.Code). */
export const TENCENT_CODES: Record<string, ErrorClass> = {
  'LimitExceeded.DeliveryFrequencyLimit': 'transient',
  'LimitExceeded.PhoneNumberThirtySecondLimit': 'transient',
  'LimitExceeded.PhoneNumberOneHourLimit': 'transient',
  'LimitExceeded.PhoneNumberDailyLimit': 'daily',
  'LimitExceeded.PhoneNumberSameContentDailyLimit': 'daily',
  'LimitExceeded.AppDailyLimit': 'daily',
  'LimitExceeded.AppMainlandChinaDailyLimit': 'daily',
  'LimitExceeded.DailyLimit': 'daily',
  RequestLimitExceeded: 'transient',
  'FailedOperation.InsufficientBalanceInSmsPackage': 'transient',
  'UnauthorizedOperation.SerivceSuspendDueToArrears': 'transient',
  'InternalError.OtherError': 'transient',
  'InternalError.Timeout': 'transient',
  'InternalError.SendAndRecvFail': 'transient',
  'InternalError.UnknownError': 'transient',
  'InternalError.ParseBackendResponseFail': 'transient',
  'InternalError.RequestTimeException': 'transient',
  'FailedOperation.PhoneNumberInBlacklist': 'permanent',
  'FailedOperation.PhoneNumberParseFail': 'permanent',
  'InvalidParameterValue.IncorrectPhoneNumber': 'permanent',
  'FailedOperation.TemplateIncorrectOrUnapproved': 'permanent',
  'FailedOperation.TemplateUnapprovedOrNotExist': 'permanent',
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': 'permanent',
  'FailedOperation.MissingTemplateList': 'permanent',
  'FailedOperation.SignatureIncorrectOrUnapproved': 'permanent',
  'FailedOperation.ContainSensitiveWord': 'permanent',
  'InvalidParameterValue.TemplateParameterLengthLimit': 'permanent',
  'InvalidParameterValue.TemplateParameterFormatError': 'permanent',
  'InvalidParameterValue.ProhibitedUseUrlInTemplateParameter': 'permanent',
  'InvalidParameterValue.ContentLengthLimit': 'permanent',
  'InvalidParameterValue.SdkAppIdNotExist': 'permanent',
  'UnauthorizedOperation.SmsSdkAppIdVerifyFail': 'permanent',
};

/** Alibaba Cloud SMS (SendSms body Code, or the HTTP error's code). */
export const ALIYUN_CODES: Record<string, ErrorClass> = {
  'isv.BUSINESS_LIMIT_CONTROL': 'transient',
  'isv.DAY_LIMIT_CONTROL': 'daily',
  'isv.AMOUNT_NOT_ENOUGH': 'transient',
  'isv.OUT_OF_SERVICE': 'transient',
  'isp.SYSTEM_ERROR': 'transient',
  'isp.RAM_PERMISSION_DENY': 'transient',
  Throttling: 'transient',
  'Throttling.User': 'transient',
  'Throttling.Api': 'transient',
  ServiceUnavailable: 'transient',
  InternalError: 'transient',
  'isv.MOBILE_NUMBER_ILLEGAL': 'permanent',
  'isv.MOBILE_COUNT_OVER_LIMIT': 'permanent',
  'isv.BLACK_KEY_CONTROL_LIMIT': 'permanent',
  'isv.SMS_TEMPLATE_ILLEGAL': 'permanent',
  'isv.SMS_SIGNATURE_ILLEGAL': 'permanent',
  'isv.SMS_SIGN_ILLEGAL': 'permanent',
  'isv.TEMPLATE_MISSING_PARAMETERS': 'permanent',
  'isv.TEMPLATE_PARAMS_ILLEGAL': 'permanent',
  'isv.INVALID_JSON_PARAM': 'permanent',
  'isv.INVALID_PARAMETERS': 'permanent',
  'isv.PARAM_LENGTH_LIMIT': 'permanent',
  'isv.PARAM_NOT_SUPPORT_URL': 'permanent',
  'isv.SMS_CONTENT_ILLEGAL': 'permanent',
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL': 'permanent',
  'isv.DOMESTIC_NUMBER_NOT_SUPPORTED': 'permanent',
  'isv.ACCOUNT_NOT_EXISTS': 'permanent',
  'isv.ACCOUNT_ABNORMAL': 'permanent',
};

/** Socket errors: no answer came back. A reset or timeout after the request left may hide an accepted send. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/** The next day 00:05 CST: when a provider's daily cap is lifted. */
export function nextCstDay(now: Date): Date {
  return cstInstant(addDays(cstDate(now), 1), '00:05');
}

/**
 * Classifies a provider code. Unknown codes: the 5xx-like families (InternalError, isp.) are transient, the
 * request families (InvalidParameter, FailedOperation, isv., UnauthorizedOperation, AuthFailure) permanent;
 * anything else transient, bounded by `outbox.maxAttempts`.
 */
export function providerError(provider: 'tencent' | 'aliyun', code: string, message: string, now: Date): SmsSendError {
  const table = provider === 'tencent' ? TENCENT_CODES : ALIYUN_CODES;
  let cls = table[code];
  if (!cls) {
    if (/^(InternalError|isp\.)/.test(code)) cls = 'transient';
    else if (/^(InvalidParameter|FailedOperation|isv\.|UnauthorizedOperation|MissingParameter)/.test(code))
      cls = 'permanent';
    else cls = 'transient';
  }
  const text = `${code}: ${scrubText(message)}`;
  if (cls === 'daily') return new SmsSendError(text, 'transient', code, nextCstDay(now));
  return new SmsSendError(text, cls, code);
}

/** An error thrown by an SDK call (no provider answer, or an HTTP-level error with a code). */
export function sdkError(provider: 'tencent' | 'aliyun', error: unknown, now: Date): SmsSendError {
  const e = error as { code?: unknown; name?: string; message?: string; statusCode?: number; httpCode?: number };
  const code = typeof e?.code === 'string' && e.code.length > 0 ? e.code : undefined;
  if (code && !NETWORK_CODES.has(code)) return providerError(provider, code, String(e?.message ?? ''), now);
  const status = e?.statusCode ?? e?.httpCode;
  if (status !== undefined && status >= 400 && status < 500 && status !== 429)
    return new SmsSendError(`HTTP ${status}: ${scrubText(String(e?.message ?? ''))}`, 'permanent', `HTTP${status}`);
  // No answer, a 5xx, 429, or a socket error: retried by the outbox (may duplicate, docs/sms.md).
  return new SmsSendError(
    `${code ?? e?.name ?? 'Error'}: ${scrubText(String(e?.message ?? error))}`,
    'transient',
    code ?? 'NetworkError',
  );
}
