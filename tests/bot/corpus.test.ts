import { readFileSync } from 'node:fs';
import { Converter } from 'opencc-js/cn2t';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../server/src/bot/command-parser.js';
import type { BotCommand } from '../../server/src/bot/bot-command.js';
import { ROOT } from '../helpers/seeds.js';

/**
 * #32 req 6: how well the bot understands officials, measured. Each written reply, and the same
 * reply as officials also send it — in traditional characters, with full-width digits and
 * punctuation, wrapped in greetings and thanks, as voice-to-text without punctuation — is parsed and
 * judged: understood (what was meant), asked back (a question: fine, costs a tap), or wrong (an
 * action nobody meant). Any wrong action fails the test; the figures are printed.
 */
interface Case {
  text: string;
  want: string;
  variant: string;
}

const base = readFileSync(`${ROOT}tests/fixtures/bot/replies.txt`, 'utf8')
  .split('\n')
  .filter((l) => l.includes('⟶') && !l.startsWith('#'))
  .map((l) => {
    const [text, want] = l.split('⟶').map((x) => x.trim()) as [string, string];
    return { text, want };
  });

const toTraditional = Converter({ from: 'cn', to: 'tw' });
const fullWidth = (s: string): string =>
  s.replace(/[0-9,:;!?%#]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');
const voice = (s: string): string => s.replace(/[,,。.!!??::;;、\s]/g, '');

function cases(): Case[] {
  const out: Case[] = [];
  const seen = new Set<string>();
  const push = (text: string, want: string, variant: string): void => {
    if (seen.has(text)) return;
    seen.add(text);
    out.push({ text, want, variant });
  };
  for (const { text, want } of base) {
    push(text, want, 'written');
    push(toTraditional(text), want, 'traditional');
    push(fullWidth(text), want, 'full-width');
    if (!/^(help|myTasks|unknown)/.test(want)) push(`王主任好,${text},谢谢!`, want, 'polite');
    // voice-to-text drops punctuation; a list or range needs its separators, so those stay as written
    if (!/^(ackMany|help|unknown)/.test(want) && !/[-至和、]\s*\d/.test(text)) push(voice(text), want, 'voice');
  }
  return out;
}

const ACTIONS = new Set(['ack', 'ackMany', 'ackAll', 'progress', 'noChange', 'complete', 'extend', 'withdraw']);
const QUESTIONS = new Set(['ackWhich', 'whichTask', 'incomplete', 'unknown', 'confirmDraft', 'dropDraft']);

/** The command in the expectation's words: "progress 3", "ackMany 1,3,5", "ackWhich". */
function said(c: BotCommand): string {
  switch (c.kind) {
    case 'ack':
    case 'progress':
    case 'noChange':
    case 'complete':
    case 'extend':
    case 'withdraw':
    case 'detail':
      return `${c.kind} ${c.task}`;
    case 'ackMany':
      return `ackMany ${c.tasks.join(',')}`;
    default:
      return c.kind;
  }
}

function judge(c: Case): 'understood' | 'asked' | 'wrong' {
  const got = parseCommand(c.text);
  const words = said(got);
  if (c.want === 'ask') return ACTIONS.has(got.kind) ? 'wrong' : 'understood';
  if (c.want === 'unknown') return ACTIONS.has(got.kind) ? 'wrong' : got.kind === 'unknown' ? 'understood' : 'asked';
  if (words === c.want) return 'understood';
  return ACTIONS.has(got.kind)
    ? 'wrong'
    : QUESTIONS.has(got.kind) || got.kind === 'myTasks' || got.kind === 'help'
      ? 'asked'
      : 'wrong';
}

describe('the bot understands officials as they write (#32 req 6)', () => {
  const all = cases();
  it(`reads ${all.length} replies: ≥ 95 % understood, none acted on wrongly`, () => {
    expect(all.length).toBeGreaterThanOrEqual(300);
    const by = { understood: [] as Case[], asked: [] as Case[], wrong: [] as Case[] };
    for (const c of all) by[judge(c)].push(c);
    const pct = (n: number) => `${((100 * n) / all.length).toFixed(1)} %`;
    const variants = [...new Set(all.map((c) => c.variant))].map((v) => {
      const mine = all.filter((c) => c.variant === v);
      return `${v} ${mine.filter((c) => judge(c) === 'understood').length}/${mine.length}`;
    });
    console.log(
      `bot corpus: ${all.length} replies — understood ${by.understood.length} (${pct(by.understood.length)}), ` +
        `asked back ${by.asked.length} (${pct(by.asked.length)}), wrong ${by.wrong.length}; ${variants.join(' · ')}`,
    );
    for (const c of by.asked.slice(0, 40))
      console.log(`  asked: ${c.variant} ${JSON.stringify(c.text)} → ${said(parseCommand(c.text))} (meant ${c.want})`);
    expect(by.wrong.map((c) => `${c.variant} ${c.text} → ${said(parseCommand(c.text))} (meant ${c.want})`)).toEqual([]);
    expect(by.understood.length / all.length).toBeGreaterThanOrEqual(0.95);
  });
});
