import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { api } from '../../../shared/api.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import type { Viewer } from '../auth/viewer.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { Deps } from '../deps.js';
import type { Assessments } from '../domain/assessment/assessment.js';
import type { BookRules } from '../domain/obligations/obligation-book.js';
import { AppError } from '../errors.js';
import { ExpensiveReads } from '../auth/person-limits.js';
import type { State } from '../model/state.js';
import type { ExportPool } from '../export/export-pool.js';
import { annualReportHtml } from '../export/annual-report.js';
import { serve } from '../http/contract.js';

/** The year's files: the Excel 台账 and a unit's annual report (with its 考评 once it may see it). */
export function reportRoutes(
  deps: Deps,
  o: {
    assessments: Assessments;
    book: BookRules;
    /** Builds 台账 workbooks off the event loop. */
    exports: ExportPool;
  },
): FastifyPluginAsync {
  return async (fastify) => {
    // 台账 and annual reports: one at a time per person, two at once in all (expensive reads)
    const heavy = new ExpensiveReads();
    const a = o.assessments;
    const today = () => shanghaiDate(deps.clock.now());

    serve(
      fastify,
      api.exportLedger,
      {
        config: can('export.ledger'),
        tags: ['考评'],
        summary: '导出年度台账(Excel:总表、一事一档、一单位一档);单位导出本单位的',
      },
      async (req, reply) => {
        const v = viewerOf(req);
        const year = req.query.year;
        const state = deps.store.state.get();
        const current = Number(today().slice(0, 4));
        if (year !== current && year !== current - 1)
          throw new AppError(
            'VALIDATION_FAILED',
            `可导出 ${current - 1} 年和 ${current} 年的台账;更早的年度请用 npm run export 从数据目录导出`,
          );
        if (req.query.unitId && !v.readsAll && !v.unitIds.has(req.query.unitId))
          throw new AppError('FORBIDDEN', '只能导出本单位的台账');
        if (req.query.unitId && !state.units.some((u) => u.id === req.query.unitId))
          throw new AppError('UNIT_NOT_FOUND', `没有编号为 ${req.query.unitId} 的单位`);
        const scope = req.query.unitId ? new Set([req.query.unitId]) : v.readsAll ? undefined : v.unitIds;
        const leave = heavy.enter(v.person.id);
        const name = `督办台账-${year}${scope ? `-${[...scope].join('-')}` : ''}.xlsx`;
        const headers = {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
          'cache-control': 'no-store',
        };
        try {
          const scores = await a.scoreMaps(year, state);
          const input = {
            state,
            ledger: deps.store.ledger,
            year,
            unitIds: scope,
            scores,
            district: state.directory.district,
            now: deps.clock.now(),
          };
          // built in a worker thread: the event loop keeps answering
          const done = await o.exports.ledgerXlsx({ ...input, ...o.book });
          return reply.headers(headers).send(Buffer.from(done.bytes.buffer, done.bytes.byteOffset, done.bytes.length));
        } finally {
          leave();
        }
      },
    );
    serve(
      fastify,
      api.annualReport,
      {
        config: can('export.ledger'),
        tags: ['考评'],
        summary: '单位年度落实情况报告(可打印的网页;表格版见台账导出的 unitId)',
      },
      async (req, reply) => {
        const v = viewerOf(req);
        const { year, unitId } = req.query;
        const state = deps.store.state.get();
        if (!state.units.some((u) => u.id === unitId))
          throw new AppError('UNIT_NOT_FOUND', `没有编号为 ${unitId} 的单位`);
        if (!v.readsAll && !v.unitIds.has(unitId)) throw new AppError('FORBIDDEN', '只能查看本单位的年度报告');
        const leave = heavy.enter(v.person.id);
        try {
          return await annualReport(v, year, unitId, state, reply);
        } finally {
          leave();
        }
      },
    );
    const annualReport = async (
      v: Viewer,
      year: number,
      unitId: string,
      state: Readonly<State>,
      reply: FastifyReply,
    ): Promise<FastifyReply> => {
      // the score is in it once the unit may see it (the 督考办 sees a draft)
      let noItems = false;
      const mine = await a.unit(v, year, unitId, today(), state).catch((e: unknown) => {
        noItems = e instanceof AppError && e.code === 'NO_ASSESSMENT_ITEMS';
        return undefined;
      });
      const ranking = mine ? await a.view(year, state) : undefined;
      const html = await annualReportHtml({
        state,
        ledger: deps.store.ledger,
        book: o.book,
        year,
        unitId,
        assessment:
          mine && ranking
            ? {
                score: mine.score.score,
                rank: mine.score.rank,
                tied: mine.score.tied,
                of: ranking.scores.length,
                lines: mine.lines,
              }
            : undefined,
        noItems,
        now: deps.clock.now(),
      });
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    };
  };
}
