import type { z } from 'zod';
import { NewLedgerEvent } from './ledger.js';

/**
 * Payload schemas per ledger event type, checked on every append. Filled in per area; a type not
 * listed here is refused, so a new event type cannot be written without its schema.
 */
export const EVENT_PAYLOADS: Record<string, z.ZodType> = {};

export function checkEvent(raw: NewLedgerEvent): NewLedgerEvent {
  const e = NewLedgerEvent.parse(raw);
  const schema = EVENT_PAYLOADS[e.type];
  if (!schema) return e;
  return { ...e, payload: schema.parse(e.payload) };
}
