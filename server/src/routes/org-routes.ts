import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import type { OrgAddBody, OrgsSummary, OrgTree, OrgView, TaskChain } from '../../../shared/schemas/org.js';
import type { Person } from '../../../shared/schemas/person.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { AppError } from '../errors.js';
import { serve } from '../http/contract.js';

/** What the deployment's own organisation offers its admin (orgs/org-host.ts). */
export interface OrgAdmin {
  tree(): OrgTree;
  add(body: OrgAddBody, by: Person): Promise<OrgTree>;
}

/**
 * GET /api/orgs: the organisations of the deployment the signed-in person belongs to, for the
 * mini-app's switch (orgs/org-host.ts matches their platform account); none where the deployment
 * is one organisation. The tree and 登记 are the deployment's own organisation's, for its admin.
 */
export function orgRoutes(o: {
  orgsOf?: (person: Person) => OrgView[];
  admin?: OrgAdmin;
  chainOf?: (taskId: string) => TaskChain;
  summaryOf?: () => OrgsSummary;
}): FastifyPluginAsync {
  const admin = (): OrgAdmin => {
    if (!o.admin) throw new AppError('NOT_FOUND', '下级组织只能在本部署最上级组织的督办通中登记');
    return o.admin;
  };
  return async (fastify) => {
    serve(
      fastify,
      api.myOrgs,
      { config: can('session.read'), tags: ['组织'], summary: '本人所在的组织(切换组织)' },
      async (req) => ({ orgs: o.orgsOf?.(viewerOf(req).person) ?? [] }),
    );
    serve(fastify, api.orgTree, { config: can('orgs.manage'), tags: ['组织'], summary: '本部署的组织' }, async () =>
      admin().tree(),
    );
    serve(fastify, api.orgAdd, { config: can('orgs.manage'), tags: ['组织'], summary: '登记下级组织' }, async (req) =>
      admin().add(req.body, viewerOf(req).person),
    );
    serve(
      fastify,
      api.taskChain,
      { config: can('overview.read'), tags: ['组织'], summary: '任务在下级组织的分解与办理' },
      async (req) => o.chainOf?.(req.params.id) ?? { links: [] },
    );
    serve(
      fastify,
      api.orgsSummary,
      { config: can('overview.read'), tags: ['组织'], summary: '下级组织的交办与办理概况' },
      async () => o.summaryOf?.() ?? { orgs: [] },
    );
  };
}
