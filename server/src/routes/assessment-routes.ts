import { serve } from '../http/contract.js';
import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { actorOf } from '../auth/viewer.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { Deps } from '../deps.js';
import type { Assessments } from '../domain/assessment/assessment.js';
import { AppError } from '../errors.js';
import type { evidenceChecker } from './evidence-of.js';

/** The year-end 考评: the ranking, a unit's lines, the 督考办's steps, appeals and adjustments. */
export function assessmentRoutes(
  deps: Deps,
  o: {
    assessments: Assessments;
    evidence: ReturnType<typeof evidenceChecker>;
  },
): FastifyPluginAsync {
  return async (fastify) => {
    const a = o.assessments;
    const today = () => shanghaiDate(deps.clock.now());

    serve(
      fastify,
      api.assessment,
      { config: can('assessment.read'), tags: ['考评'], summary: '年度考评:规则(文字)、各单位得分和排名' },
      async (req) => {
        const v = viewerOf(req);
        const view = await a.view(req.params.year);
        // a draft is the 督考办's working copy: units see the ranking once it is published
        if (!v.readsAll && view.status === 'draft')
          return {
            ...view,
            status: 'none' as const,
            scores: [],
            appeals: { pending: 0, accepted: 0, rejected: 0 },
            pendingAppeals: [],
          };
        // other units' appeals are theirs
        return v.readsAll
          ? view
          : { ...view, pendingAppeals: view.pendingAppeals.filter((x) => v.unitIds.has(x.unitId)) };
      },
    );
    serve(
      fastify,
      api.unitAssessment,
      { config: can('assessment.read'), tags: ['考评'], summary: '单位得分明细:每一分的来由' },
      async (req) => a.unit(viewerOf(req), req.params.year, req.params.unitId, today()),
    );
    serve(
      fastify,
      api.assessmentStep,
      { config: can('assessment.manage'), tags: ['考评'], summary: '计算(草稿)、公布、定稿' },
      async (req) => {
        const v = actorOf(viewerOf(req));
        if (req.params.step === 'compute') return a.compute(v, req.params.year);
        if (req.params.step === 'publish') return a.publish(v, req.params.year);
        return a.finalize(v, req.params.year);
      },
    );
    serve(
      fastify,
      api.appeal,
      { config: can('unit.act'), tags: ['考评'], summary: '对本单位的一个事项申诉(每个事项一次,可附佐证材料)' },
      async (req) => {
        const v = viewerOf(req);
        const assignment = deps.store.state.get().assignments.find((x) => x.id === req.body.obligationId.split(':')[0]);
        const taskId = assignment?.taskId ?? '';
        const evidence = await o.evidence(v, taskId, req.body.evidence);
        return a.appeal(v, req.params.year, { obligationId: req.body.obligationId, reason: req.body.reason, evidence });
      },
    );
    serve(
      fastify,
      api.decideAppeal,
      { config: can('assessment.manage'), tags: ['考评'], summary: '采纳或驳回申诉' },
      async (req) =>
        a.decideAppeal(
          actorOf(viewerOf(req)),
          req.params.year,
          req.params.id,
          req.params.decision === 'accept',
          req.body,
        ),
    );
    serve(
      fastify,
      api.adjust,
      { config: can('assessment.manage'), tags: ['考评'], summary: '定稿后的更正(记录理由)' },
      async (req) => {
        if (!deps.store.state.get().units.some((u) => u.id === req.body.unitId))
          throw new AppError('UNIT_NOT_FOUND', `没有编号为 ${req.body.unitId} 的单位`);
        return a.adjust(actorOf(viewerOf(req)), req.params.year, req.body);
      },
    );
  };
}
