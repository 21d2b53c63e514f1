import { buttonHref } from '../dingtalk/links.js';
import { ChannelError, type OutboundMessage } from '../channel.js';

/**
 * Work notification `msg` (snake_case fields): DingTalk's asyncsend_v2 takes it, and 浙政钉's
 * /message/workNotification takes the same format as a JSON string.
 */
export function noticeMsg(m: OutboundMessage): Record<string, unknown> {
  if (m.kind === 'text') return { msgtype: 'text', text: { content: m.text } };
  if (m.kind === 'markdown') return { msgtype: 'markdown', markdown: { title: m.title, text: m.text } };
  if (m.buttons.length === 1) {
    return {
      msgtype: 'action_card',
      action_card: {
        title: m.title,
        markdown: m.markdown,
        single_title: m.buttons[0]!.title.slice(0, 20),
        single_url: buttonHref(m.buttons[0]!),
      },
    };
  }
  return {
    msgtype: 'action_card',
    action_card: {
      title: m.title,
      markdown: m.markdown,
      btn_orientation: '1',
      btn_json_list: m.buttons.map((b) => ({ title: b.title, action_url: buttonHref(b) })),
    },
  };
}

/**
 * A message cut to what the platform takes: the markdown (or text) loses whole lines from the end,
 * with a line saying the rest is in 督办通, until the JSON fits. The buttons stay.
 */
export function fitMessage(m: OutboundMessage, maxBytes: number): OutboundMessage {
  const size = (x: OutboundMessage): number => Buffer.byteLength(JSON.stringify(noticeMsg(x)));
  if (size(m) <= maxBytes) return m;
  const body = m.kind === 'text' ? m.text : m.kind === 'markdown' ? m.text : m.markdown;
  const lines = body.split('\n');
  const withBody = (text: string): OutboundMessage =>
    m.kind === 'text' ? { ...m, text } : m.kind === 'markdown' ? { ...m, text } : { ...m, markdown: text };
  for (let n = lines.length - 1; n >= 0; n -= 1) {
    const cut = withBody(`${lines.slice(0, n).join('\n')}\n\n……(完整内容请在督办通中查看)`);
    if (size(cut) <= maxBytes) return cut;
  }
  throw new ChannelError('MSG_TOO_LONG', '消息的标题和按钮已超过工作通知的长度限制', false);
}
