import { ChannelError } from '../channel.js';
import { oapiError } from './errors.js';
import type { RateLimiter } from '../shared/rate-limiter.js';
import { withRetry, type RetryPolicy } from '../shared/retry.js';
import type { TokenCache } from '../shared/token-cache.js';

/**
 * A small typed client for the old API (oapi.dingtalk.com /topapi …), which the official SDK does
 * not cover: JSON body, ?access_token=, errcode mapping, rate limiting and retries.
 */
export class OapiClient {
  constructor(
    private readonly base: string,
    private readonly tokens: TokenCache,
    private readonly limiter: RateLimiter,
    private readonly retry: RetryPolicy,
    private readonly timeoutMs: number,
  ) {}

  async call<T extends Record<string, unknown>>(api: string, path: string, body: unknown): Promise<T> {
    let used: string | undefined;
    return withRetry(
      async () => {
        await this.limiter.acquire(api);
        used = await this.tokens.get();
        const url = `${this.base}${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(used)}`;
        let res: Response;
        try {
          res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(this.timeoutMs),
          });
        } catch (error) {
          throw new ChannelError('NETWORK', `无法连接钉钉:${(error as Error).message}`, true, { cause: error });
        }
        return parseOapi<T>(res);
      },
      this.retry,
      (error) => {
        if (error.code === 'TOKEN_INVALID') this.tokens.invalidate(used);
      },
    );
  }
}

/** Reads an old-API response: HTML means blocked, 5xx is retryable, errcode ≠ 0 is mapped. */
export async function parseOapi<T extends Record<string, unknown>>(res: Response): Promise<T> {
  const text = await res.text();
  if (/^\s*</.test(text) || (res.headers.get('content-type') ?? '').includes('text/html')) {
    throw new ChannelError('BLOCKED', '钉钉返回了拦截页面(可能触发了IP限流),稍后重试', true);
  }
  if (res.status >= 500) throw new ChannelError('HTTP_5XX', `钉钉服务端错误 HTTP ${res.status}`, true);
  let json: { errcode?: number } & Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ChannelError('BAD_RESPONSE', `钉钉返回了无法解析的内容(HTTP ${res.status})`, true, { cause: error });
  }
  if (json.errcode !== 0) throw oapiError(json);
  return json as T;
}
