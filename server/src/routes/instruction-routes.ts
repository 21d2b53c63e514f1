import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { actorOf } from '../auth/viewer.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { renderInstructionReport } from '../export/instruction-report-page.js';
import { serve } from '../http/contract.js';
import { evidenceChecker } from './evidence-of.js';
import type { Services } from '../services.js';

const STEP: Record<string, string> = {
  'obligation.acknowledged': '签收',
  'progress.reported': '报送进展',
  'closure.requested': '申请办结',
  'extension.requested': '申请延期',
  'review.approved': '督考办同意',
  'review.returned': '督考办退回',
};

/** 领导批示件: the 批示件 tab's list, the 督考办's registration, the printable 办理情况报告. */
export function instructionRoutes(deps: Deps, s: Pick<Services, 'instructions' | 'timeline'>): FastifyPluginAsync {
  return async (fastify) => {
    const today = () => shanghaiDate(deps.clock.now());
    serve(
      fastify,
      api.instructions,
      { config: can('instruction.read'), tags: ['督考办'], summary: '领导批示件(单位:本单位承办的),新登记的在前' },
      async (req) => {
        const v = viewerOf(req);
        const items = s.instructions
          .list(deps.store.state.get(), today(), v.readsAll ? undefined : v.unitIds)
          .filter((i) => req.query.status === 'all' || i.status === req.query.status);
        const st = deps.store.state.get();
        const government = new Set(st.units.filter((u) => u.kind === 'government').map((u) => u.id));
        const leaders = v.readsAll
          ? st.people
              .filter((p) => p.unitIds.some((u) => government.has(u)))
              .map((p) => ({ id: p.id, name: p.name, ...(p.title ? { title: p.title } : {}) }))
          : [];
        return { today: today(), items, leaders };
      },
    );
    serve(
      fastify,
      api.registerInstruction,
      {
        config: can('instruction.register'),
        tags: ['督考办'],
        summary: '登记领导批示件:批示领导、内容、来文和文号、缓急、时限、牵头和配合单位;立即送达承办单位',
      },
      async (req) => {
        const v = viewerOf(req);
        // the 批示 page's photograph: a file this person uploaded, like any evidence named in a submission
        const [photo] = req.body.photo ? await evidenceChecker(s.timeline)(v, '', [req.body.photo]) : [];
        const meta = await s.instructions.register(actorOf(v), req.body, photo);
        return s.instructions.list(deps.store.state.get(), today()).find((i) => i.taskId === meta.taskId)!;
      },
    );
    serve(
      fastify,
      api.instructionReport,
      { config: can('instruction.read'), tags: ['督考办'], summary: '批示件办理情况报告(可打印的网页)' },
      async (req, reply) => {
        const v = viewerOf(req);
        const st = deps.store.state.get();
        const i = s.instructions
          .list(st, today(), v.readsAll ? undefined : v.unitIds)
          .find((x) => x.taskId === req.params.id);
        if (!i) throw new AppError('NOT_FOUND', `没有找到批示件 ${req.params.id}`);
        const names = new Map(st.units.map((u) => [u.id, u.name]));
        const steps = (await s.timeline.forTask(i.taskId))
          .filter((e) => STEP[e.type])
          .sort((a, b) => a.seq - b.seq)
          .map((e) => ({
            on: shanghaiDate(new Date(e.at)),
            unit: e.unitId ? (names.get(e.unitId) ?? e.unitId) : '',
            what: STEP[e.type]!,
            text: e.text ?? '',
          }));
        return reply
          .type('text/html; charset=utf-8')
          .send(renderInstructionReport({ district: st.directory.district, today: today(), instruction: i, steps }));
      },
    );
  };
}
