import type { LedgerEvent } from '../../model/ledger.js';

/**
 * Hands durable events to subscribers. A subscriber that throws is reported on stderr and never
 * turns a durable append into a failed one.
 */
export function notify(
  listeners: Iterable<(events: readonly LedgerEvent[]) => void>,
  events: readonly LedgerEvent[],
): void {
  for (const listener of listeners) {
    try {
      listener(events);
    } catch (error) {
      console.error(`台账订阅者处理事件 ${events[0]?.seq ?? '?'}… 时出错:${(error as Error).stack ?? String(error)}`);
    }
  }
}
