import { crc32, deflateSync } from 'node:zlib';
/** Minimal files with real magic bytes, for evidence tests. */
export const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 1, 2, 3, 4, 0xff, 0xd9,
]);
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 7)]);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
export const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]);

/** A multipart/form-data request body with one file (and optionally more), as phones and browsers send it. */
export function multipartBody(
  field: string,
  name: string,
  bytes: Buffer,
  more: Array<{ field: string; name: string; bytes: Buffer }> = [],
): { headers: Record<string, string>; payload: Buffer } {
  const boundary = '----dubantong-test-boundary';
  const parts = [{ field, name, bytes }, ...more].map((p) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.field}"; filename="${p.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      p.bytes,
      Buffer.from('\r\n'),
    ]),
  );
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
  };
}

/**
 * A greyscale PNG whose header declares width × height. With `rows`, the pixel data is real (zero
 * rows, deflated: a few hundred KB that decode to width × height bytes — the memory trap); without,
 * a stub (only the header is ever read). `salt` makes otherwise equal files distinct.
 */
export function pngDeclaring(width: number, height: number, o: { rows?: boolean; salt?: number } = {}): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth; colour type 0 (greyscale)
  const data = o.rows ? deflateSync(Buffer.alloc((width + 1) * height), { level: 9 }) : deflateSync(Buffer.alloc(1024));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(o.salt !== undefined ? [chunk('tEXt', Buffer.from(`salt\0${o.salt}`))] : []),
    chunk('IDAT', data),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
