import { join } from 'node:path';
import { migrate } from './migrations.js';
import { STATE_FILE } from './open-store.js';
import { State } from '../model/state.js';
import { JOURNAL_FILE, readCommitted } from './lowdb/state-journal.js';

/**
 * The state document read without the lock and without writing (previews and dry runs may run
 * beside the server): migrated in memory and validated. Throws if it is missing or invalid.
 */
export async function readStateReadOnly(dataDir: string): Promise<State> {
  const committed = await readCommitted(join(dataDir, STATE_FILE), join(dataDir, JOURNAL_FILE));
  if (!committed) throw new Error(`${join(dataDir, STATE_FILE)} 不存在`);
  return State.parse(migrate(committed.doc).doc);
}
