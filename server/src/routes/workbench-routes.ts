import { reopenLate } from '../domain/obligations/reopen-late.js';
import { ViewCache } from './view-cache.js';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { api } from '../../../shared/api.js';
import { ErrorBody } from '../../../shared/errors.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import { assertReadTask, type Viewer } from '../auth/viewer.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { Deps } from '../deps.js';
import type { Services } from '../services.js';
import { filterParts, overview, partsOf, sortParts } from '../domain/overview/overview.js';
import { designateUnits } from '../domain/plan/designate.js';
import { reviewItem } from '../domain/review/review-view.js';
import { assignmentView } from '../domain/plan/plan-queries.js';
import { addManualObligation } from '../domain/obligations/manual-obligations.js';
import { verifyDataDir } from '../store/ledger/verify.js';
import { issueBulletin, rectified } from '../domain/supervision/bulletins.js';

export interface WorkbenchRouteOptions {
  services: Pick<Services, 'calendar' | 'policy' | 'reviews' | 'supervision'>;
  sessions: SessionTokens;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody };

/** The 督考办's workbench: the review queue and decisions, the overview with its drill-downs, naming units. */
export function workbenchRoutes(deps: Deps, o: WorkbenchRouteOptions): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const state = () => deps.store.state.get();
    const today = () => shanghaiDate(deps.clock.now());
    const { reviews, supervision } = o.services;
    const rules = { calendar: o.services.calendar, policy: o.services.policy };
    /** Whose parts a viewer sees on the overview: the district, or a unit leader's own units. */
    const scopeOf = (v: Viewer) => (v.readsAll ? undefined : v.unitIds);
    const scopeKey = (v: Viewer) => (v.readsAll ? '*' : v.person.id);
    const views = new ViewCache();
    const actor = (v: Viewer) => ({ type: 'person' as const, id: v.person.id, name: v.person.name });

    app.get(
      api.reviews.path,
      {
        config: can('review.read'),
        schema: {
          tags: ['督考办'],
          summary: '审核队列:待审核(或已审核)的办结、延期申请和进展报告',
          querystring: api.reviews.query,
          response: { 200: api.reviews.response, ...errors },
        },
      },
      async (req, reply) => {
        const v = viewerOf(req);
        const s = state();
        const { limit, ...filter } = req.query;
        // once per committed state, person, query and day — and per 10 minutes, so the signed
        // evidence links in it (valid an hour) are always at least 50 minutes from expiring
        const window = Math.floor(deps.clock.now().getTime() / 600_000);
        const key = `reviews/${v.person.id}?${JSON.stringify(req.query)}|${today()}|${window}`;
        return views.send(req, reply, s, key, api.reviews.response, () => {
          const all = reviews.list(filter, s);
          return {
            today: today(),
            items: all.slice(0, limit).map((r) => reviewItem(s, r, o.sessions, v.person.id, today())),
            total: all.length,
          };
        });
      },
    );

    for (const [route, decision] of [
      [api.approveReview, 'approve'],
      [api.returnReview, 'return'],
    ] as const) {
      app.post(
        route.path,
        {
          config: can('review.decide'),
          schema: {
            tags: ['督考办'],
            summary: decision === 'approve' ? '审核通过 / 同意' : '退回 / 不同意(须写明理由)',
            params: route.params,
            body: route.body,
            response: { 200: route.response, ...errors },
          },
        },
        async (req) => {
          const v = viewerOf(req);
          const r = await reviews.decide(actor(v), req.params.id, decision, req.body.comment);
          return reviewItem(state(), r, o.sessions, v.person.id, today());
        },
      );
    }

    app.get(
      api.unitReviews.path,
      {
        config: can('review.confirm'),
        schema: {
          tags: ['督考办'],
          summary: '待我确认:本单位报送督考办前须分管领导确认的事项(两级审核)',
          response: { 200: api.unitReviews.response, ...errors },
        },
      },
      async (req) => {
        const v = viewerOf(req);
        const items = reviews.awaitingLeader(v);
        return {
          today: today(),
          items: items.map((r) => reviewItem(state(), r, o.sessions, v.person.id, today())),
          total: items.length,
        };
      },
    );
    for (const [route, decision] of [
      [api.confirmReview, 'approve'],
      [api.leaderReturnReview, 'return'],
    ] as const) {
      app.post(
        route.path,
        {
          config: can('review.confirm'),
          schema: {
            tags: ['督考办'],
            summary: decision === 'approve' ? '分管领导确认,报送督考办' : '分管领导退回(须写明理由)',
            params: route.params,
            body: route.body,
            response: { 200: route.response, ...errors },
          },
        },
        async (req) => {
          const v = viewerOf(req);
          return reviewItem(
            state(),
            await reviews.confirm(v, req.params.id, decision, req.body.comment),
            o.sessions,
            v.person.id,
            today(),
          );
        },
      );
    }

    app.get(
      api.overview.path,
      {
        config: can('overview.read'),
        schema: {
          tags: ['督考办'],
          summary: '督办总览:红黄绿灯按单位、按工程',
          querystring: api.overview.query,
          response: { 200: api.overview.response, ...errors },
        },
      },
      async (req, reply) => {
        const [s, day, v] = [state(), today(), viewerOf(req)];
        const key = `overview?${req.query.year ?? ''}|${day}|${scopeKey(v)}`;
        return views.send(req, reply, s, key, api.overview.response, () =>
          overview(s, rules, day, { year: req.query.year, unitIds: scopeOf(v) }),
        );
      },
    );

    app.get(
      api.parts.path,
      {
        config: can('overview.read'),
        schema: {
          tags: ['督考办'],
          summary: '总览下钻:按灯色、单位、工程、任务筛选的责任分工',
          querystring: api.parts.query,
          response: { 200: api.parts.response, ...errors },
        },
      },
      async (req, reply) => {
        const [s, day, v] = [state(), today(), viewerOf(req)];
        const { limit, year, ...filter } = req.query;
        const key = `parts?${JSON.stringify(req.query)}|${day}|${scopeKey(v)}`;
        return views.send(req, reply, s, key, api.parts.response, () => {
          const parts = sortParts(filterParts(partsOf(s, rules, day, { year, unitIds: scopeOf(v) }), filter));
          const lights = { red: 0, yellow: 0, green: 0 };
          for (const p of parts) lights[p.light] += 1;
          return { today: day, items: parts.slice(0, limit), total: parts.length, lights };
        });
      },
    );

    app.get(
      api.taskUnits.path,
      {
        config: can('task.read'),
        schema: {
          tags: ['任务'],
          summary: '任务的各单位情况(签收、最近进展、灯色)',
          params: api.taskUnits.params,
          response: { 200: api.taskUnits.response, ...errors },
        },
      },
      async (req) => {
        const v = viewerOf(req);
        const s = state();
        assertReadTask(s, v, req.params.id);
        const all = partsOf(s, rules, today()).filter((p) => p.task.id === req.params.id);
        // the lead unit sees its co-units (it files the consolidated report); a co-unit sees its own part
        const leads = all.some((p) => p.role === 'lead' && p.roleName === '牵头单位' && v.unitIds.has(p.unit.id));
        const parts = v.readsAll || leads ? all : all.filter((p) => v.unitIds.has(p.unit.id));
        const placeholders = s.assignments
          .filter((a) => a.taskId === req.params.id && a.status === 'toDesignate')
          .map((a) => ({
            assignmentId: a.id,
            group: { id: a.unitId, name: assignmentView(s, a).unitName },
            role: a.role,
          }));
        return { taskId: req.params.id, parts: sortParts(parts), placeholders };
      },
    );

    app.get(
      api.rounds.path,
      {
        config: can('supervision.read'),
        schema: {
          tags: ['督考办'],
          summary: '督查列表(已报送、逾期、未到期的数目)',
          response: { 200: api.rounds.response, ...errors },
        },
      },
      async () => ({ today: today(), items: supervision.list(state(), today()) }),
    );
    app.post(
      api.openRound.path,
      {
        config: can('supervision.manage'),
        schema: {
          tags: ['督考办'],
          summary: '发起督查:所选任务和单位、报送要求、截止日期',
          body: api.openRound.body,
          response: { 200: api.openRound.response, ...errors },
        },
      },
      async (req) => {
        const r = await supervision.openRound(actor(viewerOf(req)), req.body);
        return supervision.detail(r.id, today());
      },
    );
    app.get(
      api.round.path,
      {
        config: can('supervision.read'),
        schema: {
          tags: ['督考办'],
          summary: '督查情况:谁已报送、谁逾期',
          params: api.round.params,
          response: { 200: api.round.response, ...errors },
        },
      },
      async (req) => supervision.detail(req.params.id, today()),
    );
    app.post(
      api.closeRound.path,
      {
        config: can('supervision.manage'),
        schema: {
          tags: ['督考办'],
          summary: '结束督查(未报送的不再提醒)',
          params: api.closeRound.params,
          response: { 200: api.closeRound.response, ...errors },
        },
      },
      async (req) => {
        await supervision.closeRound(actor(viewerOf(req)), req.params.id);
        return supervision.detail(req.params.id, today());
      },
    );
    app.post(
      api.urge.path,
      {
        config: can('supervision.manage'),
        schema: {
          tags: ['督考办'],
          summary: '催办:一个单位、一项任务,立即通知并按期跟踪',
          body: api.urge.body,
          response: { 200: api.urge.response, ...errors },
        },
      },
      async (req) => supervision.urge(actor(viewerOf(req)), req.body),
    );
    app.get(
      api.manualItems.path,
      {
        config: can('supervision.read'),
        schema: {
          tags: ['督考办'],
          summary: '督考办添加的事项',
          querystring: api.manualItems.query,
          response: { 200: api.manualItems.response, ...errors },
        },
      },
      async (req) => ({
        items: state()
          .manualObligations.filter((m) => !req.query.taskId || m.taskId === req.query.taskId)
          .map(({ planId: _plan, ...m }) => m),
      }),
    );
    app.post(
      api.addManual.path,
      {
        config: can('supervision.manage'),
        schema: {
          tags: ['督考办'],
          summary: '为任务添加督办事项(所选单位或全部单位)',
          body: api.addManual.body,
          response: { 200: api.addManual.response, ...errors },
        },
      },
      async (req) => addManualObligation(deps.store, rules, req.body, actor(viewerOf(req))),
    );
    app.post(
      api.reopenLate.path,
      {
        config: can('supervision.manage'),
        schema: {
          tags: ['督考办'],
          summary: '重新打开已定稿年度的一个未完成事项,允许单位补报',
          params: api.reopenLate.params,
          body: api.reopenLate.body,
          response: { 200: api.reopenLate.response, ...errors },
        },
      },
      async (req) => reopenLate(deps.store, actor(viewerOf(req)), req.params.id, req.body.reason, rules.policy),
    );

    app.get(
      api.bulletins.path,
      {
        config: can('bulletin.read'),
        schema: {
          tags: ['督考办'],
          summary: '通报表扬、通报批评、约谈(单位看到点名本单位的)',
          querystring: api.bulletins.query,
          response: { 200: api.bulletins.response, ...errors },
        },
      },
      async (req) => {
        const v = viewerOf(req);
        const s = state();
        const names = new Map(s.units.map((u) => [u.id, u.name]));
        const items = Object.values(s.bulletins ?? {})
          .filter(
            (b) =>
              (!req.query.year || b.year === req.query.year) && (v.readsAll || b.unitIds.some((u) => v.unitIds.has(u))),
          )
          .sort((a, b) => b.seq - a.seq)
          .map((b) => ({
            ...b,
            units: b.unitIds.map((id) => ({ id, name: names.get(id) ?? id })),
            rectified: rectified(s, b),
          }));
        return { today: today(), items };
      },
    );
    app.post(
      api.issueBulletin.path,
      {
        config: can('bulletin.issue'),
        schema: {
          tags: ['督考办'],
          summary: '发布通报表扬 / 通报批评(附整改期限),或记录约谈',
          body: api.issueBulletin.body,
          response: { 200: api.issueBulletin.response, ...errors },
        },
      },
      async (req) =>
        issueBulletin({ store: deps.store, rules, publicUrl: deps.config.publicUrl }, actor(viewerOf(req)), req.body),
    );

    app.get(
      api.ledgerVerify.path,
      {
        config: can('ledger.verify'),
        schema: {
          tags: ['督考办'],
          summary: '校验台账:从第一条记录起检查哈希链,指出第一处问题',
          response: { 200: api.ledgerVerify.response, ...errors },
        },
      },
      async () => {
        const t0 = process.hrtime.bigint();
        const r = await verifyDataDir(deps.config.dataDir, { stopAtAnchor: true });
        return { ...r, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
      },
    );

    app.post(
      api.designate.path,
      {
        config: can('assignment.designate'),
        schema: {
          tags: ['督考办'],
          summary: '明确"待明确"单位组(区级有关部门等)的责任单位',
          params: api.designate.params,
          body: api.designate.body,
          response: { 200: api.designate.response, ...errors },
        },
      },
      async (req) =>
        designateUnits(
          { store: deps.store, clock: deps.clock, rules },
          actor(viewerOf(req)),
          req.params.id,
          req.body.unitIds,
        ),
    );
  };
}
