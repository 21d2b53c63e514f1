import { serve } from '../http/contract.js';
import type { FastifyPluginAsync } from 'fastify';
import { can } from '../auth/permissions.js';
import { api } from '../../../shared/api.js';
import type { Deps } from '../deps.js';
import {
  getTask,
  listTasks,
  listUnits,
  planView,
  resolvePlanId,
  unitAssignments,
} from '../domain/plan/plan-queries.js';
import { viewerOf } from '../auth/auth-hook.js';
import { assertReadTask, canReadTask, canReadUnit } from '../auth/viewer.js';
import { AppError } from '../errors.js';
import { ViewCache } from './view-cache.js';

/**
 * Read API over the plan: plans, sections, tasks with their assignments, units. Everyone signed in
 * sees the plan and the unit directory; a unit's contacts and leaders see only their units' tasks
 * (with all of each task's units) and their own units' assignment lists.
 */
export function readRoutes(deps: Deps): FastifyPluginAsync {
  return async (fastify) => {
    const state = () => deps.store.state.get();
    const views = new ViewCache();

    serve(
      fastify,
      api.plan,
      { config: can('plan.read'), tags: ['计划'], summary: '当前计划(或 planId 指定的计划)' },
      async (req, reply) => {
        const s = state();
        return views.send(req, reply, s, `plan?${req.query.planId ?? ''}`, api.plan.response, () =>
          planView(s, resolvePlanId(s, req.query.planId)),
        );
      },
    );

    serve(
      fastify,
      api.plans,
      { config: can('plan.read'), tags: ['计划'], summary: '全部已导入的计划' },
      async (req, reply) => {
        const s = state();
        return views.send(req, reply, s, 'plans', api.plans.response, () => {
          const items = s.plans.map((p) => planView(s, p.id));
          return { items, total: items.length };
        });
      },
    );

    serve(
      fastify,
      api.sections,
      { config: can('plan.read'), tags: ['计划'], summary: '工程(一)…(十)' },
      async (req, reply) => {
        const s = state();
        return views.send(req, reply, s, `sections?${req.query.planId ?? ''}`, api.sections.response, () => {
          const planId = resolvePlanId(s, req.query.planId);
          const items = s.sections
            .filter((x) => x.planId === planId)
            .map((x) => ({
              ...x,
              measures: s.tasks.filter((t) => t.sectionId === x.id && t.kind === 'measure').length,
              keyTasks: s.tasks.filter((t) => t.sectionId === x.id && t.kind === 'key').length,
            }));
          return { items, total: items.length };
        });
      },
    );

    serve(
      fastify,
      api.tasks,
      { config: can('plan.read'), tags: ['任务'], summary: '任务列表(可按工程、单位、类别、时间要求类型筛选)' },
      async (req, reply) => {
        const v = viewerOf(req);
        const s = state();
        // a contact's list is theirs (their units' tasks); everyone who reads all shares one
        const key = `tasks?${JSON.stringify(req.query)}|${v.readsAll ? '*' : v.person.id}`;
        return views.send(req, reply, s, key, api.tasks.response, () =>
          listTasks(s, req.query, v.readsAll ? undefined : (id) => canReadTask(s, v, id)),
        );
      },
    );

    serve(
      fastify,
      api.task,
      { config: can('plan.read'), tags: ['任务'], summary: '任务详情及责任单位' },
      async (req, reply) => {
        const s = state();
        assertReadTask(s, viewerOf(req), req.params.id);
        return views.send(req, reply, s, `task/${req.params.id}`, api.task.response, () => getTask(s, req.params.id));
      },
    );

    serve(
      fastify,
      api.units,
      { config: can('plan.read'), tags: ['单位'], summary: '单位名录与单位组' },
      async (req, reply) => {
        const s = state();
        return views.send(req, reply, s, 'units', api.units.response, () => {
          const items = listUnits(s);
          return { items, total: items.length };
        });
      },
    );

    serve(
      fastify,
      api.unitAssignments,
      { config: can('plan.read'), tags: ['单位'], summary: '某单位(或单位组)承担的任务' },
      async (req, reply) => {
        if (!canReadUnit(viewerOf(req), req.params.id)) throw new AppError('FORBIDDEN', '只能查看本单位承担的任务');
        const s = state();
        const key = `unit/${req.params.id}?${req.query.planId ?? ''}`;
        return views.send(req, reply, s, key, api.unitAssignments.response, () =>
          unitAssignments(s, req.params.id, req.query.planId),
        );
      },
    );
  };
}
