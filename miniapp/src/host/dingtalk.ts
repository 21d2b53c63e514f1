// The platform bridges (iOS, Android, Harmony and the PC client: DingTalk on a PC window runs the
// same page), then only the JSAPI calls we use, one module each, so the bundle stays small. These
// are CommonJS modules; their named `xxx$` exports survive the bundler's interop, `default` does not.
import { apiUrl } from '../api/base';
import 'dingtalk-jsapi/entry/union';
import { requestAuthCode$ as requestAuthCode } from 'dingtalk-jsapi/api/runtime/permission/requestAuthCode';
import { setTitle$ as setTitle } from 'dingtalk-jsapi/api/biz/navigation/setTitle';
import { openLink$ as openLink } from 'dingtalk-jsapi/api/biz/util/openLink';
import { previewImage$ as previewImage } from 'dingtalk-jsapi/api/biz/util/previewImage';
import { chooseImage$ as chooseImage } from 'dingtalk-jsapi/api/biz/util/chooseImage';
import { uploadFile$ as uploadFile } from 'dingtalk-jsapi/api/biz/util/uploadFile';
import { actionKey, parseUpload } from '../api/client';
import { currentSession } from '../state/session';
import { browserFile } from './upload';
import { absolute, nativeViewing } from './native';
import type { Host } from './types';

/** Inside DingTalk (政务钉钉): 免登 via requestAuthCode, native title, links, image preview, camera and album. */
export function dingtalkHost(): Host {
  return {
    kind: 'dingtalk',
    platform: 'dingtalk',
    ownNavBar: false,
    authCode: async (config) => {
      // the workbench URL usually carries corpId=$CORPID$; otherwise ask the server
      const fromUrl = new URLSearchParams(window.location.search).get('corpId');
      const c = await config();
      return (await requestAuthCode({ corpId: fromUrl ?? c.corpId, clientId: c.clientId } as { corpId: string })).code;
    },
    setTitle: (title) => {
      void setTitle({ title }).catch(() => undefined);
    },
    ...nativeViewing({ openLink, previewImage }),
    pickImages: async (count) => {
      const picked = await chooseImage({ count, sourceType: ['camera', 'album'] });
      return picked.filePaths.map((path, i) => ({
        name: `照片${i + 1}.jpg`,
        ...(picked.files?.[i]?.size ? { size: picked.files[i]!.size } : {}),
        upload: async (onProgress) => {
          onProgress(null); // the JSAPI upload reports no progress
          const s = currentSession();
          const res = await uploadFile({
            url: absolute(apiUrl('/api/evidence')),
            filePath: path,
            fileName: 'file',
            header: { ...(s ? { authorization: `Bearer ${s.token}` } : {}), 'idempotency-key': actionKey() },
            formData: {},
          });
          return parseUpload(
            Number(res.statusCode),
            typeof res.data === 'string' ? res.data : JSON.stringify(res.data),
          );
        },
      }));
    },
    fromFile: browserFile,
  };
}
