import { serve } from '../http/contract.js';
import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import { can } from '../auth/permissions.js';
import { viewerOf } from '../auth/auth-hook.js';
import { shanghaiDate } from '../calendar/dates.js';
import { noticeYear, readHolidayNotice } from '../calendar/holiday-notice.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { Deps } from '../deps.js';
import { addCalendarYear, syncCalendar } from '../domain/calendar/calendar-years.js';
import { AppError } from '../errors.js';

/** 工作日历: which years have 放假安排; read the State Council's notice as pasted; add a year. */
export function calendarRoutes(
  deps: Deps,
  o: { calendar: WorkCalendar; warnings: () => string[] },
): FastifyPluginAsync {
  return async (fastify) => {
    const { calendar } = o;
    serve(
      fastify,
      api.calendar,
      { config: can('calendar.manage'), tags: ['督考办'], summary: '工作日历:各年度节假日数据' },
      async () => {
        const s = deps.store.state.get();
        syncCalendar(calendar, s);
        const today = shanghaiDate(deps.clock.now());
        const now = Number(today.slice(0, 4));
        const planYears = s.plans.flatMap((p) => (p.period ? [p.period.from, p.period.to] : []));
        const from = Math.min(now - 1, ...planYears);
        const added = new Set((s.calendarYears ?? []).map((y) => y.year));
        const years = [];
        for (let y = from; y <= now + 1; y += 1) {
          const src = calendar.yearSource(y);
          years.push({
            year: y,
            source:
              src === 'missing'
                ? ('missing' as const)
                : added.has(y) || src === 'override'
                  ? ('added' as const)
                  : ('package' as const),
          });
        }
        return { today, years, warnings: o.warnings() };
      },
    );
    serve(
      fastify,
      api.calendarRead,
      { config: can('calendar.manage'), tags: ['督考办'], summary: '识别国务院放假安排通知(不保存)' },
      async (req) => {
        const year = req.body.year ?? noticeYear(req.body.text);
        if (!year)
          throw new AppError(
            'VALIDATION_FAILED',
            '没有读出年份:请连同标题"关于XXXX年部分节假日安排的通知"一起粘贴,或选择年份',
          );
        const r = readHolidayNotice(req.body.text, year);
        return {
          year,
          festivals: r.festivals,
          problems: r.problems,
          holidays: r.override.holidays,
          workdays: r.override.workdays,
        };
      },
    );
    serve(
      fastify,
      api.calendarAdd,
      { config: can('calendar.manage'), tags: ['督考办'], summary: '保存一年的放假安排(记入台账,立即用于提醒)' },
      async (req) => {
        const v = viewerOf(req);
        const { replace, ...year } = req.body;
        return addCalendarYear(
          deps.store,
          calendar,
          year,
          { type: 'person', id: v.person.id, name: v.person.name },
          'miniapp',
          {
            replace,
          },
        );
      },
    );
  };
}
