import { taskLabel } from '../../../shared/task-label.js';
import { serve } from '../http/contract.js';
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { api } from '../../../shared/api.js';
import type { ImportCorrection, ImportPreview, ImportUnit, PlanLossView } from '../../../shared/schemas/import.js';
import { lostNames, planLoss, type PlanLoss } from '../plan-import/plan-loss.js';
import type { UnitDirectory } from '../../../shared/schemas/unit.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { applyImport, checkApplySafety } from '../plan-import/apply-import.js';
import { AppError } from '../errors.js';
import { applyCorrections } from '../importer/corrections.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import { firstReminderDay } from '../domain/obligations/obligation-rules.js';
import type { ReminderPolicy } from '../domain/policy/policy.js';
import { ImportError } from '../importer/import-error.js';
import { templateXlsx } from '../importer/xlsx-template.js';
import type { ColumnChoice } from '../importer/draft.js';
import { ParsePoolError, type ParsePool } from '../importer/parse-pool.js';
import type { ImportResult } from '../importer/import-result.js';
import type { State } from '../model/state.js';

const MAX_BYTES = 20 * 1024 * 1024;

/**
 * Documents uploaded for checking, by content hash, until they are applied: a few, for an hour.
 * Nothing of an upload reaches the state (or anyone's reminders) before it is applied.
 */
class Uploads {
  private readonly files = new Map<
    string,
    { name: string; content: Uint8Array; at: number; columns?: readonly ColumnChoice[] }
  >();
  constructor(private readonly now: () => number) {}

  put(name: string, content: Uint8Array): string {
    const id = createHash('sha256').update(content).digest('hex');
    for (const [k, f] of this.files) if (this.now() - f.at > 3_600_000) this.files.delete(k);
    this.files.delete(id);
    this.files.set(id, { name, content, at: this.now() });
    while (this.files.size > 20) this.files.delete(this.files.keys().next().value!);
    return id;
  }

  get(id: string): { name: string; content: Uint8Array; columns?: readonly ColumnChoice[] } | undefined {
    return this.files.get(id);
  }

  /** How the 督考办 said to read the upload's tables: kept with it, so apply reads it the same way. */
  choose(id: string, columns: readonly ColumnChoice[]): void {
    const f = this.files.get(id);
    if (f) f.columns = columns;
  }

  drop(id: string): void {
    this.files.delete(id);
  }
}

const directoryOf = (s: Readonly<State>): UnitDirectory => ({
  district: s.directory.district,
  sample: s.directory.sample,
  units: s.units,
  groups: s.groups,
});

async function parse(
  pool: ParsePool,
  name: string,
  content: Uint8Array,
  s: Readonly<State>,
  columns?: readonly ColumnChoice[],
): Promise<ImportResult> {
  try {
    // in the pool's threads: a long document never holds the event loop
    return await pool.parse(name, content, directoryOf(s), columns);
  } catch (error) {
    if (error instanceof ImportError) throw new AppError(error.code, error.message);
    if (error instanceof ParsePoolError)
      throw error.code === 'PARSE_BUSY'
        ? new AppError('UNAVAILABLE', error.message)
        : new AppError('IMPORT_TOO_SLOW', error.message);
    throw error;
  }
}

/** The document as the 督考办 corrected it on the import page, checked as the CLI checks it. */
function corrected(
  parsed: ImportResult,
  body: { corrections: ImportCorrection[]; period?: { from: number; to: number } | undefined },
  s: Readonly<State>,
): ImportResult {
  try {
    let result = applyCorrections(parsed, body.corrections, directoryOf(s));
    if (body.period) result = { ...result, plan: { ...result.plan, period: body.period } };
    checkApplySafety(s, result, false, { emptyOnly: true });
    return result;
  } catch (error) {
    if (error instanceof ImportError)
      throw new AppError(error.code, error.message.replace(/;确需[^。]*$|。请检查文件格式;确需如此,加 --force$/, '。'));
    throw error;
  }
}

/**
 * Replacing a plan (its own id, or the active one whatever the id) loses tasks only when the 督考办
 * confirms the number lost; the old plan of another id stays, to switch back to.
 */
function confirmedLoss(
  s: Readonly<State>,
  result: ImportResult,
  body: { activate: boolean; confirmLost?: number | undefined },
): PlanLoss | undefined {
  const loss = planLoss(s, result, body.activate);
  if (loss && loss.lost.length > 0 && body.confirmLost !== loss.lost.length)
    throw new AppError(
      'IMPORT_LOSES_TASKS',
      `导入后《${loss.title}》的 ${loss.total} 项任务中有 ${loss.lost.length} 项不在新文件里(${lostNames(loss.lost)}),未导入。确认替换请注明将失去 ${loss.lost.length} 项任务`,
      { details: loss.lost.map((t) => ({ path: t.id, message: `${taskLabel(t)} ${t.title}` })) },
    );
  return loss;
}

