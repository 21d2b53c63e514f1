import { STATE_VERSION } from '../model/state.js';

/**
 * Migrations of the state document: `migrations[n]` turns a version-n document into version n+1.
 * They run on load, before validation; the migrated document is written back durably.
 */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;
export const migrations: Record<number, Migration> = {
  /** 1 → 2: reminder engine state (fulfillments, outbox, 待办 records, scheduler marker, simulated clock). */
  1: (doc) => ({
    ...doc,
    fulfillments: {},
    outbox: [],
    todos: {},
    scheduler: { lastPlannedDate: null },
    simClock: null,
  }),
  /** 2 → 3: obligations added by hand. */
  2: (doc) => ({ ...doc, manualObligations: [] }),
  /** 3 → 4: the bot's per-person context (evidence waiting for its report). */
  3: (doc) => ({ ...doc, botContext: {} }),
  /**
   * 4 → 5: obligations are stored records, and the state records the ledger position it reflects. Before 5 the ledger was written
   * first, so the ledger as found is taken as reflected (`seq: -1` tells the opener to fill it in
   * from the ledger's head). The scheduler's pending `reminders.planned` event goes: a planned day
   * now commits with its event.
   */
  4: (doc) => {
    const scheduler = { ...(doc.scheduler as Record<string, unknown>) };
    delete scheduler.pendingEvent;
    // obligations become records: the plan's prose deadlines keep their list under a new name, and
    // the fulfilments recorded so far are applied when their years are materialised
    const { fulfillments, obligations, ...rest } = doc;
    return {
      ...rest,
      scheduler,
      ledger: { seq: -1, hash: '0'.repeat(64), unflushed: [] },
      proseObligations: obligations ?? [],
      obligations: {},
      materialised: {},
      legacyFulfillments: fulfillments ?? {},
      requests: {},
      lastReports: {},
      backfill: true,
      botContext: {},
    };
  },
  /** 5 → 6: a 待办 covers one or more obligations (one item of several units, a batch of 签收). */
  5: (doc) => {
    const todos: Record<string, unknown> = {};
    for (const [key, t] of Object.entries((doc.todos ?? {}) as Record<string, Record<string, unknown>>)) {
      const { obligationId, ...rest } = t;
      todos[key] = { ...rest, obligationIds: Array.isArray(t.obligationIds) ? t.obligationIds : [obligationId] };
    }
    return { ...doc, todos };
  },
  /**
   * 6 → 7: obligations are kept by year and plan, as lists (`obligations[year][planId]`), instead of
   * one record keyed by id: at province scale that record held millions of keys, which V8
   * enumerates and copies in seconds.
   */
  6: (doc) => {
    const byYear: Record<string, Record<string, unknown[]>> = {};
    for (const o of Object.values((doc.obligations ?? {}) as Record<string, { year: number; planId: string }>)) {
      const plans = (byYear[String(o.year)] ??= {});
      (plans[o.planId] ??= []).push(o);
    }
    return { ...doc, obligations: byYear };
  },
  /**
   * 7 → 8: a person has accounts per platform (`accounts: [{ platform: 'dingtalk', userId, unionId }]`)
   * instead of DingTalk-only fields, so a district can reach people on 浙政钉 too.
   */
  7: (doc) => ({
    ...doc,
    people: ((doc.people ?? []) as Array<Record<string, unknown>>).map((p) => {
      if (p.accounts || !p.dingtalk) return p;
      const { dingtalk, ...rest } = p;
      return { ...rest, accounts: [{ platform: 'dingtalk', ...(dingtalk as object) }] };
    }),
  }),
};

export function migrate(
  doc: Record<string, unknown>,
  steps: Record<number, Migration> = migrations,
  target = STATE_VERSION,
): { doc: Record<string, unknown>; from: number } {
  const from = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : 0;
  if (from > target) throw new Error(`状态文件的版本(${from})比本程序支持的版本(${target})新:请升级督办通后再启动`);
  let current = doc;
  for (let v = from; v < target; v += 1) {
    const step = steps[v];
    if (!step) throw new Error(`缺少从版本 ${v} 升级到 ${v + 1} 的迁移`);
    current = { ...step(current), schemaVersion: v + 1 };
  }
  return { doc: current, from };
}
