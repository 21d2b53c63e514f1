import { serve } from '../http/contract.js';
import { own } from '../model/own.js';
import type { FastifyPluginAsync } from 'fastify';
import { can } from '../auth/permissions.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { api } from '../../../shared/api.js';
import { viewerOf } from '../auth/auth-hook.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import type { Viewer } from '../auth/viewer.js';
import { actFor } from '../domain/progress/acting.js';
import { requestResult } from '../domain/progress/request-view.js';
import type { Deps } from '../deps.js';
import { myItems, taskOverview } from '../domain/progress/progress-views.js';
import type { ActingFor, ProgressService } from '../domain/progress/progress-service.js';
import { evidenceKind, type TaskTimeline } from '../domain/progress/task-timeline.js';
import { AppError } from '../errors.js';
import { ViewCache } from './view-cache.js';
import { evidenceChecker } from './evidence-of.js';

export interface ProgressRouteOptions {
  progress: ProgressService;
  timeline: TaskTimeline;
  sessions: SessionTokens;
}

/** The mini-app's pages: 我的任务, 任务详情, and what a unit does (签收, 进展, 办结/延期申请). */
export function progressRoutes(deps: Deps, o: ProgressRouteOptions): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const state = () => deps.store.state.get();
    const views = new ViewCache();

    /** The assignment, if the viewer acts for its unit (the rule the bot uses too). */
    const actingFor = (v: Viewer, assignmentId: string): ActingFor => actFor(state(), v, assignmentId, 'miniapp');

    const evidenceOf = evidenceChecker(o.timeline);

    serve(
      app,
      api.myItems,
      { config: can('task.read'), tags: ['小程序'], summary: '我的任务:本单位待办事项(红黄绿灯)' },
      async (req, reply) => {
        const [s, v] = [state(), viewerOf(req)];
        // the lights change with the date: the day is part of the key
        const key = `my/${v.person.id}?${req.query.section ?? ''}|${o.progress.today()}`;
        return views.send(req, reply, s, key, api.myItems.response, () => myItems(s, o.progress, v, req.query.section));
      },
    );

    serve(
      app,
      api.taskOverview,
      { config: can('task.read'), tags: ['小程序'], summary: '任务详情:任务、本单位事项、时间线' },
      async (req) => taskOverview(state(), o.progress, o.timeline, o.sessions, viewerOf(req), req.params.id),
    );

    serve(app, api.acknowledge, { config: can('unit.act'), tags: ['小程序'], summary: '签收' }, async (req) => {
      const r = await o.progress.acknowledge(actingFor(viewerOf(req), req.params.id));
      return { acknowledged: r.acknowledged, already: r.already, undoUntil: r.undoUntil?.toISOString() ?? null };
    });

    serve(
      app,
      api.undoAcknowledge,
      { config: can('unit.act'), tags: ['小程序'], summary: '撤销刚才的签收' },
      async (req) => o.progress.undoAcknowledge(actingFor(viewerOf(req), req.params.id)),
    );

    serve(
      app,
      api.report,
      { config: can('unit.act'), tags: ['小程序'], summary: '报送进展(可附佐证材料)' },
      async (req) => {
        const v = viewerOf(req);
        const f = actingFor(v, req.params.id);
        const evidence = await evidenceOf(v, f.assignment.taskId, req.body.evidence);
        const r = await o.progress.report(f, {
          text: req.body.text,
          noChange: req.body.noChange,
          evidence,
          ...(req.body.obligationId !== undefined ? { obligationId: req.body.obligationId } : {}),
        });
        return { ...r, evidence: evidence.map((e) => ({ ...e, kind: evidenceKind(e) })) };
      },
    );

    serve(app, api.closure, { config: can('unit.act'), tags: ['小程序'], summary: '申请办结' }, async (req) => {
      const v = viewerOf(req);
      const f = actingFor(v, req.params.id);
      return requestResult(
        await o.progress.requestClosure(f, {
          text: req.body.text,
          evidence: await evidenceOf(v, f.assignment.taskId, req.body.evidence),
        }),
        state(),
        o.progress.today(),
      );
    });

    serve(
      app,
      api.extension,
      { config: can('unit.act'), tags: ['小程序'], summary: '延期申请(指明延期的事项)' },
      async (req) =>
        requestResult(
          await o.progress.requestExtension(actingFor(viewerOf(req), req.params.id), {
            until: req.body.until,
            reason: req.body.reason,
            ...(req.body.obligationId ? { obligationId: req.body.obligationId } : {}),
          }),
          state(),
          o.progress.today(),
        ),
    );

    serve(
      app,
      api.withdrawRequest,
      { config: can('unit.act'), tags: ['小程序'], summary: '撤回本单位待审核的申请' },
      async (req) => {
        const r = own(state().requests, req.params.id);
        if (!r) throw new AppError('REQUEST_NOT_FOUND', '没有这份申请,或它不属于您的单位');
        return requestResult(
          await o.progress.withdraw(actingFor(viewerOf(req), r.assignmentId), r.id),
          state(),
          o.progress.today(),
        );
      },
    );
  };
}