function lossView(loss: PlanLoss | undefined): PlanLossView | null {
  if (!loss) return null;
  return {
    planId: loss.planId,
    title: loss.title,
    total: loss.total,
    lostCount: loss.lost.length,
    lost: loss.lost.slice(0, 50).map((t) => ({ id: t.id, label: taskLabel(t), title: t.title })),
  };
}

/** What the 督考办 checks before applying: each task with its source, units, roles, groups, time and warnings. */
export function importPreview(
  result: ImportResult,
  upload: string,
  s: Readonly<State>,
  when?: { calendar: WorkCalendar; policy: ReminderPolicy; now: Date },
): ImportPreview {
  const p = result.plan;
  const assumed = result.report.warnings.some((w) => w.code === 'PERIOD_ASSUMED');
  const first = when && p.period ? firstReminderDay(p, when.calendar, when.policy, when.now) : undefined;
  const units = new Map([...s.units, ...result.provisionalUnits].map((u) => [u.id, u]));
  const groups = new Map([...s.groups, ...result.provisionalGroups].map((g) => [g.id, g]));
  const provisional = new Set(result.provisionalUnits.map((u) => u.id));
  const taskLines = new Set(result.tasks.map((t) => t.id));
  const lineOf = new Map<number, string>();
  for (const t of result.tasks) lineOf.set(lineNo(t), t.id);
  return {
    upload,
    tables: result.tables,
    name: result.plan.source.name,
    format: result.plan.source.format,
    title: result.plan.title,
    planId: result.plan.id,
    replaces: s.plans.some((x) => x.id === result.plan.id),
    loss: lossView(s.plans.some((x) => x.id === result.plan.id) ? planLoss(s, result, false) : undefined),
    lossIfActive: lossView(s.activePlanId && s.activePlanId !== result.plan.id ? planLoss(s, result, true) : undefined),
    period: p.period ? { ...p.period, source: assumed ? 'issued' : 'title' } : null,
    remindersFrom: first?.from ?? null,
    periodEnded: first?.ended ?? false,
    counts: result.report.counts,
    conventions: result.report.conventions,
    warnings: result.report.warnings.filter((w) => w.line === undefined || !lineOf.has(w.line)),
    tasks: result.tasks.map((t) => {
      const of = result.assignments.filter((a) => a.taskId === t.id);
      const unitViews: ImportUnit[] = t.units.map((ref) => {
        if (ref.target.type === 'unit') {
          const u = units.get(ref.target.id);
          return {
            name: ref.name,
            role: ref.role,
            kind: provisional.has(ref.target.id) ? 'provisional' : 'unit',
            ...(u && u.name !== ref.name ? { resolvedName: u.name } : {}),
          };
        }
        const g = groups.get(ref.target.id);
        const members = of
          .filter((a) => a.viaGroupId === ref.target.id)
          .map((a) => units.get(a.unitId)?.name ?? a.unitId);
        return {
          name: ref.name,
          role: ref.role,
          kind: g?.expandable ? 'group' : 'toDesignate',
          ...(g && g.name !== ref.name ? { resolvedName: g.name } : {}),
          ...(members.length ? { members } : {}),
        };
      });
      const section = result.sections.find((x) => x.id === t.sectionId);
      return {
        id: t.id,
        kind: t.kind,
        label: t.label,
        title: t.title,
        line: lineNo(t),
        source: {
          body: t.body,
          units: t.unitsText,
          time: t.schedule.text,
          ...(result.originals?.[lineNo(t)] ? { original: result.originals[lineNo(t)] } : {}),
        },
        ...(section ? { section: `${section.label}${section.title}` } : {}),
        units: unitViews,
        reached: of.filter((a) => a.status === 'active').length,
        time: {
          text: t.schedule.text,
          type: t.schedule.type,
          ...(t.schedule.due ? { due: t.schedule.due } : {}),
          ...(t.schedule.flagged ? { flagged: true } : {}),
          ...(t.schedule.milestones ? { milestones: t.schedule.milestones } : {}),
        },
        leaders: t.leaders,
        warnings: result.report.warnings.filter(
          (w) => w.line !== undefined && lineOf.get(w.line) === t.id && taskLines.has(t.id),
        ),
      };
    }),
  };

  function lineNo(t: ImportResult['tasks'][number]): number {
    return result.lines[t.id] ?? 0;
  }
}

