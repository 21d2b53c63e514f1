import type { FastifyInstance } from 'fastify';
import type { EmulatorState } from '../state.js';
import type { StreamGateway } from '../stream-gateway.js';
import { apiFail, origin, route } from '../wire.js';

/** Stream mode: the open-connection call and the WebSocket endpoint it points to. */
export function streamRoutes(f: FastifyInstance, state: EmulatorState, gateway: StreamGateway): void {
  route(
    f,
    state,
    {
      method: 'POST',
      url: '/v1.0/gateway/connections/open',
      api: 'gateway.connections.open',
      style: 'api',
      auth: false,
    },
    ({ body }, req) => {
      const app = state.app(typeof body.clientId === 'string' ? body.clientId : undefined);
      if (!app || app.appSecret !== body.clientSecret)
        throw apiFail(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
      const subscriptions = Array.isArray(body.subscriptions)
        ? (body.subscriptions as Array<{ type?: unknown; topic?: unknown }>)
            .filter((s) => typeof s.type === 'string' && typeof s.topic === 'string')
            .map((s) => ({ type: String(s.type), topic: String(s.topic) }))
        : [];
      if (subscriptions.length === 0) throw apiFail(400, 'invalidParameter.subscriptions', 'subscriptions 不能为空');
      return {
        endpoint: `${origin(req).replace(/^http/, 'ws')}/connect`,
        ticket: gateway.openTicket(app.appKey, subscriptions),
      };
    },
  );

  f.get(
    '/connect',
    {
      websocket: true,
      preValidation: async (req, reply) => {
        const ticket = (req.query as Record<string, string | undefined>).ticket;
        const grant = gateway.useTicket(ticket);
        if (!grant) return reply.code(401).send({ code: 'InvalidTicket', message: 'ticket 无效、已使用或已过期' });
        (req as unknown as { streamGrant: typeof grant }).streamGrant = grant;
      },
    },
    (socket, req) => {
      const grant = (
        req as unknown as { streamGrant: { appKey: string; subscriptions: Array<{ type: string; topic: string }> } }
      ).streamGrant;
      gateway.attach(socket, grant.appKey, grant.subscriptions);
    },
  );
}
