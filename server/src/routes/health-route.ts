import { serve } from '../http/contract.js';
import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import type { Deps } from '../deps.js';
import { publicRoute } from '../auth/auth-hook.js';
import { placeholderCount } from '../domain/plan/designate.js';

/** Liveness and the things an operator should know about (degraded when there are warnings). */
export function healthRoute(deps: Deps, warnings: () => string[]): FastifyPluginAsync {
  return async (fastify) => {
    serve(fastify, api.health, { config: publicRoute, tags: ['系统'], summary: '健康检查' }, async () => {
      const list = [...warnings()];
      const store = deps.store.health();
      if (store.status === 'degraded') list.unshift(`数据写入异常(${store.code}):${store.reason}`);
      const degraded = list.length > 0;
      if (deps.store.state.get().directory.sample) list.push('单位名录和人员是示例数据,上线前请同步钉钉通讯录');
      const placeholders = placeholderCount(deps.store.state.get());
      if (placeholders.tasks > 0)
        list.push(
          `${placeholders.tasks} 项任务的责任单位"待明确"(区级有关部门等),尚无人负责、不会提醒:请督考办在督办通中明确责任单位`,
        );
      return {
        status: degraded ? ('degraded' as const) : ('ok' as const),
        mode: deps.config.mode,
        version: deps.config.version,
        time: deps.clock.now().toISOString(),
        ledger: { seq: deps.store.ledger.head().seq },
        plans: deps.store.state.get().plans.length,
        placeholders,
        warnings: list,
        ...(deps.store.instance && deps.store.leads
          ? { instance: { id: deps.store.instance.id, leads: deps.store.leads() } }
          : {}),
      };
    });
  };
}
