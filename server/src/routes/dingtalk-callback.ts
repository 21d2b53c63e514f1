import { HTTP_STATUS } from '../http/status.js';
import type { FastifyPluginAsync } from 'fastify';
import type { ErrorBody } from '../../../shared/errors.js';
import type { PayloadSink } from '../channels/bot-event.js';
import { MsgIdDeduper } from '../bot/inbound-dedupe.js';
import { checkCallbackSignature } from '../channels/dingtalk/callback-signature.js';
import type { Deps } from '../deps.js';

/**
 * How far a callback's timestamp may be from the real time. DingTalk allows an hour; it signs each
 * delivery as it sends it, so a genuine message is seconds old — and the body is not signed, so
 * a captured (timestamp, sign) pair must not carry a forged body for long.
 */
export const CALLBACK_WINDOW_MS = 5 * 60_000;

/**
 * POST /dingtalk/callback: robot messages in HTTP mode. Verifies `timestamp` + `sign` against the
 * real time (401 for a missing or wrong sign, 403 for a timestamp more than 5 minutes off) before
 * reading anything, acks at once with an empty reply, and hands the message to the inbox. A
 * signature is used once: another body under the same (timestamp, sign) — a replay with a forged
 * body — is acked and dropped, on every instance (store.claimOnce).
 */
export function dingtalkCallbackRoute(
  deps: Deps,
  appSecret: string,
  inbox: PayloadSink,
  realNow: () => number = Date.now,
): FastifyPluginAsync {
  const signs = new MsgIdDeduper(20_000, 2 * CALLBACK_WINDOW_MS, realNow);
  return async (fastify) => {
    // a robot message is a few KB: anything larger is refused before it is read
    fastify.post('/dingtalk/callback', { schema: { hide: true }, bodyLimit: 64 * 1024 }, async (req, reply) => {
      const timestamp = req.headers.timestamp as string | undefined;
      const sign = req.headers.sign as string | undefined;
      const check = checkCallbackSignature(timestamp, sign, appSecret, realNow(), CALLBACK_WINDOW_MS);
      if (check === 'missing' || check === 'bad-sign')
        return reply
          .code(HTTP_STATUS.UNAUTHENTICATED)
          .send({ code: 'UNAUTHENTICATED', message: '签名校验失败' } satisfies ErrorBody);
      if (check === 'stale')
        return reply
          .code(HTTP_STATUS.FORBIDDEN)
          .send({ code: 'FORBIDDEN', message: '请求时间戳与服务器时间相差超过5分钟' } satisfies ErrorBody);
      const once = `sign:${timestamp}:${sign}`;
      const fresh = signs.first(once) && (deps.store.claimOnce ? await deps.store.claimOnce(once) : true);
      if (!fresh) {
        req.log.warn({ timestamp }, 'robot callback signature used again: dropped');
        return { msgtype: 'empty' };
      }
      inbox.accept(req.body, 'http');
      return { msgtype: 'empty' };
    });
  };
}
