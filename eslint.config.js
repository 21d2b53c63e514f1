// Flat config: ESLint's recommended rules plus typescript-eslint's (syntax-only, so lint stays fast).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What pure text code (importer/, naming/) never reaches: storage, HTTP, platforms, import writing. */
const BEYOND_PARSING = [
  '**/store/**',
  '**/routes/**',
  '**/channels/**',
  '**/plan-import/**',
  'fastify',
  '@fastify/*',
  '@alicloud/*',
  'dingtalk-stream',
];

/** DingTalk's SDKs: only server/src/channels/dingtalk/ imports them. */
const SDKS = {
  group: ['@alicloud/*', 'dingtalk-stream'],
  message: 'Only server/src/channels/dingtalk/ imports DingTalk SDKs.',
};

/** A floor of the server and the folders above it that it never imports (the spine runs one way). */
function floor(files, above, message, { sdks = true } = {}) {
  const patterns = [{ group: above, message }, ...(sdks ? [SDKS] : [])];
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'scratch/', 'data/', 'miniapp/dist/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // process.env is read only by server/src/config.ts and the entry points (ARCHITECTURE rule 4).
    files: ['server/src/**/*.{ts,tsx}'],
    ignores: ['server/src/config.ts', 'server/src/main.ts', 'server/src/cli/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through config.ts (ARCHITECTURE rule 4).' },
      ],
    },
  },
  {
    // Layers by rule (#17): the domain knows no transport, store engine or platform SDK; only a
    // platform's channel folder imports its SDKs; only miniapp/src/host/ touches a JSAPI.
    files: ['server/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'fastify',
                'fastify/*',
                '@fastify/*',
                'lowdb',
                'lowdb/*',
                'pg',
                '@alicloud/*',
                'dingtalk-stream',
                'ws',
              ],
              message:
                'domain/ uses ports and plain data: no web framework, store engine or platform SDK (docs/ARCHITECTURE.md).',
            },
            {
              group: ['**/channels/*/**', '**/routes/**', '**/store/lowdb/**', '**/store/ledger/**', '**/store/pg/**'],
              message:
                'domain/ reaches channels and the store only through their ports (channels/channel.ts, store/ports.ts).',
            },
            {
              group: ['**/importer/**', '**/plan-import/**', '**/bot/**'],
              message:
                'domain/ does not parse documents or chat: importer/ and bot/ call the domain, not the other way round.',
            },
            {
              group: ['**/outbox/**', '**/scheduler/**'],
              message:
                'domain/ asks for notices through domain/notices/ (rows in the state); the dispatcher and the scheduler call the domain, not the other way round.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/**/*.{ts,tsx}'],
    ignores: ['server/src/channels/dingtalk/**', 'server/src/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@alicloud/*', 'dingtalk-stream'],
              message: 'Only server/src/channels/dingtalk/ imports DingTalk SDKs.',
            },
          ],
        },
      ],
    },
  },
  {
    // importer/ is pure parsing: it knows unit names (naming/) but no domain, store, route or channel
    files: ['server/src/importer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/domain/**', ...BEYOND_PARSING],
              message:
                'importer/ parses documents and nothing else: no domain, store, route or channel (naming/ holds what it shares with the domain).',
            },
          ],
        },
      ],
    },
  },
  {
    // naming/ is a leaf both the importer and the domain use: unit names, their lookup
    files: ['server/src/naming/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/domain/**', '**/importer/**', '**/bot/**', ...BEYOND_PARSING],
              message: 'naming/ is a leaf: it imports only shared/ schemas.',
            },
          ],
        },
      ],
    },
  },
  {
    // the bot knows the neutral event (channels/bot-event.ts) and the channel port, never a platform
    files: ['server/src/bot/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/channels/*/**'],
              message:
                'bot/ is platform-neutral: receivers in channels/<platform>/ parse and hand it the neutral event.',
            },
            {
              group: ['@alicloud/*', 'dingtalk-stream'],
              message: 'Only server/src/channels/dingtalk/ imports DingTalk SDKs.',
            },
          ],
        },
      ],
    },
  },
  // The spine (docs/ARCHITECTURE.md rule 16): model/ is a leaf; the store, channels and the
  // dispatcher sit below the domain, bot and scheduler and never import them.
  floor(
    ['server/src/model/**/*.ts'],
    [
      '**/store/**',
      '**/domain/**',
      '**/outbox/**',
      '**/channels/**',
      '**/bot/**',
      '**/routes/**',
      '**/scheduler/**',
      '**/importer/**',
      '**/calendar/**',
      '**/deps.js',
      '**/config.js',
    ],
    'model/ is the leaf every floor shares: it imports only shared/ and zod.',
  ),
  floor(
    ['server/src/store/**/*.ts'],
    ['**/outbox/**', '**/domain/**', '**/bot/**', '**/routes/**', '**/scheduler/**', '**/channels/**'],
    'store/ keeps the state (model/) and the ledger: it knows no outbox, domain, bot, route or channel.',
  ),
  ...[false, true].map((dingtalk) => ({
    ...floor(
      [dingtalk ? 'server/src/channels/dingtalk/**/*.ts' : 'server/src/channels/**/*.ts'],
      ['**/bot/**', '**/domain/**', '**/store/**', '**/outbox/**', '**/routes/**', '**/scheduler/**', '**/deps.js'],
      'channels/ send and receive: a receiver hands payloads to a plain PayloadSink (channels/bot-event.ts), never to bot/.',
      { sdks: !dingtalk },
    ),
  })),
  floor(
    ['server/src/outbox/**/*.ts'],
    ['**/domain/**', '**/bot/**', '**/routes/**', '**/scheduler/**'],
    'outbox/ sends rows as written: what a notice says is decided above it (domain/notices/, scheduler/enqueue-day.ts).',
  ),
  {
    // a function says one thing: over 120 lines it needs a reason written where it stands
    files: ['server/src/**/*.{ts,tsx}'],
    rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }] },
  },
  {
    // platforms are named where they are spoken to (channels/, shared/schemas/person.ts), never
    // in the domain or the bot: an event says its platform, a button its words (ARCHITECTURE rule 1)
    files: ['server/src/domain/**/*.ts', 'server/src/bot/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/^(dingtalk|zzd)$/], Literal[value=/^dtmd:/], TemplateElement[value.raw=/^dtmd:/]',
          message:
            'No platform in domain/ or bot/: take it from the event or the directory (BotEvent.platform, Contacts.platform), a button says its words (Button.say).',
        },
      ],
    },
  },
  {
    files: ['miniapp/src/**/*.{ts,tsx}'],
    ignores: ['miniapp/src/host/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['dingtalk-jsapi', 'dingtalk-jsapi/*', 'gdt-jsapi', 'gdt-jsapi/*'],
              message: 'Only miniapp/src/host/ touches a JSAPI.',
            },
          ],
        },
      ],
    },
  },
);
