import { readFileSync } from 'node:fs';
import { importPlan } from './server/src/importer/import-plan.js';
import { seedDirectory } from './tests/helpers/seeds.js';
for (const f of process.argv.slice(2)) {
  try {
    const r = await importPlan({ name: f.split('/').pop()!, content: new Uint8Array(readFileSync(f)) }, seedDirectory());
    console.log('==', f, r.tasks.length, 'tasks');
    for (const t of r.tasks) console.log(' ', t.kind, t.number, t.title, '|', t.schedule.type, t.schedule.due ?? '', '|', r.assignments.filter((a) => a.taskId === t.id).map((a) => `${a.role}:${a.unitId}`).join(','));
  } catch (e) { console.log('==', f, 'ERROR', (e as Error).message.slice(0, 200)); }
}
