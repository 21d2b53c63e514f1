import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/seeds.js';

/** The layer rules bite: deliberately wrong imports, linted as if they lived where they would break a layer. */
describe('layers by rule (eslint no-restricted-imports)', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (filePath: string, code: string) => (await eslint.lintText(code, { filePath }))[0]!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);

  it('refuses a web framework, a store engine, a channel implementation or a route in domain/', async () => {
    expect(await lint('server/src/domain/progress/bad.ts', "import Fastify from 'fastify';\nexport const x = Fastify;\n")).toEqual([expect.stringContaining('domain/ uses ports')]);
    expect(await lint('server/src/domain/progress/bad.ts', "import { Low } from 'lowdb';\nexport const x = Low;\n")).toHaveLength(1);
    expect(await lint('server/src/domain/progress/bad.ts', "import { DingTalkChannel } from '../../channels/dingtalk/dingtalk-channel.js';\nexport const x = DingTalkChannel;\n")).toEqual([expect.stringContaining('through their ports')]);
    expect(await lint('server/src/domain/progress/bad.ts', "import { progressRoutes } from '../../routes/progress-routes.js';\nexport const x = progressRoutes;\n")).toHaveLength(1);
    // the ports themselves are fine
    expect(await lint('server/src/domain/progress/ok.ts', "import type { Store } from '../../store/ports.js';\nexport type X = Store;\n")).toEqual([]);
  });

  it('refuses DingTalk SDKs outside channels/dingtalk/ and a JSAPI outside miniapp/src/host/', async () => {
    expect(await lint('server/src/bot/bad.ts', "import dt from '@alicloud/dingtalk';\nexport const x = dt;\n")).toEqual([expect.stringContaining('Only server/src/channels/dingtalk/')]);
    expect(await lint('server/src/channels/dingtalk/ok.ts', "import dt from '@alicloud/dingtalk';\nexport const x = dt;\n")).toEqual([]);
    expect(await lint('miniapp/src/pages/Bad.tsx', "import * as dd from 'dingtalk-jsapi';\nexport const x = dd;\n")).toEqual([expect.stringContaining('Only miniapp/src/host/')]);
  });
});
