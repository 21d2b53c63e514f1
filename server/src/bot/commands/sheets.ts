import { cnDate } from '../../../../shared/cn-date.js';
import { SHEET_LEVEL_NAMES, type NoticeSheet } from '../../../../shared/schemas/notice-sheet.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { sheetLink } from '../../domain/supervision/notice-sheets.js';
import { done, text, type BotKit, type Listener, type Turn } from '../bot-kit.js';

/** The sender's units' sheets (oldest first) that `open` asks for. */
function sheetsOf(kit: BotKit, turn: Turn, open: (s: NoticeSheet) => boolean): NoticeSheet[] {
  return Object.values(kit.state().noticeSheets ?? {})
    .filter((s) => turn.person.unitIds.includes(s.unitId) && open(s))
    .sort((a, b) => a.seq - b.seq);
}

/** The sheet named by its number this year (3号), whoever it was sent to: the service decides who may act on it. */
const named = (kit: BotKit, n: number): NoticeSheet | undefined =>
  Object.values(kit.state().noticeSheets ?? {}).find((s) => s.year === kit.year() && s.n === n);

const none = (kit: BotKit): string | undefined => (kit.d.sheets ? undefined : '督办通知单暂不可用。');

/** 回执 · 收到督办单 [3号]: signs for the unit's unsigned 督办通知单 (all of them, or the one named). */
export const signSheet: Listener<'signSheet'> = async (command, turn, kit) => {
  const off = none(kit);
  if (off) return turn.send(text(off));
  const one = command.n === undefined ? undefined : named(kit, command.n);
  if (command.n !== undefined && !one) return turn.send(text(`没有督办〔${kit.year()}〕${command.n}号。`));
  const open = one ? [one] : sheetsOf(kit, turn, (s) => !s.signed);
  if (open.length === 0) return turn.send(text('没有待签收的督办通知单。'));
  const signed: NoticeSheet[] = [];
  for (const s of open) if (!(await kit.d.sheets!.sign(turn.person, s.id, 'bot')).already) signed.push(s);
  if (signed.length === 0) return turn.send(text(`督办通知单 ${open.map((s) => s.number).join('、')} 已签收过。`));
  const today = shanghaiDate(kit.d.clock.now());
  const lines = signed.map(
    (s) => `- ${s.number}(${SHEET_LEVEL_NAMES[s.level]}):请于 ${cnDate(s.replyBy, today)} 前回复办理情况`,
  );
  return turn.send(
    done(
      kit.d.publicUrl,
      `已签收督办通知单:\n${lines.join('\n')}\n\n回复办理情况:发送"回复督办单 办理情况",或在督办通中打开通知单回复(可附材料)。`,
    ),
  );
};

/** 回复督办单 [3号] 办理情况: the unit's answer to the sheet named, or to its one unanswered sheet. */
export const answerSheet: Listener<'answerSheet'> = async (command, turn, kit) => {
  const off = none(kit);
  if (off) return turn.send(text(off));
  let target = command.n === undefined ? undefined : named(kit, command.n);
  if (command.n !== undefined && !target) return turn.send(text(`没有督办〔${kit.year()}〕${command.n}号。`));
  if (!target) {
    const open = sheetsOf(kit, turn, (s) => !s.answer);
    if (open.length > 1)
      return turn.send(
        text(
          `有 ${open.length} 份督办通知单待回复(${open.map((s) => s.number).join('、')}):请写明是哪一份,例如:回复督办单 ${open[0]!.n}号 已完成整改`,
        ),
      );
    // none open: the last one answered (the service says it was answered already)
    target = open[0] ?? sheetsOf(kit, turn, () => true).at(-1);
  }
  if (!target) return turn.send(text('没有待回复的督办通知单。'));
  if (command.text.trim().length < 2)
    return turn.send(text(`请写上办理情况,例如:回复督办单 ${target.n}号 已完成整改并报送`));
  const s = await kit.d.sheets!.answer(turn.person, target.id, { text: command.text, evidence: [] }, 'bot');
  return turn.send(
    done(kit.d.publicUrl, `已回复督办通知单 ${s.number},督考办将据此核查。通知单:${sheetLink(kit.d.publicUrl, s.id)}`),
  );
};
