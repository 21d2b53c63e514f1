import { serve } from '../http/contract.js';
import multipart from '@fastify/multipart';
import { can } from '../auth/permissions.js';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Buckets, DailyQuota } from '../auth/person-limits.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { api } from '../../../shared/api.js';
import { viewerOf, signedRoute } from '../auth/auth-hook.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import { canReadTask, seesAppealsOf, viewerFor, type Viewer } from '../auth/viewer.js';
import type { Deps } from '../deps.js';
import { evidenceKind, type TaskTimeline } from '../domain/progress/task-timeline.js';
import { MAX_EVIDENCE_BYTES, type EvidenceStore } from '../evidence/evidence-store.js';
import { AppError } from '../errors.js';

export interface EvidenceRouteOptions {
  evidence: EvidenceStore;
  timeline: TaskTimeline;
  sessions: SessionTokens;
  /** Uploads received at the same time (default 8); more are asked to retry. */
  maxConcurrentUploads?: number;
  /** Uploads per person, and bytes per unit per day. */
  uploads?: Buckets;
  quota?: DailyQuota;
}

/** A name a phone or PC would send; anything path-like is refused (it is never used as a path anyway). */
function checkName(name: string): void {
  // eslint-disable-next-line no-control-regex -- control characters never belong in a file name
  if (/[\\/]|(^|\.)\.\.(\.|$)|[\u0000-\u001f]/.test(name) || name.length > 255) {
    throw new AppError('BAD_FILE_NAME', '文件名不能包含路径或特殊字符,请改名后重新上传');
  }
}

/** Errors of the disk, not of the request: the server cannot store, the phone did nothing wrong. */
const DISK_TROUBLE = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EMFILE', 'ENFILE']);

/**
 * Evidence (佐证材料): POST /api/evidence takes one file as multipart/form-data, streamed to disk
 * under its sha256 (the same file is stored once); GET /api/evidence/:sha256 serves it to those
 * who may see a task it is attached to, or who uploaded it, with a session or a signed link.
 */
