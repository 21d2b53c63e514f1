import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import type { Experience, Pilot } from '../../../shared/schemas/pilot.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { actorOf } from '../auth/viewer.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { experienceCompilationDocx } from '../export/experience-compilation-docx.js';
import { serve } from '../http/contract.js';
import type { State } from '../model/state.js';
import type { Services } from '../services.js';
import { evidenceChecker } from './evidence-of.js';

/** 试点示范 and 典型经验: units record and submit; the 督考办 reviews, publishes, compiles. */
export function pilotRoutes(deps: Deps, s: Pick<Services, 'pilots' | 'timeline'>): FastifyPluginAsync {
  return async (fastify) => {
    const state = () => deps.store.state.get();
    const today = () => shanghaiDate(deps.clock.now());
    const checkEvidence = evidenceChecker(s.timeline);
    const unit = (st: Readonly<State>, id: string) => ({ id, name: st.units.find((u) => u.id === id)?.name ?? id });
    const pilotView = (st: Readonly<State>, p: Pilot) => ({ ...p, unit: unit(st, p.unitId) });
    const xView = (st: Readonly<State>, x: Experience) => ({ ...x, unit: unit(st, x.unitId) });

    serve(
      fastify,
      api.pilots,
      {
        config: can('pilot.read'),
        tags: ['督考办'],
        summary: '试点示范与典型经验(单位:本单位的全部与各单位已采纳的经验)',
      },
      async (req) => {
        const v = viewerOf(req);
        const st = state();
        return {
          today: today(),
          pilots: Object.values(st.pilots ?? {})
            .sort((a, b) => b.seq - a.seq)
            .map((p) => pilotView(st, p)),
          experiences: Object.values(st.experiences ?? {})
            .filter((x) => v.readsAll || v.unitIds.has(x.unitId) || x.state === 'adopted')
            .sort((a, b) => b.seq - a.seq)
            .map((x) => xView(st, x)),
        };
      },
    );
    serve(
      fastify,
      api.recordPilot,
      { config: can('pilot.record'), tags: ['单位'], summary: '填报试点:级别、名称、状态、批复文件、关联任务' },
      async (req) => pilotView(state(), await s.pilots.record(viewerOf(req), req.body)),
    );
    serve(
      fastify,
      api.pilotStatus,
      { config: can('pilot.record'), tags: ['单位'], summary: '更新试点状态(获批、验收)' },
      async (req) => pilotView(state(), await s.pilots.setStatus(viewerOf(req), req.params.id, req.body)),
    );
    serve(
      fastify,
      api.submitExperience,
      { config: can('pilot.record'), tags: ['单位'], summary: '报送典型经验(标题、正文、佐证、关联任务)' },
      async (req) => {
        const v = viewerOf(req);
        const evidence = await checkEvidence(v, req.body.taskIds[0] ?? '', req.body.evidence);
        return xView(state(), await s.pilots.submit(v, req.body, evidence));
      },
    );
    serve(
      fastify,
      api.decideExperience,
      { config: can('pilot.review'), tags: ['督考办'], summary: '审阅典型经验:采纳(可列为越城样本)或退回' },
      async (req) => xView(state(), await s.pilots.decide(actorOf(viewerOf(req)), req.params.id, req.body)),
    );
    serve(
      fastify,
      api.publishExperiences,
      { config: can('pilot.review'), tags: ['督考办'], summary: '发布本年度已采纳的典型经验(通报各单位)' },
      async (req) => {
        const r = await s.pilots.publish(actorOf(viewerOf(req)), req.body.year);
        return { published: r.published.map((x) => xView(state(), x)) };
      },
    );
    serve(
      fastify,
      api.experienceCompilation,
      { config: can('pilot.read'), tags: ['督考办'], summary: '年度典型经验汇编(Word:封面、目录、每篇经验、落款)' },
      async (req, reply) => {
        const st = state();
        const year = req.query.year;
        const list = Object.values(st.experiences ?? {})
          .filter((x) => x.state === 'adopted' && x.decision?.at.startsWith(String(year)))
          .sort((a, b) => Number(b.sample) - Number(a.sample) || a.seq - b.seq)
          .map((x) => ({ ...x, unitName: unit(st, x.unitId).name }));
        if (list.length === 0) throw new AppError('NOT_FOUND', `${year} 年还没有采纳的典型经验`);
        const bytes = await experienceCompilationDocx(list, { district: st.directory.district, year, today: today() });
        const name = `${year}年度典型经验汇编.docx`;
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
          .send(bytes);
      },
    );
  };
}
