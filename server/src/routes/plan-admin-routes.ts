import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { serve } from '../http/contract.js';
import type { Deps } from '../deps.js';
import type { Services } from '../services.js';
import { actorOf } from '../auth/viewer.js';
import { designateUnits } from '../domain/plan/designate.js';
import { verifyDataDir } from '../store/ledger/verify.js';

/** The 督考办's care of the plan and its record: naming the units of a group, verifying the 台账's chain. */
export function planAdminRoutes(deps: Deps, s: Pick<Services, 'calendar' | 'policy'>): FastifyPluginAsync {
  return async (fastify) => {
    const rules = { calendar: s.calendar, policy: s.policy };

    serve(
      fastify,
      api.ledgerVerify,
      { config: can('ledger.verify'), tags: ['督考办'], summary: '校验台账:从第一条记录起检查哈希链,指出第一处问题' },
      async () => {
        const t0 = process.hrtime.bigint();
        const r = await verifyDataDir(deps.config.dataDir, { stopAtAnchor: true });
        return { ...r, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
      },
    );

    serve(
      fastify,
      api.designate,
      {
        config: can('assignment.designate'),
        tags: ['督考办'],
        summary: '明确"待明确"单位组(区级有关部门等)的责任单位',
      },
      async (req) =>
        designateUnits(
          { store: deps.store, clock: deps.clock, rules },
          actorOf(viewerOf(req)),
          req.params.id,
          req.body.unitIds,
        ),
    );
  };
}
