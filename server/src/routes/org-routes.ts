import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import type { OrgView } from '../../../shared/schemas/org.js';
import type { Person } from '../../../shared/schemas/person.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { serve } from '../http/contract.js';

/**
 * GET /api/orgs: the organisations of the deployment the signed-in person belongs to, for the
 * mini-app's switch (orgs/org-host.ts matches their platform account); none where the deployment
 * is one organisation.
 */
export function orgRoutes(orgsOf: ((person: Person) => OrgView[]) | undefined): FastifyPluginAsync {
  return async (fastify) => {
    serve(
      fastify,
      api.myOrgs,
      { config: can('session.read'), tags: ['登录'], summary: '本人所在的组织(切换组织)' },
      async (req) => ({ orgs: orgsOf?.(viewerOf(req).person) ?? [] }),
    );
  };
}
