import type { FastifyInstance } from 'fastify';
import type { EmulatorState } from '../state.js';
import { apiFail, oapiFail, route } from '../wire.js';

/** Access tokens, new style (POST /v1.0/oauth2/accessToken) and old style (GET /gettoken). */
export function oauthRoutes(f: FastifyInstance, state: EmulatorState): void {
  route(
    f,
    state,
    { method: 'POST', url: '/v1.0/oauth2/accessToken', api: 'oauth2.accessToken', style: 'api', auth: false },
    ({ body }) => {
      const app = state.app(typeof body.appKey === 'string' ? body.appKey : undefined);
      if (!app || app.appSecret !== body.appSecret)
        throw apiFail(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
      const { token, expiresIn } = state.issueToken(app.appKey);
      return { accessToken: token, expireIn: expiresIn };
    },
  );

  route(f, state, { method: 'GET', url: '/gettoken', api: 'gettoken', style: 'oapi', auth: false }, ({ query }) => {
    if (!query.appkey || !query.appsecret) throw oapiFail(40035, '缺少参数 corpid or appkey');
    const app = state.app(query.appkey);
    if (!app || app.appSecret !== query.appsecret) throw oapiFail(40096, '不合法的appKey或appSecret');
    const { token, expiresIn } = state.issueToken(app.appKey);
    return { access_token: token, expires_in: expiresIn };
  });
  f.post('/gettoken', async (_req, reply) => reply.send({ errcode: 43001, errmsg: '需要GET请求' }));

  route(
    f,
    state,
    { method: 'POST', url: '/v1.0/oauth2/jsapiTickets', api: 'oauth2.jsapiTickets', style: 'api' },
    ({ app }) => ({
      jsapiTicket: `ticket-${app.appKey}-${state.tokenByApp.get(app.appKey)?.slice(0, 8) ?? ''}`,
      expireIn: 7200,
    }),
  );
  route(f, state, { method: 'GET', url: '/get_jsapi_ticket', api: 'get_jsapi_ticket', style: 'oapi' }, ({ app }) => ({
    ticket: `ticket-${app.appKey}-${state.tokenByApp.get(app.appKey)?.slice(0, 8) ?? ''}`,
    expires_in: 7200,
  }));
}
