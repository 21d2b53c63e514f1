import type { FastifyPluginAsync } from 'fastify';
import type { ErrorBody } from '../../../shared/errors.js';
import type { BotInbox } from '../bot/bot-inbox.js';
import { checkCallbackSignature } from '../channels/dingtalk/callback-signature.js';
import type { Deps } from '../deps.js';

/**
 * POST /dingtalk/callback: robot messages in HTTP mode. Verifies `timestamp` + `sign` (401 for a
 * missing or wrong sign, 403 for a timestamp more than 1 h off) before reading anything, acks at
 * once with an empty reply, and hands the message to the inbox.
 */
export function dingtalkCallbackRoute(deps: Deps, appSecret: string, inbox: BotInbox): FastifyPluginAsync {
  return async (fastify) => {
    // a robot message is a few KB: anything larger is refused before it is read
    fastify.post('/dingtalk/callback', { schema: { hide: true }, bodyLimit: 64 * 1024 }, async (req, reply) => {
      const check = checkCallbackSignature(
        req.headers.timestamp as string | undefined,
        req.headers.sign as string | undefined,
        appSecret,
        deps.clock.now().getTime(),
      );
      if (check === 'missing' || check === 'bad-sign')
        return reply.code(401).send({ code: 'UNAUTHENTICATED', message: '签名校验失败' } satisfies ErrorBody);
      if (check === 'stale')
        return reply
          .code(403)
          .send({ code: 'FORBIDDEN', message: '请求时间戳与服务器时间相差超过1小时' } satisfies ErrorBody);
      inbox.accept(req.body, 'http');
      return { msgtype: 'empty' };
    });
  };
}
