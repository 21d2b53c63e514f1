import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toBotEvent } from '../../server/src/channels/dingtalk/robot-payload.js';
import { ROOT } from '../helpers/seeds.js';

/** Captured-shape DingTalk robot bodies (tests/fixtures/dingtalk/) fed to the parser directly. */
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(`${ROOT}tests/fixtures/dingtalk/${name}.json`, 'utf8'));

describe('DingTalk robot payloads → the neutral bot event', () => {
  it('a single chat text: sender, conversation, trimmed text, the reply session', () => {
    expect(toBotEvent(fixture('robot-text-single'), 'http')).toEqual({
      msgId: 'msgD9jMnvQqGuT4N5Z3Hmu4sg==',
      at: new Date(1541034000000),
      transport: 'http',
      platform: 'dingtalk',
      sender: { userId: 'dt-fzb-c', unionId: 'ub25c3593ac4d5fc5e4ad', name: '吴超' },
      conversation: { id: 'cidRNLP7bDcRxLb0aXV2VPTbw==', type: 'single' },
      kind: 'text',
      text: '进展 11 已完成试点申报',
      files: [],
      reply: {
        webhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=c4d0e0f1a2b3',
        expiresAt: new Date(1541039400000),
      },
    });
  });

  it('a group @mention keeps the group and its title', () => {
    expect(toBotEvent(fixture('robot-text-group'), 'stream')).toMatchObject({
      conversation: { type: 'group', title: '越城区督办工作群' },
      text: '我的任务',
      sender: { userId: 'dt-sfj-c' },
    });
  });

  it('a picture, a file, rich text with a picture, and a voice message with its recognition', () => {
    expect(toBotEvent(fixture('robot-picture'), 'stream')).toMatchObject({
      kind: 'picture',
      text: '',
      files: [{ downloadCode: 'mIofN681YE3f/+m+NntqpmACHR7d/6oNv5NsBdfA1vF9Y2hc', kind: 'picture' }],
    });
    expect(toBotEvent(fixture('robot-file'), 'stream')).toMatchObject({
      kind: 'file',
      files: [{ downloadCode: 'Rt2Y8h1Wq0Xv3sFile', fileName: '试点申报材料.pdf', kind: 'file' }],
    });
    expect(toBotEvent(fixture('robot-richtext'), 'stream')).toMatchObject({
      kind: 'richText',
      text: '进展 22 已起草制度\n见附图',
      files: [{ downloadCode: 'dc1', kind: 'picture' }],
    });
    expect(toBotEvent(fixture('robot-audio'), 'stream')).toMatchObject({
      kind: 'audio',
      text: '我的任务',
      files: [{ downloadCode: 'audioDc9', kind: 'audio' }],
    });
  });

  it('a user outside the organisation has no staff id (the bot answers that it knows them not); junk is no event', () => {
    expect(toBotEvent(fixture('robot-external-user'), 'http')).toMatchObject({ sender: { userId: '', name: '访客' } });
    expect(toBotEvent({ msgtype: 'text' }, 'http')).toBeUndefined();
    expect(toBotEvent('not json', 'http')).toBeUndefined();
  });
});
