import type { Listeners } from '../bot-kit.js';
import { ack, ackAll } from './acknowledge.js';
import { confirmDraft, dropDraft, incomplete, unknown } from './conversation.js';
import { ackMany, ackWhich, attach, whichTask } from './ask.js';
import { detail } from './detail.js';
import { help } from './help.js';
import { myTasks } from './my-tasks.js';
import { report, refile } from './report.js';
import { complete, extend, withdraw } from './requests.js';
import { bindChat, unbindChat } from './chat.js';
import { answerSheet, signSheet } from './sheets.js';

/** Every command the parser knows and its listener (a command without one does not compile). */
export const COMMANDS: Listeners = {
  help,
  myTasks,
  ack,
  ackAll,
  ackMany,
  ackWhich,
  whichTask,
  attach,
  progress: (c, t, k) => report(c, t, k),
  noChange: (c, t, k) => report(c, t, k),
  refile,
  complete,
  extend,
  withdraw,
  detail,
  confirmDraft,
  dropDraft,
  incomplete,
  signSheet,
  answerSheet,
  bindChat,
  unbindChat,
  unknown,
};
