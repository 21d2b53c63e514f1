import type { ObligationRecord } from '../../model/obligation.js';

/** How an item is named to a person: its label, with the year when it is not this year's. */
export const itemName = (o: Pick<ObligationRecord, 'year' | 'label'>, year: number): string =>
  o.year === year ? o.label : `${o.year}年${o.label}`;
