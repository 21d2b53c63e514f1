import type { Button } from '../channel.js';

/** DingTalk's client link that, tapped, sends `content` to the bot as the person, in one tap. */
export const sendMessageLink = (content: string): string =>
  `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(content)}`;

/** Where a button goes on DingTalk (and 浙政钉, its government edition). */
export const buttonHref = (b: Button): string => ('url' in b ? b.url : sendMessageLink(b.say));
