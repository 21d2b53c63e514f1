import type { RequestResult } from '../../../../shared/schemas/miniapp.js';
import type { RequestRecord } from '../../../../shared/schemas/request.js';
import type { State } from '../../model/state.js';
import { itemName } from './progress-service.js';
import { findObligation } from '../obligations/obligation-table.js';

/** A request as the mini-app and the bot are told about it: its state and the items it concerns, by name. */
export function requestResult(r: RequestRecord, state: Readonly<State>, today: string): RequestResult {
  const year = Number(today.slice(0, 4));
  return {
    id: r.id,
    seq: r.seq,
    state: r.state,
    late: r.late,
    obligations: r.obligationIds.map((id) => {
      const o = findObligation(state, id);
      return {
        obligationId: id,
        label: o ? itemName(o, year) : id.split(':').slice(1).join(' '),
        due: o?.due ?? r.previousDue ?? r.createdAt.slice(0, 10),
      };
    }),
  };
}
