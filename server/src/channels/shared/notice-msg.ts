import type { OutboundMessage } from '../channel.js';

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
        single_url: m.buttons[0]!.url,
      },
    };
  }
  return {
    msgtype: 'action_card',
    action_card: {
      title: m.title,
      markdown: m.markdown,
      btn_orientation: '1',
      btn_json_list: m.buttons.map((b) => ({ title: b.title, action_url: b.url })),
    },
  };
}
