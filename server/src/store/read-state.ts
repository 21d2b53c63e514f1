import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrate } from './migrations.js';
import { STATE_FILE } from './open-store.js';
import { State } from '../model/state.js';
import { parseStateText } from './state-seal.js';

/**
 * The state document read without the lock and without writing (previews and dry runs may run
 * beside the server): migrated in memory and validated. Throws if it is missing or invalid.
 */
export async function readStateReadOnly(dataDir: string): Promise<State> {
  return State.parse(
    migrate(parseStateText(await readFile(join(dataDir, STATE_FILE), 'utf8'), join(dataDir, STATE_FILE))).doc,
  );
}
