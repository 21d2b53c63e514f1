import type { Host } from './types';

/** A URL the native side can open: relative links are resolved against the page. */
export const absolute = (url: string): string => new URL(url, window.location.href).toString();

/**
 * Links and full-screen images through a platform's JSAPI — DingTalk's and 浙政钉's take the same
 * parameters. A link the client refuses opens in the page; a preview it refuses is left alone.
 */
export function nativeViewing(api: {
  openLink(p: { url: string }): Promise<unknown>;
  previewImage(p: { urls: string[]; current: string }): Promise<unknown>;
}): Pick<Host, 'openLink' | 'previewImages'> {
  return {
    openLink: (url) => {
      void api.openLink({ url: absolute(url) }).catch(() => (window.location.href = url));
    },
    previewImages: (urls, current) => {
      const all = urls.map(absolute);
      void api.previewImage({ urls: all, current: all[current] ?? all[0]! }).catch(() => undefined);
      return true;
    },
  };
}