/** The import page's API: upload a document and see what it gives; apply it, with corrections. */
export function importRoutes(
  deps: Deps,
  rules: { calendar: WorkCalendar; policy: ReminderPolicy; parser: ParsePool },
): FastifyPluginAsync {
  const when = () => ({ ...rules, now: deps.clock.now() });
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const uploads = new Uploads(() => Date.now());
    // the document itself is the body (the page sends the file as is; its name in x-file-name)
    app.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: MAX_BYTES },
      (_req, body, done) => done(null, body),
    );

    serveTemplate(app);
    serveColumns(app, uploads, deps, rules, when);
    serve(
      app,
      api.importUpload,
      {
        config: can('plan.import'),
        bodyLimit: MAX_BYTES,
        tags: ['督考办'],
        summary: '上传计划文件(.docx .pdf .xlsx .txt),查看识别结果(不写入)',
      },
      async (req) => {
        const body = req.body;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw new AppError(
            'BAD_REQUEST',
            '请选择要导入的文件(以 application/octet-stream 上传,文件名放在 x-file-name)',
          );
        const raw = req.headers['x-file-name'];
        let name = '上传的文件';
        try {
          if (typeof raw === 'string' && raw)
            name = decodeURIComponent(raw)
              .replace(/^.*[\\/]/, '')
              .slice(0, 200);
        } catch {
          /* a malformed name: keep the default */
        }
        const content = new Uint8Array(body);
        const result = await parse(rules.parser, name, content, deps.store.state.get());
        return importPreview(result, uploads.put(name, content), deps.store.state.get(), when());
      },
    );

    serve(
      app,
      api.importApply,
      {
        config: can('plan.import'),
        tags: ['督考办'],
        summary: '导入计划(可附更正:删去某项、改责任单位及角色、改时间要求)',
      },
      async (req) => {
        const file = uploads.get(req.params.id);
        if (!file) throw new AppError('IMPORT_UPLOAD_EXPIRED', '上传的文件已过期(超过 1 小时或服务已重启),请重新上传');
        const s = deps.store.state.get();
        const result = corrected(await parse(rules.parser, file.name, file.content, s, file.columns), req.body, s);
        const loss = confirmedLoss(s, result, req.body);
        const v = viewerOf(req);
        const outcome = await applyImport(
          deps.store,
          result,
          { type: 'person', id: v.person.id, name: v.person.name },
          deps.clock.now(),
          {
            channel: 'miniapp',
            corrections: req.body.corrections,
            activate: req.body.activate,
            ...(loss && loss.lost.length > 0
              ? {
                  lost: {
                    planId: loss.planId,
                    tasks: loss.lost.map((t) => ({ id: t.id, label: taskLabel(t), title: t.title })),
                  },
                }
              : {}),
          },
        );
        uploads.drop(req.params.id);
        return {
          changed: outcome.changed,
          planId: result.plan.id,
          tasks: result.tasks.length,
          assignments: result.assignments.length,
          corrections: req.body.corrections.length,
          active: deps.store.state.get().activePlanId === result.plan.id,
        };
      },
    );

    serve(
      app,
      api.planActivate,
      { config: can('plan.import'), tags: ['督考办'], summary: '设为当前计划(我的任务、机器人编号、督办总览以它为准)' },
      async (req) => {
        const id = req.params.id;
        const v = viewerOf(req);
        const { result } = await deps.store.transact((draft, tx) => {
          if (!draft.plans.some((p) => p.id === id)) throw new AppError('PLAN_NOT_FOUND', '没有这个计划');
          const previous = draft.activePlanId;
          if (previous === id) return { planId: id, previous, changed: false };
          tx.append({
            type: 'plan.activated',
            actor: { type: 'person', id: v.person.id, name: v.person.name },
            subject: { type: 'plan', id },
            channel: 'miniapp',
            payload: { previous },
          });
          draft.activePlanId = id;
          return { planId: id, previous, changed: true };
        });
        return result;
      },
    );
  };
}

/** The standard 任务分解表 to fill in Excel/WPS (the same file as npm run import -- --template). */
function serveTemplate(app: Parameters<FastifyPluginAsync>[0]): void {
  serve(
    app,
    api.importTemplate,
    { config: can('plan.import'), tags: ['督考办'], summary: '下载标准任务分解表(Excel 模板),填好后可直接导入' },
    async (_req, reply) =>
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent('任务分解表模板.xlsx')}`)
        .header('cache-control', 'no-store')
        .send(await templateXlsx()),
  );
}

/** The column step: read the upload again as the 督考办 says (header row, each column's meaning), without writing. */
function serveColumns(
  app: Parameters<typeof serveTemplate>[0],
  uploads: Uploads,
  deps: Deps,
  rules: { parser: ParsePool },
  when: () => { calendar: WorkCalendar; policy: ReminderPolicy; now: Date },
): void {
  serve(
    app,
    api.importColumns,
    {
      config: can('plan.import'),
      tags: ['督考办'],
      summary: '按督考办指定的表头行和各列含义重新识别上传的文件(不写入)',
    },
    async (req) => {
      const file = uploads.get(req.params.id);
      if (!file) throw new AppError('IMPORT_UPLOAD_EXPIRED', '上传的文件已过期(超过 1 小时或服务已重启),请重新上传');
      if (req.body.tables.some((t) => !t.columns.includes('title')))
        throw new AppError('IMPORT_NO_TITLE_COLUMN', '请指出哪一列是任务内容(每张表都要有"任务"列)');
      const s = deps.store.state.get();
      const result = await parse(rules.parser, file.name, file.content, s, req.body.tables);
      uploads.choose(req.params.id, req.body.tables);
      return importPreview(result, req.params.id, s, when());
    },
  );
}