export function evidenceRoutes(deps: Deps, o: EvidenceRouteOptions): FastifyPluginAsync {
  return async (fastify) => {
    await fastify.register(multipart, {
      limits: { fileSize: MAX_EVIDENCE_BYTES, files: 3, fields: 5, parts: 10, fieldSize: 1024, headerPairs: 50 },
      throwFileSizeLimit: false,
      preservePath: true,
    });
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    // uploads stream to disk; more than a few at once only slow each other down and hold sockets
    let uploading = 0;
    const maxUploads = o.maxConcurrentUploads ?? 8;

    serve(
      app,
      api.upload,
      {
        config: can('evidence.upload'),
        tags: ['佐证材料'],
        summary: '上传一个佐证材料文件(multipart,字段名 file)',
        consumes: ['multipart/form-data'],
      },
      async (req, reply) => {
        const v = viewerOf(req);
        if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件');
        if (uploading >= maxUploads) throw new AppError('UNAVAILABLE', '正在上传的文件较多,请稍后重试');
        const unit = v.person.unitIds[0] ?? v.person.id;
        o.uploads?.take(`u:${v.person.id}`, '上传太频繁,请稍后再传');
        // the quota is held for the request's size before anything is written, settled after
        const declared = Number(req.headers['content-length']);
        const hold = o.quota?.reserve(unit, Number.isFinite(declared) && declared > 0 ? declared : 20 * 1024 * 1024);
        let stored = 0;
        uploading += 1;
        try {
          const r = await receiveUpload(deps, o, v, req);
          stored = r.stored;
          return r.body;
        } catch (error) {
          // refused before the body was read to its end: the rest is drained and the connection
          // closed after the answer, so the unread bytes are never taken for the next request
          reply.header('connection', 'close');
          req.raw.resume();
          throw error;
        } finally {
          uploading -= 1;
          hold?.settle(stored);
        }
      },
    );

    serve(
      app,
      api.evidence,
      {
        config: { ...signedRoute, ...can('evidence.read') },
        tags: ['佐证材料'],
        summary: '下载佐证材料(会话或签名链接;图片加 thumb=1 取缩略图)',
      },
      async (req, reply) => {
        const { sha256 } = req.params;
        if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('EVIDENCE_NOT_FOUND', '没有这个文件');
        const viewer = req.viewer ?? viewerFor(deps.store.state.get(), o.sessions.verifyFileLink(sha256, req.query));
        const access = await o.timeline.evidenceAccess(sha256);
        if (!access.meta) throw new AppError('EVIDENCE_NOT_FOUND', '没有这个文件');
        const allowed =
          access.uploaders.has(viewer.person.id) ||
          [...access.tasks].some((t) => canReadTask(deps.store.state.get(), viewer, t)) ||
          (access.appealUnits.size > 0 && seesAppealsOf(viewer, access.appealUnits));
        if (!allowed) throw new AppError('FORBIDDEN', '这个文件属于其他单位的任务,无权查看');
        const thumb =
          req.query.thumb === '1' && evidenceKind(access.meta) === 'image'
            ? await o.evidence.thumbnail(sha256)
            : undefined;
        if (thumb)
          return reply
            .header('content-type', 'image/jpeg')
            .header('x-content-type-options', 'nosniff')
            .header('cache-control', 'private, max-age=86400')
            .send(thumb);
        // a giant stored before uploads were checked is never sent to a phone to decode
        if (evidenceKind(access.meta) === 'image' && !(await o.evidence.servableImage(sha256)))
          throw new AppError('IMAGE_TOO_LARGE', '图片尺寸过大,无法在手机上显示,请下载后在电脑上查看');
        const file = await o.evidence.open(sha256);
        return reply
          .header('content-length', file.size)
          .header('content-type', access.meta.mime)
          .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(access.meta.name)}`)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, max-age=3600')
          .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
          .send(file.stream);
      },
    );
  };
}

/**
 * One uploaded file streamed to the evidence store, recorded in the ledger, answered with its
 * signed links: "already uploaded" only of the person's own files.
 */
async function receiveUpload(deps: Deps, o: EvidenceRouteOptions, v: Viewer, req: FastifyRequest) {
  let stored: Awaited<ReturnType<EvidenceStore['putStream']>> | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type !== 'file') continue;
      if (stored || part.fieldname !== 'file') {
        part.file.resume(); // drain parts we do not take, so the request completes
        continue;
      }
      checkName(part.filename);
      const file = part.file;
      stored = await o.evidence.putStream(file, part.filename, () => file.truncated);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const e = error as { code?: string; message?: string };
    if (e.code && DISK_TROUBLE.has(e.code))
      throw new AppError(
        'STORE_UNAVAILABLE',
        '服务器存储暂时不可用(空间已满或只读),文件未保存。请稍后重试,并告知管理员',
        { cause: error },
      );
    if (e.code === 'FST_FILES_LIMIT' || e.code === 'FST_PARTS_LIMIT' || e.code === 'FST_FIELDS_LIMIT')
      throw new AppError('BAD_REQUEST', '一次只能上传一个文件');
    throw new AppError('UPLOAD_INCOMPLETE', '文件没有传完整(网络中断?),请重新上传');
  }
  if (!stored) throw new AppError('BAD_REQUEST', '没有收到文件:请把文件放在表单字段 file 中');
  const { duplicate: stored0, ...meta } = stored;
  const counted = stored0 ? 0 : meta.size;
  // "already uploaded" speaks only of the person's own files: never that someone else has this one
  const duplicate = stored0 && (await o.timeline.evidenceAccess(meta.sha256)).uploaders.has(v.person.id);
  await deps.store.transact((_, tx) =>
    tx.append({
      type: 'evidence.uploaded',
      actor: { type: 'person', id: v.person.id, name: v.person.name },
      subject: { type: 'evidence', id: meta.sha256 },
      channel: 'miniapp',
      payload: { sha256: meta.sha256, name: meta.name, mime: meta.mime, size: meta.size, duplicate },
    }),
  );
  return {
    stored: counted,
    body: {
      sha256: meta.sha256,
      name: meta.name,
      mime: meta.mime,
      size: meta.size,
      kind: meta.kind,
      duplicate,
      ...o.sessions.evidenceUrls(meta.sha256, v.person.id, meta.kind),
    },
  };
}
