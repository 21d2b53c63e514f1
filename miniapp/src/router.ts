import { useEffect, useState } from 'react';

/** Routes: #/my, #/tasks (the list), #/tasks/<taskId>, #/tasks/<taskId>/act/<assignmentId>?mode=report|closure|extension */
export type Route =
  | { page: 'my' }
  | { page: 'list'; toDesignate?: boolean }
  | { page: 'task'; taskId: string }
  | { page: 'act'; taskId: string; assignmentId: string; mode: 'report' | 'closure' | 'extension' }
  | { page: 'office' }
  | { page: 'rounds' }
  | { page: 'bulletins' }
  | { page: 'import' }
  | { page: 'calendar' }
  | { page: 'mine' }
  | { page: 'assessment'; year: number; unitId?: string }
  | { page: 'round'; roundId: string }
  | { page: 'reviews'; status: 'pending' | 'decided' }
  | { page: 'parts'; filter: PartRouteFilter }
  /** 督办通知单: the list (`issueTo`: open the form for that unit), one sheet. */
  | { page: 'sheets'; issueTo?: string }
  | { page: 'sheet'; sheetId: string }
  /** 容错免责: claims and the 案例库; `claim`: open the claim form for that 通报 or item. */
  | { page: 'exemptions'; claim?: { bulletin?: string; item?: string } }
  | { page: 'instructions' }
  | { page: 'pilots' }
  | { page: 'evaluations' }
  | { page: 'board' }
  | { page: 'orgs' };

/** A drill-down as a link carries it (an escalation's button links here too). */
export interface PartRouteFilter {
  light?: string;
  unitId?: string;
  sectionId?: string;
  minOverdueDays?: string;
  title?: string;
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'tasks' && !parts[1])
    return new URLSearchParams(query).get('toDesignate') ? { page: 'list', toDesignate: true } : { page: 'list' };
  if (parts[0] === 'office') return { page: 'office' };
  if (parts[0] === 'assessment')
    return {
      page: 'assessment',
      year: Number(parts[1]) || new Date().getFullYear() - 1,
      ...(parts[2] ? { unitId: parts[2] } : {}),
    };
  if (parts[0] === 'bulletins') return { page: 'bulletins' };
  if (parts[0] === 'instructions') return { page: 'instructions' };
  if (parts[0] === 'pilots') return { page: 'pilots' };
  if (parts[0] === 'evaluations') return { page: 'evaluations' };
  if (parts[0] === 'board') return { page: 'board' };
  if (parts[0] === 'exemptions') {
    const q = new URLSearchParams(query);
    const bulletin = q.get('bulletin') ?? undefined;
    const item = q.get('item') ?? undefined;
    return bulletin || item
      ? { page: 'exemptions', claim: { ...(bulletin ? { bulletin } : {}), ...(item ? { item } : {}) } }
      : { page: 'exemptions' };
  }
  if (parts[0] === 'sheets') {
    if (parts[1]) return { page: 'sheet', sheetId: parts[1] };
    const to = new URLSearchParams(query).get('issueTo');
    return to ? { page: 'sheets', issueTo: to } : { page: 'sheets' };
  }
  if (parts[0] === 'import') return { page: 'import' };
  if (parts[0] === 'calendar') return { page: 'calendar' };
  if (parts[0] === 'orgs') return { page: 'orgs' };
  if (parts[0] === 'mine') return { page: 'mine' };
  if (parts[0] === 'rounds') return parts[1] ? { page: 'round', roundId: parts[1] } : { page: 'rounds' };
  if (parts[0] === 'reviews') return { page: 'reviews', status: parts[1] === 'decided' ? 'decided' : 'pending' };
  if (parts[0] === 'parts') {
    const q = new URLSearchParams(query);
    const filter: PartRouteFilter = {};
    for (const k of ['light', 'unitId', 'sectionId', 'minOverdueDays', 'title'] as const) {
      const v = q.get(k);
      if (v) filter[k] = v;
    }
    return { page: 'parts', filter };
  }
  if (parts[0] === 'tasks' && parts[1]) {
    if (parts[2] === 'act' && parts[3]) {
      const mode = new URLSearchParams(query).get('mode');
      return {
        page: 'act',
        taskId: parts[1],
        assignmentId: parts[3],
        mode: mode === 'closure' || mode === 'extension' ? mode : 'report',
      };
    }
    return { page: 'task', taskId: parts[1] };
  }
  return { page: 'my' };
}

export const href = {
  my: () => '#/my',
  list: (o: { toDesignate?: boolean } = {}) => (o.toDesignate ? '#/tasks?toDesignate=1' : '#/tasks'),
  task: (taskId: string) => `#/tasks/${encodeURIComponent(taskId)}`,
  office: () => '#/office',
  rounds: () => '#/rounds',
  bulletins: () => '#/bulletins',
  sheets: (issueTo?: string) => (issueTo ? `#/sheets?issueTo=${encodeURIComponent(issueTo)}` : '#/sheets'),
  sheet: (id: string) => `#/sheets/${encodeURIComponent(id)}`,
  instructions: () => '#/instructions',
  pilots: () => '#/pilots',
  evaluations: () => '#/evaluations',
  board: () => '#/board',
  exemptions: (claim: { bulletin?: string; item?: string } = {}) =>
    claim.bulletin
      ? `#/exemptions?bulletin=${encodeURIComponent(claim.bulletin)}`
      : claim.item
        ? `#/exemptions?item=${encodeURIComponent(claim.item)}`
        : '#/exemptions',
  importPlan: () => '#/import',
  calendar: () => '#/calendar',
  orgs: () => '#/orgs',
  /** A district leader's own unit's items (they land on the overview). */
  mine: () => '#/mine',
  assessment: (year: number, unitId?: string) =>
    `#/assessment/${year}${unitId ? `/${encodeURIComponent(unitId)}` : ''}`,
  round: (id: string) => `#/rounds/${encodeURIComponent(id)}`,
  reviews: (status: 'pending' | 'decided' = 'pending') => `#/reviews${status === 'decided' ? '/decided' : ''}`,
  parts: (f: PartRouteFilter) =>
    `#/parts?${new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => typeof e[1] === 'string')).toString()}`,
  act: (taskId: string, assignmentId: string, mode: 'report' | 'closure' | 'extension' = 'report') =>
    `#/tasks/${encodeURIComponent(taskId)}/act/${encodeURIComponent(assignmentId)}?mode=${mode}`,
};

export function go(to: string, replace = false): void {
  if (replace) window.location.replace(to);
  else window.location.hash = to;
}

let moved = false;
window.addEventListener('hashchange', () => (moved = true));

/** Back within the app when we navigated in it, else to `fallback` (opened straight from a notice). */
export function back(fallback = href.my()): void {
  if (moved) window.history.back();
  else go(fallback, true);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
