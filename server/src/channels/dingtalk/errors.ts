import { ChannelError } from '../channel.js';

/** Old-API (errcode) failures → ChannelError. */
export function oapiError(body: { errcode?: number; errmsg?: string; sub_code?: string }): ChannelError {
  const code = body.errcode ?? -1;
  const msg = body.errmsg ?? '';
  if (code === 88 || code === 40014 || code === 42001 || code === 40001)
    return new ChannelError('TOKEN_INVALID', `access_token 无效或过期:${msg}`, true);
  if (code === 90018) return new ChannelError('RATE_LIMITED', `调用频率超限(90018):${msg}`, true);
  if (code === 90002) return new ChannelError('GLOBAL_RATE_LIMITED', `接口全局限流(90002):${msg}`, true);
  if (code === -1) return new ChannelError('BUSY', `钉钉系统繁忙:${msg}`, true);
  if (code === 90020) return new ChannelError('QUOTA_EXCEEDED', `本月调用量已用完(90020):${msg}`, false);
  if (code === 40078) return new ChannelError('AUTH_CODE_INVALID', '免登授权码无效或已使用,请重新打开应用', false);
  return new ChannelError(`DT_${code}`, `钉钉返回错误 ${code}:${msg}`, false);
}

interface TeaError {
  code?: string;
  statusCode?: number;
  message?: string;
  data?: Record<string, unknown>;
}

/** New-API (SDK) failures → ChannelError. */
export function apiError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const e = (error ?? {}) as TeaError;
  const status = e.statusCode ?? (typeof e.data?.statusCode === 'number' ? e.data.statusCode : undefined);
  const code = e.code ?? '';
  const message = e.message ?? String(error);
  if (code === 'InvalidAuthentication' || code === 'AuthenticationFailed.MissingParameter')
    return new ChannelError('TOKEN_INVALID', message, true, { cause: error });
  if (/QpsLimit|QpmLimit/.test(code)) return new ChannelError('RATE_LIMITED', message, true, { cause: error });
  if (status !== undefined && status >= 500) return new ChannelError('HTTP_5XX', message, true, { cause: error });
  if (/Unexpected token|not valid JSON|<html|<!DOCTYPE/i.test(message))
    return new ChannelError('BLOCKED', '钉钉返回了非JSON页面(可能触发了IP限流)', true, { cause: error });
  if (/ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|socket hang up|timeout/i.test(`${code} ${message}`))
    return new ChannelError('NETWORK', message, true, { cause: error });
  return new ChannelError(code ? `DT_${code}` : 'UNKNOWN', message, false, { cause: error });
}
