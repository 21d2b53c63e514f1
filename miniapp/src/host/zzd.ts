// 浙政钉's JSAPI, one module per function (es builds, so the bundle keeps only these four and the
// invoker they share); loaded only inside 浙政钉 (detectHost imports this module there alone).
import getAuthCode from 'gdt-jsapi/es/getAuthCode';
import setTitle from 'gdt-jsapi/es/setTitle';
import openLink from 'gdt-jsapi/es/openLink';
import previewImage from 'gdt-jsapi/es/previewImage';
import { browserFile } from './upload';
import { nativeViewing } from './native';
import type { Host } from './types';

/**
 * Inside 浙政钉 (Zhejiang's government DingTalk, user agent "TaurusApp"): 免登 through gdt-jsapi's
 * getAuthCode (no clientId; the code comes back as `code` or `auth_code`) and the server's
 * 浙政钉 exchange, native title, links and image preview. Photos are picked with the page's file
 * input, which the client turns into its camera/album sheet: gdt-jsapi's chooseImage/uploadFile
 * (dgChooseImage/dgUploadFile) store files in the platform's own drive and return its paths — they
 * cannot post to 督办通's /api/evidence, so they are no equivalent of DingTalk's uploadFile.
 */
export function zzdHost(): Host {
  return {
    kind: 'zzd',
    platform: 'zzd',
    ownNavBar: false,
    authCode: async () => {
      const corpId = new URLSearchParams(window.location.search).get('corpId');
      const r = await getAuthCode(corpId ? { corpId } : {});
      return r.code ?? r.auth_code;
    },
    setTitle: (title) => {
      void setTitle({ title }).catch(() => (document.title = title));
    },
    ...nativeViewing({ openLink, previewImage }),
    fromFile: browserFile,
  };
}
