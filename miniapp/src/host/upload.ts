import { actionKey, parseUpload, type Upload } from '../api/client';
import { currentSession } from '../state/session';
import { apiUrl } from '../api/base';
import type { PickedFile } from './types';

/** Uploads with XMLHttpRequest, the one browser API that reports upload progress. */
export function xhrUpload(file: Blob, name: string, onProgress: (fraction: number | null) => void): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl('/api/evidence'));
    const s = currentSession();
    if (s) xhr.setRequestHeader('authorization', `Bearer ${s.token}`);
    xhr.setRequestHeader('idempotency-key', actionKey());
    xhr.upload.onprogress = (e) => onProgress(e.lengthComputable ? e.loaded / e.total : null);
    xhr.onload = () => {
      try {
        resolve(parseUpload(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error);
      }
    };
    xhr.onerror = () => reject(new Error('网络中断,上传失败,请重试'));
    xhr.ontimeout = () => reject(new Error('上传超时,请重试'));
    const form = new FormData();
    form.append('file', file, name);
    xhr.send(form);
  });
}

export function browserFile(file: File): PickedFile {
  return {
    name: file.name,
    size: file.size,
    ...(file.type.startsWith('image/') ? { preview: URL.createObjectURL(file) } : {}),
    upload: (onProgress) => xhrUpload(file, file.name, onProgress),
  };
}
