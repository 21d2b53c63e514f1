/**
 * Child for the transaction crash test: opens the store with the crash point named in argv[3]
 * armed, acknowledges one assignment through the ProgressService (one transaction: event +
 * fulfilment), and SIGKILLs itself at that point.
 */
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { ProgressService } from '../../server/src/domain/progress/progress-service.js';
import { DEFAULT_POLICY } from '../../server/src/domain/policy/policy.js';
import { openStore } from '../../server/src/store/open-store.js';

const [dir, assignmentId, point] = process.argv.slice(2) as [string, string, string];
const now = new Date('2019-03-01T09:00:00+08:00');
const store = await openStore(dir, {
  clock: () => now,
  crashPoint: (name) => {
    if (name === point) process.kill(process.pid, 'SIGKILL');
  },
});
const progress = new ProgressService({
  store,
  calendar: new WorkCalendar(),
  policy: DEFAULT_POLICY,
  clock: { now: () => now },
});
const assignment = store.state.get().assignments.find((a) => a.id === assignmentId)!;
await progress.acknowledge({ actor: { type: 'person', id: 'p-fsjd-c', name: '石刚' }, assignment, channel: 'miniapp' });
await store.close();
process.stdout.write('DONE\n');
