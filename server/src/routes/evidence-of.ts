import type { Viewer } from '../auth/viewer.js';
import type { EvidenceMeta, TaskTimeline } from '../domain/progress/task-timeline.js';
import { AppError } from '../errors.js';

/**
 * Evidence named in a submission (a report, a request, an appeal) must have been uploaded by this
 * person, or already be on the task: nobody attaches files they cannot see.
 */
export function evidenceChecker(
  timeline: TaskTimeline,
): (v: Viewer, taskId: string, shas: readonly string[]) => Promise<EvidenceMeta[]> {
  return async (v, taskId, shas) => {
    const out: EvidenceMeta[] = [];
    for (const sha of new Set(shas)) {
      const access = await timeline.evidenceAccess(sha);
      if (!access.meta || !(access.uploaders.has(v.person.id) || access.tasks.has(taskId)))
        throw new AppError('EVIDENCE_NOT_UPLOADED', '有文件没有上传成功,请重新上传后再提交');
      out.push(access.meta);
    }
    return out;
  };
}
