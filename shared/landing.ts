import type { Me } from './schemas/miniapp.js';

/** A leader of the district government (区长, 副区长): reads everything, acts for no unit of the office's. */
export const isDistrictLeader = (me: Me): boolean =>
  me.readsAll && !me.roles.some((r) => r === 'supervisor' || r === 'admin' || r === 'evaluator');

/**
 * Where a person lands: the 督办总览 for those who oversee (督考办, evaluators, district leaders —
 * a district leader's own unit's items are one tap away), 我的任务 for those who act for units.
 * One rule for the mini-app's first page and the server's sign-in (which sends that page's data).
 */
export const landsOnOverview = (me: Me): boolean =>
  isDistrictLeader(me) || (me.can.includes('overview.read') && !me.can.includes('unit.act'));
