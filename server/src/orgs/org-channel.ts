import { ChannelSet } from '../channels/channel-set.js';
import type { Channel, OutboundMessage } from '../channels/channel.js';

/** A message of one organisation: its title says which (a clerk of the district and of the city tells them apart). */
export function withOrgName(message: OutboundMessage, orgName: string): OutboundMessage {
  const tag = `【${orgName}】`;
  switch (message.kind) {
    case 'text':
      return message.text.startsWith(tag) ? message : { ...message, text: `${tag}${message.text}` };
    case 'markdown':
    case 'actionCard':
      return message.title.startsWith(tag) ? message : { ...message, title: `${tag}${message.title}` };
  }
}

/** The platform channel as one organisation sends through it: notices and robot messages name the organisation. */
export function orgChannel(channel: Channel, orgName: string): Channel {
  return {
    name: channel.name,
    platform: channel.platform,
    capabilities: channel.capabilities,
    sendNotice: (userIds, message, options) => channel.sendNotice(userIds, withOrgName(message, orgName), options),
    checkNotice: (taskId) => channel.checkNotice(taskId),
    sendRobot: (userIds, message) => channel.sendRobot(userIds, withOrgName(message, orgName)),
    replyInSession: (webhook, message) => channel.replyInSession(webhook, message),
    createTodo: (input) => channel.createTodo({ ...input, subject: `【${orgName}】${input.subject}` }),
    completeTodo: (owner, todoId) => channel.completeTodo(owner, todoId),
    resolveAuthCode: (code) => channel.resolveAuthCode(code),
    downloadBotFile: (code) => channel.downloadBotFile(code),
    listContacts: () => channel.listContacts(),
  };
}

export function orgChannels(channels: ChannelSet, orgName: string): ChannelSet {
  return new ChannelSet(channels.channels.map((c) => orgChannel(c, orgName)));
}
