import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { serve } from '../http/contract.js';
import type { Deps } from '../deps.js';
import type { Services } from '../services.js';
import { shanghaiDate } from '../calendar/dates.js';
import { assertReadTask, type Viewer } from '../auth/viewer.js';
import { filterParts, overview, partsOf, sortParts } from '../domain/overview/overview.js';
import { assignmentView } from '../domain/plan/plan-queries.js';
import { ViewCache } from './view-cache.js';

/** The overview with its lights, its drill-downs, and a task's units. */
export function overviewRoutes(deps: Deps, rules: Pick<Services, 'calendar' | 'policy'>): FastifyPluginAsync {
  return async (fastify) => {
    const state = () => deps.store.state.get();
    const today = () => shanghaiDate(deps.clock.now());
    /** Whose parts a viewer sees on the overview: the district, or a unit leader's own units. */
    const scopeOf = (v: Viewer) => (v.readsAll ? undefined : v.unitIds);
    const scopeKey = (v: Viewer) => (v.readsAll ? '*' : v.person.id);
    const views = new ViewCache();

    serve(
      fastify,
      api.overview,
      { config: can('overview.read'), tags: ['督考办'], summary: '督办总览:红黄绿灯按单位、按工程' },
      async (req, reply) => {
        const [s, day, v] = [state(), today(), viewerOf(req)];
        const key = `overview?${req.query.year ?? ''}|${day}|${scopeKey(v)}`;
        return views.send(req, reply, s, key, api.overview.response, () =>
          overview(s, rules, day, { year: req.query.year, unitIds: scopeOf(v) }),
        );
      },
    );

    serve(
      fastify,
      api.parts,
      { config: can('overview.read'), tags: ['督考办'], summary: '总览下钻:按灯色、单位、工程、任务筛选的责任分工' },
      async (req, reply) => {
        const [s, day, v] = [state(), today(), viewerOf(req)];
        const { limit, year, ...filter } = req.query;
        const key = `parts?${JSON.stringify(req.query)}|${day}|${scopeKey(v)}`;
        return views.send(req, reply, s, key, api.parts.response, () => {
          const parts = sortParts(filterParts(partsOf(s, rules, day, { year, unitIds: scopeOf(v) }), filter));
          const lights = { red: 0, yellow: 0, green: 0 };
          for (const p of parts) lights[p.light] += 1;
          return { today: day, items: parts.slice(0, limit), total: parts.length, lights };
        });
      },
    );

    serve(
      fastify,
      api.taskUnits,
      { config: can('task.read'), tags: ['任务'], summary: '任务的各单位情况(签收、最近进展、灯色)' },
      async (req) => {
        const v = viewerOf(req);
        const s = state();
        assertReadTask(s, v, req.params.id);
        const all = partsOf(s, rules, today()).filter((p) => p.task.id === req.params.id);
        // the lead unit sees its co-units (it files the consolidated report); a co-unit sees its own part
        const leads = all.some((p) => p.role === 'lead' && p.roleName === '牵头单位' && v.unitIds.has(p.unit.id));
        const parts = v.readsAll || leads ? all : all.filter((p) => v.unitIds.has(p.unit.id));
        const placeholders = s.assignments
          .filter((a) => a.taskId === req.params.id && a.status === 'toDesignate')
          .map((a) => ({
            assignmentId: a.id,
            group: { id: a.unitId, name: assignmentView(s, a).unitName },
            role: a.role,
          }));
        return { taskId: req.params.id, parts: sortParts(parts), placeholders };
      },
    );
  };
}
