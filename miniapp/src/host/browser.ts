import { browserFile } from './upload';
import type { Host } from './types';

/** A plain browser (or a PC without DingTalk): no 免登; local mode offers a dev sign-in instead. */
export function browserHost(): Host {
  return {
    kind: 'browser',
    platform: 'dingtalk',
    ownNavBar: true,
    authCode: async () => undefined,
    setTitle: (title) => {
      document.title = title;
    },
    openLink: (url) => {
      window.location.href = url;
    },
    previewImages: () => false,
    fromFile: browserFile,
  };
}
