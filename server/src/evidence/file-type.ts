/** What a file is, judged by its first bytes (never by its name). */
export interface DetectedType {
  mime: string;
  ext: string;
  kind: 'image' | 'document';
}

const starts = (b: Uint8Array, sig: number[], at = 0): boolean => sig.every((v, i) => b[at + i] === v);

/** A BMP's headers are consistent: offset within the file, a known DIB header size, one plane, a real bit depth. */
function isBmpHeader(b: Uint8Array): boolean {
  if (b.length < 30) return false;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dib = v.getUint32(14, true);
  const planes = v.getUint16(26, true);
  const bpp = v.getUint16(28, true);
  const dataOffset = v.getUint32(10, true);
  return (
    [12, 40, 52, 56, 108, 124].includes(dib) &&
    planes === 1 &&
    [1, 4, 8, 16, 24, 32].includes(bpp) &&
    dataOffset >= 14 + dib
  );
}

const hasText = (b: Uint8Array, text: string): boolean =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(text, 0, 'latin1');

/**
 * Allowed evidence types by magic bytes: JPEG, PNG, GIF, WebP, BMP, PDF, Office/WPS (OLE2: doc,
 * xls, ppt, wps, et, dps) and Office Open XML (docx, xlsx, pptx — a zip whose claimed extension
 * says which). Anything else is undefined (rejected).
 */
export function detectType(bytes: Uint8Array, claimedName = ''): DetectedType | undefined {
  const ext = claimedName.toLowerCase().match(/\.([a-z0-9]{1,5})$/)?.[1] ?? '';
  if (starts(bytes, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', ext: 'jpg', kind: 'image' };
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { mime: 'image/png', ext: 'png', kind: 'image' };
  if (starts(bytes, [0x47, 0x49, 0x46, 0x38])) return { mime: 'image/gif', ext: 'gif', kind: 'image' };
  if (starts(bytes, [0x52, 0x49, 0x46, 0x46]) && starts(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return { mime: 'image/webp', ext: 'webp', kind: 'image' };
  if (starts(bytes, [0x42, 0x4d]) && isBmpHeader(bytes)) return { mime: 'image/bmp', ext: 'bmp', kind: 'image' };
  if (starts(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { mime: 'application/pdf', ext: 'pdf', kind: 'document' };
  if (starts(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    const ole: Record<string, string> = {
      doc: 'application/msword',
      xls: 'application/vnd.ms-excel',
      ppt: 'application/vnd.ms-powerpoint',
      wps: 'application/vnd.ms-works',
      et: 'application/vnd.ms-excel',
      dps: 'application/vnd.ms-powerpoint',
    };
    return { mime: ole[ext] ?? 'application/x-ole-storage', ext: ole[ext] ? ext : 'doc', kind: 'document' };
  }
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const ooxml: Record<string, string> = {
      docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    };
    // an Office Open XML package names its parts in [Content_Types].xml, one of its first entries
    if (ooxml[ext] && hasText(bytes, '[Content_Types].xml')) return { mime: ooxml[ext]!, ext, kind: 'document' };
  }
  return undefined;
}
