import type { FastifyPluginAsync } from 'fastify';
import { can } from '../auth/permissions.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { api } from '../../../shared/api.js';
import { ErrorBody } from '../../../shared/errors.js';
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

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/**
 * Read API over the plan: plans, sections, tasks with their assignments, units. Everyone signed in
 * sees the plan and the unit directory; a unit's contacts and leaders see only their units' tasks
 * (with all of each task's units) and their own units' assignment lists.
 */
export function readRoutes(deps: Deps): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const state = () => deps.store.state.get();

    app.get(
      api.plan.path,
      {
        config: can('plan.read'),
        schema: {
          tags: ['计划'],
          summary: '当前计划(或 planId 指定的计划)',
          querystring: api.plan.query,
          response: { 200: api.plan.response, ...errors },
        },
      },
      async (req) => planView(state(), resolvePlanId(state(), req.query.planId)),
    );

    app.get(
      api.plans.path,
      {
        config: can('plan.read'),
        schema: { tags: ['计划'], summary: '全部已导入的计划', response: { 200: api.plans.response } },
      },
      async () => {
        const items = state().plans.map((p) => planView(state(), p.id));
        return { items, total: items.length };
      },
    );

    app.get(
      api.sections.path,
      {
        config: can('plan.read'),
        schema: {
          tags: ['计划'],
          summary: '工程(一)…(十)',
          querystring: api.sections.query,
          response: { 200: api.sections.response, ...errors },
        },
      },
      async (req) => {
        const s = state();
        const planId = resolvePlanId(s, req.query.planId);
        const items = s.sections
          .filter((x) => x.planId === planId)
          .map((x) => ({
            ...x,
            measures: s.tasks.filter((t) => t.sectionId === x.id && t.kind === 'measure').length,
            keyTasks: s.tasks.filter((t) => t.sectionId === x.id && t.kind === 'key').length,
          }));
        return { items, total: items.length };
      },
    );

    app.get(
      api.tasks.path,
      {
        config: can('plan.read'),
        schema: {
          tags: ['任务'],
          summary: '任务列表(可按工程、单位、类别、时间要求类型筛选)',
          querystring: api.tasks.query,
          response: { 200: api.tasks.response, ...errors },
        },
      },
      async (req) => {
        const v = viewerOf(req);
        return listTasks(state(), req.query, v.readsAll ? undefined : (id) => canReadTask(state(), v, id));
      },
    );

    app.get(
      api.task.path,
      {
        config: can('plan.read'),
        schema: {
          tags: ['任务'],
          summary: '任务详情及责任单位',
          params: api.task.params,
          response: { 200: api.task.response, ...errors },
        },
      },
      async (req) => {
        assertReadTask(state(), viewerOf(req), req.params.id);
        return getTask(state(), req.params.id);
      },
    );

    app.get(
      api.units.path,
      {
        config: can('plan.read'),
        schema: { tags: ['单位'], summary: '单位名录与单位组', response: { 200: api.units.response } },
      },
      async () => {
        const items = listUnits(state());
        return { items, total: items.length };
      },
    );

    app.get(
      api.unitAssignments.path,
      {
        config: can('plan.read'),
        schema: {
          tags: ['单位'],
          summary: '某单位(或单位组)承担的任务',
          params: api.unitAssignments.params,
          querystring: api.unitAssignments.query,
          response: { 200: api.unitAssignments.response, ...errors },
        },
      },
      async (req) => {
        if (!canReadUnit(viewerOf(req), req.params.id))
          throw new AppError('FORBIDDEN', 403, '只能查看本单位承担的任务');
        return unitAssignments(state(), req.params.id, req.query.planId);
      },
    );
  };
}
