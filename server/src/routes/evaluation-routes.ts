import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import type { Evaluation, EvaluationView } from '../../../shared/schemas/evaluation.js';
import { taskLabel } from '../../../shared/task-label.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { actorOf, type Viewer } from '../auth/viewer.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { Deps } from '../deps.js';
import { findObligation } from '../domain/obligations/obligation-table.js';
import { AppError } from '../errors.js';
import { evaluationReportDocx } from '../export/evaluation-report-docx.js';
import { serve } from '../http/contract.js';
import { readSatisfactionSheet } from '../importer/satisfaction-sheet.js';
import type { State } from '../model/state.js';
import type { Services } from '../services.js';
import { evidenceChecker } from './evidence-of.js';

/** The office, district leaders: every evaluation; an evaluator: those they are named in (their scope). */
const sees = (v: Viewer, e: Evaluation): boolean =>
  v.person.roles.some((r) => r === 'supervisor' || r === 'admin') ||
  v.districtLeader ||
  e.evaluatorIds.includes(v.person.id);

/** An evaluation with its units' names and each finding's 整改 as it stands (待整改 · 已报送 · 已整改). */
const view = (st: Readonly<State>, e: Evaluation): EvaluationView => ({
  ...e,
  units: e.unitIds.map((id) => ({ id, name: st.units.find((u) => u.id === id)?.name ?? id })),
  rectifications: Object.fromEntries(
    e.findings
      .filter((f) => f.rectify)
      .map((f) => {
        const id = `${f.taskId}.${f.unitId}:${f.rectify!.due.slice(0, 4)}:manual:${f.rectify!.manualId}`;
        const o = findObligation(st, id);
        const approved = Object.values(st.requests).some(
          (r) => r.kind === 'report' && r.obligationIds.includes(id) && r.state === 'approved',
        );
        return [f.id, approved ? 'done' : o && o.status !== 'open' ? 'reported' : 'open'] as const;
      }),
  ),
});

/** 第三方评估: the office opens one; its evaluators record findings, 二次评估 and 公众满意度; the report in Word. */
export function evaluationRoutes(deps: Deps, s: Pick<Services, 'evaluations' | 'timeline'>): FastifyPluginAsync {
  return async (fastify) => {
    const state = () => deps.store.state.get();
    const today = () => shanghaiDate(deps.clock.now());
    const checkEvidence = evidenceChecker(s.timeline);
    const readable = (v: Viewer, id: string): Evaluation => {
      const e = state().evaluations?.[id];
      if (!e || !sees(v, e)) throw new AppError('NOT_FOUND', `没有找到评估 ${id}`);
      return e;
    };
    fastify.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: 2 * 1024 * 1024 },
      (_req, body, done) => done(null, body),
    );

    serve(
      fastify,
      api.evaluations,
      { config: can('evaluation.read'), tags: ['考评'], summary: '第三方评估(评估人员:本人参与的)' },
      async (req) => {
        const v = viewerOf(req);
        const st = state();
        const items = Object.values(st.evaluations ?? {})
          .filter((e) => sees(v, e))
          .sort((a, b) => b.seq - a.seq)
          .map((e) => view(st, e));
        return { today: today(), items };
      },
    );
    serve(
      fastify,
      api.openEvaluation,
      {
        config: can('evaluation.manage'),
        tags: ['考评'],
        summary: '组织第三方评估:范围(任务、单位)、期间、评估机构和人员',
      },
      async (req) => view(state(), await s.evaluations.open(actorOf(viewerOf(req)), req.body)),
    );
    serve(
      fastify,
      api.addFinding,
      { config: can('evaluation.record'), tags: ['考评'], summary: '记录评估发现(评分、佐证;需整改的给出整改期限)' },
      async (req) => {
        const v = viewerOf(req);
        const evidence = await checkEvidence(v, req.body.taskId ?? '', req.body.evidence);
        await s.evaluations.addFinding(v, req.params.id, req.body, evidence);
        return view(state(), state().evaluations![req.params.id]!);
      },
    );
    serve(
      fastify,
      api.recheckFinding,
      { config: can('evaluation.record'), tags: ['考评'], summary: '二次评估:整改是否到位' },
      async (req) => {
        await s.evaluations.recheck(viewerOf(req), req.params.id, req.params.findingId, req.body);
        return view(state(), state().evaluations![req.params.id]!);
      },
    );
    serve(
      fastify,
      api.importSatisfaction,
      {
        config: can('evaluation.record'),
        bodyLimit: 2 * 1024 * 1024,
        tags: ['考评'],
        summary: '导入公众满意度(Excel:单位、样本量、满意度;有误则整表不导入并列出问题)',
      },
      async (req) => {
        const body = req.body as unknown;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw new AppError('BAD_REQUEST', '请选择满意度 Excel 文件(以 application/octet-stream 上传)');
        const { rows, problems } = await readSatisfactionSheet(new Uint8Array(body));
        if (problems.length > 0)
          throw new AppError(
            'VALIDATION_FAILED',
            `满意度表有 ${problems.length} 处问题,未导入:${problems[0]!.path}${problems[0]!.message}`,
            {
              details: problems,
            },
          );
        return view(state(), await s.evaluations.importSatisfaction(viewerOf(req), req.params.id, rows));
      },
    );
    serve(
      fastify,
      api.evaluationReport,
      { config: can('evaluation.read'), tags: ['考评'], summary: '评估报告(Word)' },
      async (req, reply) => {
        const st = state();
        const e = readable(viewerOf(req), req.params.id);
        const bytes = await evaluationReportDocx(e, {
          district: st.directory.district,
          unitName: (id) => st.units.find((u) => u.id === id)?.name ?? id,
          taskName: (id) => {
            const t = st.tasks.find((x) => x.id === id);
            return t ? `${taskLabel(t)} ${t.title}` : id;
          },
          today: today(),
        });
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${e.title}报告.docx`)}`)
          .send(bytes);
      },
    );
  };
}
