import { z } from 'zod';
import { ErrorBody } from './errors.js';
import { Health, PlanList, PlanView, SectionList, TaskList, TaskQuery, TaskView, UnitAssignmentList, UnitList } from './schemas/views.js';

/**
 * The HTTP contract: one entry per route, imported by the server (validation, serialisation,
 * OpenAPI) and by the mini-app (typed calls, response parsing).
 */
export const IdParams = z.object({ id: z.string().min(1).max(128) });

export const api = {
  health: { method: 'GET', path: '/api/health', response: Health },
  plan: { method: 'GET', path: '/api/plan', query: z.object({ planId: z.string().max(128).optional() }), response: PlanView },
  plans: { method: 'GET', path: '/api/plans', response: PlanList },
  sections: { method: 'GET', path: '/api/sections', query: z.object({ planId: z.string().max(128).optional() }), response: SectionList },
  tasks: { method: 'GET', path: '/api/tasks', query: TaskQuery, response: TaskList },
  task: { method: 'GET', path: '/api/tasks/:id', params: IdParams, response: TaskView },
  units: { method: 'GET', path: '/api/units', response: UnitList },
  unitAssignments: {
    method: 'GET',
    path: '/api/units/:id/assignments',
    params: IdParams,
    query: z.object({ planId: z.string().max(128).optional() }),
    response: UnitAssignmentList,
  },
} as const;

export { ErrorBody };
