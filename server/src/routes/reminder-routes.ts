import type { FastifyPluginAsync } from 'fastify';
import { can } from '../auth/permissions.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { api } from '../../../shared/api.js';
import { ErrorBody } from '../../../shared/errors.js';
import { serve } from '../http/contract.js';
import { SimClockStatus } from '../../../shared/schemas/reminders.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { viewerOf } from '../auth/auth-hook.js';
import { assertSupervisor } from '../auth/viewer.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { SimClock } from '../scheduler/sim-clock.js';

/** An instant written as YYYY-MM-DDTHH:MM (Asia/Shanghai unless an offset is given). */
export function parseLocalInstant(text: string): Date | undefined {
  const withTime = /T\d{2}:\d{2}/.test(text) ? text : `${text}T09:00`;
  const iso = /([+-]\d{2}:\d{2}|Z)$/.test(withTime) ? withTime : `${withTime}+08:00`;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/**
 * GET /api/reminders/preview?at= — who would be reminded of what, and why (the 督考办's preview).
 * Local mode only: GET/POST /dev/clock (outside /api: the emulator console calls it, with no session) — read and move the simulated clock; each move runs
 * the scheduler, so the day's reminders appear in the emulator console.
 */
export function reminderRoutes(
  deps: Deps,
  scheduler: Scheduler,
  calendar: WorkCalendar,
  sim?: { clock: SimClock; digestTime: string; onMove?: (at: Date) => Promise<void> },
): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    serve(
      app,
      api.remindersPreview,
      { config: can('reminders.preview'), tags: ['提醒'], summary: '预览某一时刻的提醒(不发送)' },
      async (req) => {
        assertSupervisor(viewerOf(req));
        const at = req.query.at ? parseLocalInstant(req.query.at) : deps.clock.now();
        if (!at) throw new AppError('VALIDATION_FAILED', '查询参数 at 有误:格式应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM');
        const year = Number(shanghaiDate(at).slice(0, 4));
        if (year < 2000 || year > 2100)
          throw new AppError('VALIDATION_FAILED', '查询参数 at 有误:只能预览 2000–2100 年之间的时刻');
        return scheduler.preview(at);
      },
    );
    if (!sim) return;
    const status = () => {
      const now = deps.clock.now();
      const date = shanghaiDate(now);
      const info = calendar.info(date);
      const busy = scheduler.progress();
      return {
        now: now.toISOString(),
        date,
        dayName: info.name,
        workingDay: info.working,
        simulated: true,
        ...(busy ? { busy } : {}),
      };
    };
    app.get(
      '/dev/clock',
      { schema: { tags: ['本地模式'], summary: '模拟时钟', response: { 200: SimClockStatus } } },
      async () => status(),
    );
    app.post(
      '/dev/clock',
      {
        schema: {
          tags: ['本地模式'],
          summary: '拨动模拟时钟并运行一次调度',
          body: z.object({
            advance: z.enum(['nextWorkingDay', 'week']).optional(),
            to: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
              .optional(),
          }),
          response: { 200: SimClockStatus.extend({ tick: z.unknown() }), 400: ErrorBody, 409: ErrorBody },
        },
      },
      async (req) => {
        const today = shanghaiDate(deps.clock.now());
        let date: string;
        try {
          if (req.body.to) date = req.body.to;
          else if (req.body.advance === 'week')
            date = calendar.nextWorkingDay(
              new Date(Date.parse(`${today}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10),
            );
          else date = calendar.addWorkingDays(today, 1);
        } catch (error) {
          throw new AppError('VALIDATION_FAILED', (error as Error).message);
        }
        const at = new Date(`${date}T${sim.digestTime}:00+08:00`);
        // the ledger is in time order: the simulated clock only moves forward
        if (at.getTime() < deps.clock.now().getTime())
          throw new AppError(
            'CLOCK_BACKWARDS',
            `模拟时钟不能往回拨(现在是 ${today},台账按时间顺序记录)。如需从头开始,请换一个数据目录(DUBAN_DATA_DIR)重新启动`,
          );
        const moveTo = async (t: Date): Promise<void> => {
          await sim.clock.set(t);
          await sim.onMove?.(t);
        };
        await scheduler.catchUpTo(at, moveTo);
        await moveTo(at);
        const { plan: _plan, ...tick } = await scheduler.runUntilIdle(at);
        return { ...status(), tick };
      },
    );
  };
}
