import { serve } from '../http/contract.js';
import { landsOnOverview } from '../../../shared/landing.js';
import { myItems } from '../domain/progress/progress-views.js';
import type { ProgressService } from '../domain/progress/progress-service.js';
import type { FastifyPluginAsync } from 'fastify';
import { can } from '../auth/permissions.js';
import { Buckets } from '../auth/person-limits.js';
import { api } from '../../../shared/api.js';
import type { Session } from '../../../shared/schemas/miniapp.js';
import { viewerOf, publicRoute } from '../auth/auth-hook.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import { meView, viewerFor } from '../auth/viewer.js';
import { ChannelError } from '../channels/channel.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { ViewCache } from './view-cache.js';
import { personByAccount, type Platform } from '../../../shared/schemas/person.js';
import { PLATFORM_NAME } from '../channels/platforms.js';

export interface AuthOptions {
  sessions: SessionTokens;
  /** What the page passes to requestAuthCode. */
  dingtalk: { corpId: string; clientId: string };
  /** Code exchanges waiting for DingTalk at once (default 40). */
  loginQueue?: number;
  now?: () => number;
  /** 我的任务 for the session's first page (sent with the session when the person lands on it). */
  progress?: ProgressService;
}

/**
 * 免登: the page gets an auth code from DingTalk (or the emulator), the server exchanges it through
 * the Channel (getuserinfo), maps the userid to a person and answers with a signed session.
 * Local mode adds a dev sign-in for plain browsers.
 */
export function authRoutes(deps: Deps, o: AuthOptions): FastifyPluginAsync {
  return async (fastify) => {
    const views = new ViewCache();
    // 免登 codes wait for DingTalk's 20 QPS: a bounded queue turns the excess away at once, and a
    // per-address bucket of *failed* codes stops a flood of junk — sign-ins that work never spend
    // it, so a NAT of a whole district logging in at 9:00 is not refused for being many
    let exchanging = 0;
    const failures = new Buckets(30, 15_000, o.now ?? Date.now);
    const local = deps.config.mode === 'local';
    const session = (personId: string): Session => {
      const state = deps.store.state.get();
      const viewer = viewerFor(state, personId);
      const { token, expiresAt } = o.sessions.issue(personId, viewer.person.roles);
      const me = meView(state, viewer);
      // the first page comes with the session: one round trip from a notice, not two in series
      const first = o.progress && !landsOnOverview(me) ? { myItems: myItems(state, o.progress, viewer) } : {};
      return { token, expiresAt: expiresAt.toISOString(), me, ...first };
    };
    /**
     * A 免登 code exchanged through the platform's channel (DingTalk's getuserinfo, 浙政钉's
     * dingtalk_app_user), its id mapped to a person of the directory, a session issued.
     */
    const signIn = async (ip: string, platform: Platform, code: string): Promise<Session> => {
      const channel = platform === 'dingtalk' ? deps.channel : deps.channels?.on('zzd');
      const name = PLATFORM_NAME[platform];
      if (!channel) throw new AppError('UNAVAILABLE', `${name}连接未配置,暂时无法登录`);
      failures.check(`ip:${ip}`, '登录失败次数太多,请稍后再试');
      if (exchanging >= (o.loginQueue ?? 40)) throw new AppError('UNAVAILABLE', '登录的人较多,请几秒后重试');
      let userId: string;
      exchanging += 1;
      try {
        userId = (await channel.resolveAuthCode(code)).userId;
      } catch (error) {
        if (error instanceof ChannelError && error.code === 'AUTH_CODE_INVALID') {
          failures.spend(`ip:${ip}`);
          throw new AppError('AUTH_CODE_INVALID', '登录授权码已失效(5 分钟内有效、只能用一次),请重新打开督办通');
        }
        if (error instanceof ChannelError)
          throw new AppError('UNAVAILABLE', `暂时无法连接${name}完成登录,请稍后重试(${error.code})`);
        throw error;
      } finally {
        exchanging -= 1;
      }
      const person = personByAccount(deps.store.state.get().people, platform, userId);
      if (!person) throw new AppError('FORBIDDEN', '督办通人员名单中没有您的账号,请联系区督考办开通');
      await record(person.id, person.name, platform);
      return session(person.id);
    };
    const record = (personId: string, name: string, how: string) =>
      deps.store.transact((_, tx) =>
        tx.append({
          type: 'session.signedIn',
          actor: { type: 'person', id: personId, name },
          subject: { type: 'person', id: personId },
          channel: 'miniapp',
          payload: { how },
        }),
      );

    serve(
      fastify,
      api.authConfig,
      { config: publicRoute, tags: ['登录'], summary: '登录方式(免登所需的 corpId、clientId)' },
      async () => ({
        mode: deps.config.mode,
        corpId: o.dingtalk.corpId,
        clientId: o.dingtalk.clientId,
        devSignIn: local,
      }),
    );

    serve(
      fastify,
      api.authDingtalk,
      { config: publicRoute, tags: ['登录'], summary: '用钉钉免登授权码换取会话' },
      async (req) => signIn(req.ip, 'dingtalk', req.body.code),
    );

    serve(
      fastify,
      api.authZzd,
      { config: publicRoute, tags: ['登录'], summary: '用浙政钉免登授权码(gdt-jsapi getAuthCode)换取会话' },
      async (req) => signIn(req.ip, 'zzd', req.body.code),
    );

    serve(
      fastify,
      api.devPeople,
      { config: publicRoute, tags: ['登录'], summary: '本地模式:可扮演的示例人员' },
      async () => {
        if (!local) throw new AppError('NOT_FOUND', '仅本地模式提供');
        const s = deps.store.state.get();
        return {
          items: s.people.map((p) => ({
            id: p.id,
            name: p.name,
            ...(p.title ? { title: p.title } : {}),
            roles: p.roles,
            units: p.unitIds.map((id) => s.units.find((u) => u.id === id)?.name ?? id),
          })),
        };
      },
    );

    serve(
      fastify,
      api.devSignIn,
      { config: publicRoute, tags: ['登录'], summary: '本地模式:以示例人员身份登录' },
      async (req) => {
        if (!local) throw new AppError('NOT_FOUND', '仅本地模式提供,请在政务钉钉中打开督办通');
        const person = deps.store.state.get().people.find((p) => p.id === req.body.personId);
        if (!person) throw new AppError('NOT_FOUND', `没有编号为 ${req.body.personId} 的人员`);
        await record(person.id, person.name, 'dev');
        return session(person.id);
      },
    );

    serve(
      fastify,
      api.me,
      { config: can('session.read'), tags: ['登录'], summary: '当前登录人' },
      async (req, reply) => {
        const s = deps.store.state.get();
        const v = viewerOf(req);
        return views.send(req, reply, s, `me/${v.person.id}`, api.me.response, () => meView(s, v));
      },
    );
  };
}
