import type { FastifyInstance } from 'fastify';
import type { EmulatorState } from '../state.js';
import { oapiFail, route } from '../wire.js';

const LIMITS: Record<string, { maxBytes: number; ext: string[] }> = {
  image: { maxBytes: 20 * 1024 * 1024, ext: ['jpg', 'jpeg', 'gif', 'png', 'bmp'] },
  voice: { maxBytes: 2 * 1024 * 1024, ext: ['amr', 'mp3', 'wav'] },
  video: { maxBytes: 20 * 1024 * 1024, ext: ['mp4'] },
  file: { maxBytes: 20 * 1024 * 1024, ext: ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'zip', 'pdf', 'rar'] },
};

/** POST /media/upload: multipart `media` + `type`, with the platform's type and size checks. */
export function mediaRoutes(f: FastifyInstance, state: EmulatorState): void {
  route(f, state, { method: 'POST', url: '/media/upload', api: 'media.upload', style: 'oapi' }, async (_ctx, req) => {
    if (!req.isMultipart()) throw oapiFail(40035, '请使用 multipart/form-data 上传');
    let type = (req.query as Record<string, string | undefined>).type;
    let file: { fileName: string; bytes: Buffer; truncated: boolean } | undefined;
    for await (const part of req.parts({ limits: { fileSize: 20 * 1024 * 1024 + 1 } })) {
      if (part.type === 'field' && part.fieldname === 'type') type = String(part.value);
      else if (part.type === 'file' && part.fieldname === 'media' && !file) {
        const bytes = await part.toBuffer().catch(() => Buffer.alloc(0));
        file = { fileName: part.filename, bytes, truncated: part.file.truncated };
      } else if (part.type === 'file') part.file.resume();
    }
    const limit = LIMITS[type ?? ''];
    if (!limit) throw oapiFail(40004, '无效的媒体文件类型');
    if (!file) throw oapiFail(40035, '缺少参数 media');
    const ext = file.fileName.split('.').pop()?.toLowerCase() ?? '';
    if (!limit.ext.includes(ext)) throw oapiFail(40005, '无效的文件类型');
    if (file.truncated || file.bytes.length > limit.maxBytes || file.bytes.length === 0)
      throw oapiFail(40006, '无效的文件大小');
    const mediaId = `@lA${state.random.id(20)}`;
    const createdAt = state.clock.now();
    state.media.set(mediaId, { type: type!, fileName: file.fileName, bytes: file.bytes, createdAt });
    return { media_id: mediaId, created_at: createdAt, type };
  });
}
