import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import type { NoticeSheet, SheetView } from '../../../shared/schemas/notice-sheet.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { actorOf, type Viewer } from '../auth/viewer.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { Deps } from '../deps.js';
import { sheetStatus } from '../domain/supervision/notice-sheets.js';
import { AppError } from '../errors.js';
import { noticeSheetDocx } from '../export/notice-sheet-docx.js';
import { docxToPdf } from '../export/to-pdf.js';
import { serve } from '../http/contract.js';
import type { State } from '../model/state.js';
import type { Services } from '../services.js';
import { evidenceChecker } from './evidence-of.js';

/** 督办通知单: the 督考办 issues; the unit reads, signs (回执), answers; everyone allowed opens the Word document. */
export function noticeSheetRoutes(deps: Deps, s: Pick<Services, 'sheets' | 'timeline'>): FastifyPluginAsync {
  return async (fastify) => {
    const state = () => deps.store.state.get();
    const today = () => shanghaiDate(deps.clock.now());
    const checkEvidence = evidenceChecker(s.timeline);
    const view = (st: Readonly<State>, sheet: NoticeSheet): SheetView => ({
      ...sheet,
      unit: { id: sheet.unitId, name: st.units.find((u) => u.id === sheet.unitId)?.name ?? sheet.unitId },
      status: sheetStatus(sheet, today()),
      docUrl: `/api/notice-sheets/${sheet.id}/document.docx`,
    });
    /** A unit's people see their units' sheets; the 督考办, evaluators and district leaders all. */
    const readable = (v: Viewer, id: string): NoticeSheet => {
      const sheet = state().noticeSheets?.[id];
      if (!sheet || !(v.readsAll || v.unitIds.has(sheet.unitId)))
        throw new AppError('NOT_FOUND', `没有找到督办通知单 ${id}`);
      return sheet;
    };

    serve(
      fastify,
      api.sheets,
      { config: can('sheet.read'), tags: ['督考办'], summary: '督办通知单(单位:本单位的),新发出的在前' },
      async (req) => {
        const v = viewerOf(req);
        const st = state();
        const items = Object.values(st.noticeSheets ?? {})
          .filter(
            (x) => (v.readsAll || v.unitIds.has(x.unitId)) && (!req.query.unitId || x.unitId === req.query.unitId),
          )
          .sort((a, b) => b.seq - a.seq)
          .map((x) => view(st, x));
        return { today: today(), items };
      },
    );
    serve(
      fastify,
      api.issueSheet,
      {
        config: can('sheet.issue'),
        tags: ['督考办'],
        summary: '发出督办通知单:一个单位的滞后事项,按红黄灯定级(或指定),立即送达',
      },
      async (req) => view(state(), await s.sheets.issue(actorOf(viewerOf(req)), req.body)),
    );
    serve(
      fastify,
      api.sheetCandidates,
      { config: can('sheet.issue'), tags: ['督考办'], summary: '可督办的事项:一个单位逾期和即将到期的事项' },
      async (req) => s.sheets.candidates(state(), req.query.unitId, today()),
    );
    serve(fastify, api.sheet, { config: can('sheet.read'), tags: ['督考办'], summary: '一份督办通知单' }, async (req) =>
      view(state(), readable(viewerOf(req), req.params.id)),
    );
    serve(
      fastify,
      api.signSheet,
      { config: can('sheet.sign'), tags: ['单位'], summary: '签收督办通知单(回执)' },
      async (req) => view(state(), (await s.sheets.sign(viewerOf(req).person, req.params.id, 'miniapp')).sheet),
    );
    serve(
      fastify,
      api.answerSheet,
      { config: can('sheet.sign'), tags: ['单位'], summary: '回复督办通知单的办理情况(附佐证材料)' },
      async (req) => {
        const v = viewerOf(req);
        const sheet = readable(v, req.params.id);
        await checkEvidence(v, sheet.items[0]!.taskId, req.body.evidence);
        return view(state(), await s.sheets.answer(v.person, req.params.id, req.body, 'miniapp'));
      },
    );
    const document = async (req: { params: { id: string } } & Parameters<typeof viewerOf>[0]) => {
      const st = state();
      const sheet = readable(viewerOf(req), req.params.id);
      const unitName = st.units.find((u) => u.id === sheet.unitId)?.name ?? sheet.unitId;
      const signer = sheet.signed && st.people.find((p) => p.id === sheet.signed!.by)?.name;
      const bytes = await noticeSheetDocx(sheet, { district: st.directory.district, unitName, signer });
      return { bytes, name: `督办通知单-${sheet.number}-${unitName}` };
    };
    const attachment = (name: string) => `attachment; filename*=UTF-8''${encodeURIComponent(name)}`;
    serve(
      fastify,
      api.sheetDocument,
      { config: can('sheet.read'), tags: ['督考办'], summary: '督办通知单(Word 文档,含回执)' },
      async (req, reply) => {
        const d = await document(req);
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
          .header('content-disposition', attachment(`${d.name}.docx`))
          .send(d.bytes);
      },
    );
    serve(
      fastify,
      api.sheetPdf,
      { config: can('sheet.read'), tags: ['督考办'], summary: '督办通知单(PDF,服务器装有 LibreOffice 时)' },
      async (req, reply) => {
        const d = await document(req);
        const pdf = await docxToPdf(d.bytes, 'sheet');
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', attachment(`${d.name}.pdf`))
          .send(pdf);
      },
    );
  };
}
