import type { TaskTimeline } from '../domain/progress/task-timeline.js';
import type { EvidenceStore } from '../evidence/evidence-store.js';
import type { Store } from '../store/ports.js';

/** A chore the scheduler runs at its start and then every `everyMs` of real time. */
export interface Chore {
  name: string;
  everyMs: number;
  /** What an operator should read in the log when something was done (nothing: undefined). */
  run(): Promise<string | undefined>;
}

/**
 * Evidence housekeeping: temp files of interrupted uploads go, and files never attached to
 * anything (nor waiting in a bot conversation) go once they are older than `graceMs`.
 */
export function evidenceSweep(
  d: { store: Store; evidence: EvidenceStore; timeline: TaskTimeline; now?: () => number },
  graceMs: number,
): Chore {
  return {
    name: '佐证材料清理',
    everyMs: 24 * 3_600_000,
    async run() {
      const keep = new Set(
        Object.values(d.store.state.get().botContext).flatMap((c) => c.pending.map((f) => f.sha256)),
      );
      const unattached = await d.timeline.unattached();
      const r = await d.evidence.sweep(unattached, keep, (d.now ?? Date.now)(), graceMs);
      return r.temps + r.removed > 0
        ? `佐证材料清理:${r.temps} 个未传完的临时文件,${r.removed} 个超过 ${Math.round(graceMs / 3_600_000)} 小时未使用的上传`
        : undefined;
    },
  };
}
