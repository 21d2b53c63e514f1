/**
 * Child process for the crash test: opens the store and writes ledger events and state updates
 * as fast as it can, printing "L <i>" / "S <i>" only after each write has been acknowledged.
 * The parent SIGKILLs it at a random moment.
 */
import { openStore } from '../../server/src/store/open-store.js';
import { appendEvents, updateState } from '../helpers/store-writes.js';

const [dir, startText] = process.argv.slice(2);
const start = Number(startText);
const store = await openStore(dir!, { clock: () => new Date(), maxSegmentBytes: 16 * 1024 });
process.stdout.write('READY\n');

async function ledgerLoop(): Promise<void> {
  for (let i = start; ; i += 1) {
    const batch = [0, 1, 2].map((k) => ({
      type: 'session.signedIn' as const,
      actor: { type: 'system' as const },
      subject: { type: 'n', id: String(i * 3 + k) },
      payload: { how: `n${i * 3 + k}` },
    }));
    await appendEvents(store, batch);
    process.stdout.write(`L ${i}\n`);
  }
}

async function stateLoop(): Promise<void> {
  for (let i = start; ; i += 1) {
    await updateState(store, (s) => {
      s.directory.note = String(i);
      s.imports = [{ planId: 'p', sha256: String(i), at: new Date().toISOString(), sourceName: 'x'.repeat(i % 500) }];
    });
    process.stdout.write(`S ${i}\n`);
  }
}

await Promise.all([ledgerLoop(), stateLoop()]);
