import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { serve } from '../http/contract.js';
import type { Deps } from '../deps.js';
import type { Services } from '../services.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import { actorOf } from '../auth/viewer.js';
import { reviewItem } from '../domain/review/review-view.js';
import { ViewCache } from './view-cache.js';

export interface ReviewRouteOptions {
  reviews: Services['reviews'];
  sessions: SessionTokens;
}

/** The review queue: the 督考办's decisions and the unit leader's confirmation (两级审核). */
export function reviewRoutes(deps: Deps, o: ReviewRouteOptions): FastifyPluginAsync {
  return async (fastify) => {
    const state = () => deps.store.state.get();
    const today = () => shanghaiDate(deps.clock.now());
    const { reviews } = o;
    const views = new ViewCache();

    serve(
      fastify,
      api.reviews,
      { config: can('review.read'), tags: ['督考办'], summary: '审核队列:待审核(或已审核)的办结、延期申请和进展报告' },
      async (req, reply) => {
        const v = viewerOf(req);
        const s = state();
        const { limit, ...filter } = req.query;
        // once per committed state, person, query and day — and per 10 minutes, so the signed
        // evidence links in it (valid an hour) are always at least 50 minutes from expiring
        const window = Math.floor(deps.clock.now().getTime() / 600_000);
        const key = `reviews/${v.person.id}?${JSON.stringify(req.query)}|${today()}|${window}`;
        return views.send(req, reply, s, key, api.reviews.response, () => {
          const all = reviews.list(filter, s);
          return {
            today: today(),
            items: all.slice(0, limit).map((r) => reviewItem(s, r, o.sessions, v.person.id, today())),
            total: all.length,
          };
        });
      },
    );

    for (const [route, decision] of [
      [api.approveReview, 'approve'],
      [api.returnReview, 'return'],
    ] as const) {
      serve(
        fastify,
        route,
        {
          config: can('review.decide'),
          tags: ['督考办'],
          summary: decision === 'approve' ? '审核通过 / 同意' : '退回 / 不同意(须写明理由)',
        },
        async (req) => {
          const v = viewerOf(req);
          const r = await reviews.decide(actorOf(v), req.params.id, decision, req.body.comment);
          return reviewItem(state(), r, o.sessions, v.person.id, today());
        },
      );
    }

    serve(
      fastify,
      api.unitReviews,
      {
        config: can('review.confirm'),
        tags: ['督考办'],
        summary: '待我确认:本单位报送督考办前须分管领导确认的事项(两级审核)',
      },
      async (req) => {
        const v = viewerOf(req);
        const items = reviews.awaitingLeader(v);
        return {
          today: today(),
          items: items.map((r) => reviewItem(state(), r, o.sessions, v.person.id, today())),
          total: items.length,
        };
      },
    );
    for (const [route, decision] of [
      [api.confirmReview, 'approve'],
      [api.leaderReturnReview, 'return'],
    ] as const) {
      serve(
        fastify,
        route,
        {
          config: can('review.confirm'),
          tags: ['督考办'],
          summary: decision === 'approve' ? '分管领导确认,报送督考办' : '分管领导退回(须写明理由)',
        },
        async (req) => {
          const v = viewerOf(req);
          return reviewItem(
            state(),
            await reviews.confirm(v, req.params.id, decision, req.body.comment),
            o.sessions,
            v.person.id,
            today(),
          );
        },
      );
    }
  };
}
