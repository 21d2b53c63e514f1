import type { FastifyPluginAsync } from 'fastify';
import { api } from '../../../shared/api.js';
import type { BoardFigures } from '../../../shared/schemas/workbench.js';
import { viewerOf } from '../auth/auth-hook.js';
import { can } from '../auth/permissions.js';
import { AppError } from '../errors.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { Deps } from '../deps.js';
import { sheetStatus } from '../domain/supervision/notice-sheets.js';
import { serve } from '../http/contract.js';
import type { State } from '../model/state.js';
import type { Services } from '../services.js';

/** The year's 批示件, 督办通知单, approved pilots and 越城样本, counted for the leaders' board. */
export function boardFigures(state: Readonly<State>, today: string, s: Pick<Services, 'instructions'>): BoardFigures {
  const year = Number(today.slice(0, 4));
  const inYear = (at: string | undefined) => at !== undefined && shanghaiDate(new Date(at)).startsWith(String(year));
  const instructions = s.instructions.list(state, today);
  const sheets = Object.values(state.noticeSheets ?? {}).filter((x) => x.year === year);
  const status = sheets.map((x) => sheetStatus(x, today));
  const pilots = Object.values(state.pilots ?? {}).filter((p) => p.status !== 'seeking' && inYear(p.approvedAt));
  return {
    today,
    year,
    instructions: {
      open: instructions.filter((i) => i.status === 'open').length,
      overdue: instructions.filter((i) => i.status === 'open' && i.due < today).length,
      closed: instructions.filter((i) => i.status === 'closed').length,
    },
    sheets: {
      unsigned: status.filter((x) => x === 'unsigned').length,
      unanswered: status.filter((x) => x === 'signed').length,
      late: status.filter((x) => x === 'late').length,
      answered: status.filter((x) => x === 'answered').length,
    },
    pilots: {
      national: pilots.filter((p) => p.level === 'national').length,
      provincial: pilots.filter((p) => p.level === 'provincial').length,
      city: pilots.filter((p) => p.level === 'city').length,
    },
    samples: Object.values(state.experiences ?? {}).filter(
      (x) => x.state === 'adopted' && x.sample && inYear(x.decision?.at),
    ).length,
  };
}

/** GET /api/board: what the leaders' board counts beside the overview's lights. */
export function boardRoutes(deps: Deps, s: Pick<Services, 'instructions'>): FastifyPluginAsync {
  return async (fastify) => {
    serve(
      fastify,
      api.board,
      { config: can('overview.read'), tags: ['督考办'], summary: '领导看板:批示件、督办通知单、试点和越城样本(本年)' },
      async (req) => {
        // district-wide counts: a unit leader's overview is their own units', so the board is not theirs
        if (!viewerOf(req).readsAll) throw new AppError('FORBIDDEN', '领导看板显示全区情况,只对区领导和督考办开放');
        return boardFigures(deps.store.state.get(), shanghaiDate(deps.clock.now()), s);
      },
    );
  };
}
