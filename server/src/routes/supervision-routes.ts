import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { serve } from '../http/contract.js';
import type { Deps } from '../deps.js';
import type { Services } from '../services.js';
import { shanghaiDate } from '../calendar/dates.js';
import { actorOf } from '../auth/viewer.js';
import { reopenLate } from '../domain/obligations/reopen-late.js';
import { addManualObligation } from '../domain/obligations/manual-obligations.js';
import { issueBulletin, rectified } from '../domain/supervision/bulletins.js';

/** 督查: rounds, 催办, the 督考办's own items, reopening a late item, and 通报 with their 整改. */
export function supervisionRoutes(
  deps: Deps,
  s: Pick<Services, 'calendar' | 'policy' | 'supervision'>,
): FastifyPluginAsync {
  return async (fastify) => {
    const state = () => deps.store.state.get();
    const today = () => shanghaiDate(deps.clock.now());
    const { supervision } = s;
    const rules = { calendar: s.calendar, policy: s.policy };

    serve(
      fastify,
      api.rounds,
      { config: can('supervision.read'), tags: ['督考办'], summary: '督查列表(已报送、逾期、未到期的数目)' },
      async () => ({ today: today(), items: supervision.list(state(), today()) }),
    );
    serve(
      fastify,
      api.openRound,
      { config: can('supervision.manage'), tags: ['督考办'], summary: '发起督查:所选任务和单位、报送要求、截止日期' },
      async (req) => {
        const r = await supervision.openRound(actorOf(viewerOf(req)), req.body);
        return supervision.detail(r.id, today());
      },
    );
    serve(
      fastify,
      api.round,
      { config: can('supervision.read'), tags: ['督考办'], summary: '督查情况:谁已报送、谁逾期' },
      async (req) => supervision.detail(req.params.id, today()),
    );
    serve(
      fastify,
      api.closeRound,
      { config: can('supervision.manage'), tags: ['督考办'], summary: '结束督查(未报送的不再提醒)' },
      async (req) => {
        await supervision.closeRound(actorOf(viewerOf(req)), req.params.id);
        return supervision.detail(req.params.id, today());
      },
    );
    serve(
      fastify,
      api.urge,
      { config: can('supervision.manage'), tags: ['督考办'], summary: '催办:一个单位、一项任务,立即通知并按期跟踪' },
      async (req) => supervision.urge(actorOf(viewerOf(req)), req.body),
    );
    serve(
      fastify,
      api.manualItems,
      { config: can('supervision.read'), tags: ['督考办'], summary: '督考办添加的事项' },
      async (req) => ({
        items: state()
          .manualObligations.filter((m) => !req.query.taskId || m.taskId === req.query.taskId)
          .map(({ planId: _plan, ...m }) => m),
      }),
    );
    serve(
      fastify,
      api.addManual,
      { config: can('supervision.manage'), tags: ['督考办'], summary: '为任务添加督办事项(所选单位或全部单位)' },
      async (req) => addManualObligation(deps.store, rules, req.body, actorOf(viewerOf(req))),
    );
    serve(
      fastify,
      api.reopenLate,
      {
        config: can('supervision.manage'),
        tags: ['督考办'],
        summary: '重新打开已定稿年度的一个未完成事项,允许单位补报',
      },
      async (req) => reopenLate(deps.store, actorOf(viewerOf(req)), req.params.id, req.body.reason, rules.policy),
    );

    serve(
      fastify,
      api.bulletins,
      { config: can('bulletin.read'), tags: ['督考办'], summary: '通报表扬、通报批评、约谈(单位看到点名本单位的)' },
      async (req) => {
        const v = viewerOf(req);
        const s = state();
        const names = new Map(s.units.map((u) => [u.id, u.name]));
        const items = Object.values(s.bulletins ?? {})
          .filter(
            (b) =>
              (!req.query.year || b.year === req.query.year) && (v.readsAll || b.unitIds.some((u) => v.unitIds.has(u))),
          )
          .sort((a, b) => b.seq - a.seq)
          .map((b) => ({
            ...b,
            units: b.unitIds.map((id) => ({ id, name: names.get(id) ?? id })),
            rectified: rectified(s, b),
          }));
        return { today: today(), items };
      },
    );
    serve(
      fastify,
      api.issueBulletin,
      { config: can('bulletin.issue'), tags: ['督考办'], summary: '发布通报表扬 / 通报批评(附整改期限),或记录约谈' },
      async (req) =>
        issueBulletin({ store: deps.store, rules, publicUrl: deps.config.publicUrl }, actorOf(viewerOf(req)), req.body),
    );
  };
}
