import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import type { Exemption, ExemptionView } from '../../../shared/schemas/exemption.js';
import { shanghaiDate } from '../calendar/dates.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { actorOf, type Viewer } from '../auth/viewer.js';
import type { Deps } from '../deps.js';
import { findObligation } from '../domain/obligations/obligation-table.js';
import { serve } from '../http/contract.js';
import type { State } from '../model/state.js';
import type { Services } from '../services.js';
import { evidenceChecker } from './evidence-of.js';

/** What a person may read: the 督考办, evaluators and district leaders all; a unit its own claims and every decided case. */
const readable = (v: Viewer, e: Exemption): boolean =>
  v.readsAll || v.unitIds.has(e.unitId) || e.state === 'accepted' || e.state === 'rejected';

/** 容错免责: a unit's claim, the 督考办's decision, a district leader's confirmation, the 案例库. */
export function exemptionRoutes(deps: Deps, s: Pick<Services, 'exemptions' | 'timeline'>): FastifyPluginAsync {
  return async (fastify) => {
    const state = () => deps.store.state.get();
    const checkEvidence = evidenceChecker(s.timeline);
    const view = (st: Readonly<State>, e: Exemption): ExemptionView => ({
      ...e,
      unit: { id: e.unitId, name: st.units.find((u) => u.id === e.unitId)?.name ?? e.unitId },
    });

    serve(
      fastify,
      api.exemptions,
      {
        config: can('exemption.read'),
        tags: ['考评'],
        summary: '容错免责申请与案例库(scope=cases:已决定的案例;q 检索事实、意见、单位和事由)',
      },
      async (req) => {
        const v = viewerOf(req);
        const st = state();
        const words = (req.query.q ?? '').trim().split(/\s+/).filter(Boolean);
        const items = Object.values(st.exemptions ?? {})
          .filter((e) => readable(v, e))
          .filter((e) => req.query.scope !== 'cases' || e.state === 'accepted' || e.state === 'rejected')
          .filter((e) => !req.query.ground || e.ground === req.query.ground)
          .filter((e) => !req.query.year || e.year === req.query.year)
          .map((e) => view(st, e))
          .filter((e) => {
            const hay = [
              e.about,
              e.text,
              e.ground,
              e.unit.name,
              e.decision?.comment ?? '',
              e.leader?.comment ?? '',
            ].join('\n');
            return words.every((w) => hay.includes(w));
          })
          .sort((a, b) => b.seq - a.seq);
        return {
          today: shanghaiDate(deps.clock.now()),
          grounds: [...s.exemptions.grounds],
          leaderStep: s.exemptions.leaderStep,
          items,
        };
      },
    );
    serve(
      fastify,
      api.fileExemption,
      {
        config: can('exemption.apply'),
        tags: ['考评'],
        summary: '申请容错免责:对本单位受到的通报批评、约谈,或一个事项的考评扣分',
      },
      async (req) => {
        const v = viewerOf(req);
        const t = req.body.target;
        // files are checked against the task the claim is about (a 通报 without a task: the person's own uploads)
        const taskId =
          t.kind === 'item'
            ? (findObligation(state(), t.obligationId)?.taskId ?? '')
            : (state().bulletins?.[t.bulletinId]?.taskId ?? '');
        const evidenceMeta = await checkEvidence(v, taskId, req.body.evidence);
        return view(state(), await s.exemptions.file(v, { ...req.body, evidenceMeta }));
      },
    );
    serve(
      fastify,
      api.decideExemption,
      { config: can('exemption.decide'), tags: ['考评'], summary: '审核容错免责:予以免责(可保留部分扣分)或不予免责' },
      async (req) => view(state(), await s.exemptions.decide(actorOf(viewerOf(req)), req.params.id, req.body)),
    );
    serve(
      fastify,
      api.confirmExemption,
      { config: can('exemption.confirm'), tags: ['考评'], summary: '区领导确认督考办的免责意见' },
      async (req) => view(state(), await s.exemptions.confirm(actorOf(viewerOf(req)), req.params.id, req.body)),
    );
  };
}
