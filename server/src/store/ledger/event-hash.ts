import { createHash } from 'node:crypto';
import type { LedgerEvent } from '../../model/ledger.js';
import { canonicalJson } from '../../model/canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

/** sha256 over the previous event's hash and this event's canonical JSON (without its own hash). */
export function eventHash(event: Omit<LedgerEvent, 'hash'>): string {
  return createHash('sha256')
    .update(`${event.prevHash}\n${canonicalJson(event)}`)
    .digest('hex');
}
