import { ChannelError, type OutboundMessage } from '../channel.js';
import { buttonHref } from './links.js';

/** Robot proactive message: msgKey + msgParam (a JSON string). */
export function robotMsg(m: OutboundMessage): { msgKey: string; msgParam: string } {
  if (m.kind === 'text') return { msgKey: 'sampleText', msgParam: JSON.stringify({ content: m.text }) };
  if (m.kind === 'markdown')
    return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: m.title, text: m.text }) };
  const n = m.buttons.length;
  if (n === 1)
    return {
      msgKey: 'sampleActionCard',
      msgParam: JSON.stringify({
        title: m.title,
        text: m.markdown,
        singleTitle: m.buttons[0]!.title,
        singleURL: buttonHref(m.buttons[0]!),
      }),
    };
  if (n < 2 || n > 5) throw new ChannelError('BAD_MESSAGE', `机器人卡片最多5个按钮(当前 ${n} 个)`, false);
  const param: Record<string, string> = { title: m.title, text: m.markdown };
  m.buttons.forEach((b, i) => {
    param[`actionTitle${i + 1}`] = b.title;
    param[`actionURL${i + 1}`] = buttonHref(b);
  });
  return { msgKey: `sampleActionCard${n}`, msgParam: JSON.stringify(param) };
}

/** Body for a session webhook (custom-robot webhook format, camelCase). */
export function webhookBody(m: OutboundMessage): Record<string, unknown> {
  // a group reply @-mentions its sender (DingTalk's session webhook: at.atUserIds)
  const at = m.kind !== 'actionCard' && m.at?.length ? { at: { atUserIds: m.at, isAtAll: false } } : {};
  if (m.kind === 'text') return { msgtype: 'text', text: { content: m.text }, ...at };
  if (m.kind === 'markdown') return { msgtype: 'markdown', markdown: { title: m.title, text: m.text }, ...at };
  if (m.buttons.length === 1)
    return {
      msgtype: 'actionCard',
      actionCard: {
        title: m.title,
        text: m.markdown,
        singleTitle: m.buttons[0]!.title,
        singleURL: buttonHref(m.buttons[0]!),
      },
    };
  return {
    msgtype: 'actionCard',
    actionCard: {
      title: m.title,
      text: m.markdown,
      btnOrientation: '0',
      btns: m.buttons.map((b) => ({ title: b.title, actionURL: buttonHref(b) })),
    },
  };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
