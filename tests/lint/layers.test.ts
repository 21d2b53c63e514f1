import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/seeds.js';

/** The layer rules bite: deliberately wrong imports, linted as if they lived where they would break a layer. */
describe('layers by rule (eslint no-restricted-imports)', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (filePath: string, code: string) =>
    (await eslint.lintText(code, { filePath }))[0]!.messages
      .filter((m) => m.ruleId === 'no-restricted-imports')
      .map((m) => m.message);

  it('refuses a web framework, a store engine, a channel implementation or a route in domain/', async () => {
    expect(
      await lint('server/src/domain/progress/bad.ts', "import Fastify from 'fastify';\nexport const x = Fastify;\n"),
    ).toEqual([expect.stringContaining('domain/ uses ports')]);
    expect(
      await lint('server/src/domain/progress/bad.ts', "import { Low } from 'lowdb';\nexport const x = Low;\n"),
    ).toHaveLength(1);
    expect(
      await lint(
        'server/src/domain/progress/bad.ts',
        "import { DingTalkChannel } from '../../channels/dingtalk/dingtalk-channel.js';\nexport const x = DingTalkChannel;\n",
      ),
    ).toEqual([expect.stringContaining('through their ports')]);
    expect(
      await lint(
        'server/src/domain/progress/bad.ts',
        "import { progressRoutes } from '../../routes/progress-routes.js';\nexport const x = progressRoutes;\n",
      ),
    ).toHaveLength(1);
    // the ports themselves are fine
    expect(
      await lint(
        'server/src/domain/progress/ok.ts',
        "import type { Store } from '../../store/ports.js';\nexport type X = Store;\n",
      ),
    ).toEqual([]);
  });

  it('refuses DingTalk SDKs outside channels/dingtalk/ and a JSAPI outside miniapp/src/host/', async () => {
    expect(await lint('server/src/bot/bad.ts', "import dt from '@alicloud/dingtalk';\nexport const x = dt;\n")).toEqual(
      [expect.stringContaining('Only server/src/channels/dingtalk/')],
    );
    expect(
      await lint('server/src/channels/dingtalk/ok.ts', "import dt from '@alicloud/dingtalk';\nexport const x = dt;\n"),
    ).toEqual([]);
    expect(
      await lint('miniapp/src/features/tasks/Bad.tsx', "import * as dd from 'dingtalk-jsapi';\nexport const x = dd;\n"),
    ).toEqual([expect.stringContaining('Only miniapp/src/host/')]);
  });

  it('keeps the importer pure, naming/ a leaf, the domain free of parsing, and the bot free of any platform', async () => {
    expect(
      await lint(
        'server/src/importer/bad.ts',
        "import { fulfilObligation } from '../domain/obligations/fulfil.js';\nexport const x = fulfilObligation;\n",
      ),
    ).toEqual([expect.stringContaining('importer/ parses documents')]);
    expect(
      await lint(
        'server/src/importer/ok.ts',
        "import { UnitResolver } from '../naming/unit-resolver.js';\nexport const x = UnitResolver;\n",
      ),
    ).toEqual([]);
    expect(
      await lint(
        'server/src/naming/bad.ts',
        "import { importPlan } from '../importer/import-plan.js';\nexport const x = importPlan;\n",
      ),
    ).toEqual([expect.stringContaining('naming/ is a leaf')]);
    expect(
      await lint(
        'server/src/naming/ok.ts',
        "import type { Unit } from '../../../shared/schemas/unit.js';\nexport type X = Unit;\n",
      ),
    ).toEqual([]);
    expect(
      await lint(
        'server/src/domain/plan/bad.ts',
        "import { importPlan } from '../../importer/import-plan.js';\nexport const x = importPlan;\n",
      ),
    ).toEqual([expect.stringContaining('does not parse documents')]);
    expect(
      await lint(
        'server/src/bot/bad.ts',
        "import { toBotEvent } from '../channels/dingtalk/robot-payload.js';\nexport const x = toBotEvent;\n",
      ),
    ).toEqual([expect.stringContaining('bot/ is platform-neutral')]);
    expect(
      await lint(
        'server/src/bot/ok.ts',
        "import type { BotEvent } from '../channels/bot-event.js';\nexport type X = BotEvent;\n",
      ),
    ).toEqual([]);
  });

  it('keeps the spine one way: model/ a leaf; store, channels and the dispatcher below the domain and bot', async () => {
    expect(
      await lint(
        'server/src/model/bad.ts',
        "import type { Store } from '../store/ports.js';\nexport type X = Store;\n",
      ),
    ).toEqual([expect.stringContaining('model/ is the leaf')]);
    expect(
      await lint(
        'server/src/store/bad.ts',
        "import { noticeInDraft } from '../domain/notices/notices.js';\nexport const x = noticeInDraft;\n",
      ),
    ).toEqual([expect.stringContaining('store/ keeps the state')]);
    expect(
      await lint('server/src/store/ok.ts', "import type { State } from '../model/state.js';\nexport type X = State;\n"),
    ).toEqual([]);
    expect(
      await lint(
        'server/src/channels/dingtalk/bad.ts',
        "import type { BotInbox } from '../../bot/bot-inbox.js';\nexport type X = BotInbox;\n",
      ),
    ).toEqual([expect.stringContaining('never to bot/')]);
    expect(
      await lint('server/src/channels/zzd/bad.ts', "import dt from '@alicloud/dingtalk';\nexport const x = dt;\n"),
    ).toEqual([expect.stringContaining('Only server/src/channels/dingtalk/')]);
    expect(
      await lint(
        'server/src/domain/review/bad.ts',
        "import { Dispatcher } from '../../outbox/dispatcher.js';\nexport const x = Dispatcher;\n",
      ),
    ).toEqual([expect.stringContaining('domain/notices/')]);
    expect(
      await lint(
        'server/src/outbox/bad.ts',
        "import { viewOf } from '../domain/reminders/reminder-view.js';\nexport const x = viewOf;\n",
      ),
    ).toEqual([expect.stringContaining('outbox/ sends rows as written')]);
  });

  it('refuses a platform named in domain/ or bot/ (#34 req 4)', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const syntax = async (filePath: string, code: string) =>
      (await eslint.lintText(code, { filePath }))[0]!.messages
        .filter((m) => m.ruleId === 'no-restricted-syntax')
        .map((m) => m.message);
    expect(await syntax('server/src/bot/bad.ts', "export const p = 'dingtalk';\n")).toEqual([
      expect.stringContaining('No platform'),
    ]);
    expect(
      await syntax('server/src/domain/progress/bad.ts', 'export const u = (c: string) => `dtmd://x?content=${c}`;\n'),
    ).toHaveLength(1);
    expect(await syntax('server/src/channels/dingtalk/ok.ts', "export const p = 'dingtalk';\n")).toEqual([]);
  });
});
