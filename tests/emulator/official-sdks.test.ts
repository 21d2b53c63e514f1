import * as openapi from '@alicloud/openapi-client';
import * as oauth2 from '@alicloud/dingtalk/dist/oauth2_1_0/client.js';
import * as robot from '@alicloud/dingtalk/dist/robot_1_0/client.js';
import * as todo from '@alicloud/dingtalk/dist/todo_1_0/client.js';
import * as teaUtil from '@alicloud/tea-util';
import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';

/** CommonJS default export (a TypeScript class), however the ESM loader wrapped it. */
type ClassOf<M> = M extends { default: { default: infer C } } ? C : never;
function cjsClass<M>(mod: M): ClassOf<M> {
  const d = (mod as { default: unknown }).default as { default?: unknown };
  return (typeof d === 'function' ? d : d.default) as ClassOf<M>;
}

/**
 * The official SDKs, used as their documentation shows, with only the endpoint changed
 * (protocol 'http' + endpoint for @alicloud/dingtalk; getEndpoint() for dingtalk-stream).
 */
class EmulatorStreamClient extends DWClient {
  constructor(
    opts: { clientId: string; clientSecret: string },
    private readonly gateway: string,
  ) {
    super(opts);
  }
  override async getEndpoint(): Promise<this> {
    const res = await fetch(`${this.gateway}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: this.config.ua,
        subscriptions: this.config.subscriptions,
      }),
    });
    const data = (await res.json()) as { endpoint: string; ticket: string };
    (this as unknown as { dw_url: string }).dw_url = `${data.endpoint}?ticket=${data.ticket}`;
    return this;
  }
}

describe('the official SDKs against the emulator', () => {
  let emu: RunningEmulator;
  let config: openapi.Config;
  beforeAll(async () => {
    emu = await startEmulator();
    config = new openapi.Config({ protocol: 'http', endpoint: `127.0.0.1:${emu.port}` });
  });
  afterAll(async () => emu.close());

  const token = async (): Promise<string> => {
    const Client = cjsClass(oauth2);
    const res = await new Client(config).getAccessToken(
      new oauth2.GetAccessTokenRequest({ appKey: emu.appKey, appSecret: emu.appSecret }),
    );
    return res.body!.accessToken!;
  };

  it('oauth2: fetches a token, the same one while it is valid, and rejects bad keys the documented way', async () => {
    const first = await token();
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(await token()).toBe(first);
    const Client = cjsClass(oauth2);
    const error = (await new Client(config)
      .getAccessToken(new oauth2.GetAccessTokenRequest({ appKey: emu.appKey, appSecret: 'wrong' }))
      .catch((e: unknown) => e)) as { code: string; statusCode: number };
    expect(error.code).toBe('invalidClientIdOrSecret');
    expect(error.statusCode).toBe(400);
  });

  it('robot: batchSend delivers to each user and validates like the platform', async () => {
    const Client = cjsClass(robot);
    const client = new Client(config);
    const headers = new robot.BatchSendOTOHeaders({ xAcsDingtalkAccessToken: await token() });
    const res = await client.batchSendOTOWithOptions(
      new robot.BatchSendOTORequest({
        robotCode: emu.appKey,
        userIds: ['dt-qfb-c', 'nobody'],
        msgKey: 'sampleMarkdown',
        msgParam: JSON.stringify({ title: '督办提醒', text: '### 今日待办' }),
      }),
      headers,
      new teaUtil.RuntimeOptions({}),
    );
    expect(res.body!.processQueryKey).toBeTruthy();
    expect(res.body!.invalidStaffIdList).toEqual(['nobody']);
    const inbox = await emu.admin<{ items: Array<{ kind: string; msgKey: string; msgParam: unknown }> }>(
      'GET',
      '/messages?userid=dt-qfb-c',
    );
    // what batchSend delivered (another test may have had this user talk to the robot)
    expect(inbox.items.filter((i) => i.msgKey !== undefined)).toEqual([
      expect.objectContaining({
        kind: 'robot',
        msgKey: 'sampleMarkdown',
        msgParam: { title: '督办提醒', text: '### 今日待办' },
      }),
    ]);

    const tooMany = await client
      .batchSendOTOWithOptions(
        new robot.BatchSendOTORequest({
          robotCode: emu.appKey,
          userIds: Array.from({ length: 21 }, (_, i) => `u${i}`),
          msgKey: 'sampleText',
          msgParam: '{"content":"x"}',
        }),
        headers,
        new teaUtil.RuntimeOptions({}),
      )
      .catch((e: { code: string }) => e);
    expect((tooMany as { code: string }).code).toBe('invalidParameter.userIds.overMax');
    const badKey = await client
      .batchSendOTOWithOptions(
        new robot.BatchSendOTORequest({
          robotCode: emu.appKey,
          userIds: ['dt-qfb-c'],
          msgKey: 'sampleText',
          msgParam: '{"text":"x"}',
        }),
        headers,
        new teaUtil.RuntimeOptions({}),
      )
      .catch((e: { code: string }) => e);
    expect((badKey as { code: string }).code).toBe('miss.param.content');
  });

  it('robot: a bad token is HTTP 400 InvalidAuthentication', async () => {
    const Client = cjsClass(robot);
    const error = (await new Client(config)
      .batchSendOTOWithOptions(
        new robot.BatchSendOTORequest({
          robotCode: emu.appKey,
          userIds: ['dt-qfb-c'],
          msgKey: 'sampleText',
          msgParam: '{"content":"x"}',
        }),
        new robot.BatchSendOTOHeaders({ xAcsDingtalkAccessToken: 'bad' }),
        new teaUtil.RuntimeOptions({}),
      )
      .catch((e: unknown) => e)) as { code: string; statusCode: number };
    expect([error.statusCode, error.code]).toEqual([400, 'InvalidAuthentication']);
  });

  it("todo: creates a 待办 for a unionId that shows in the executor's list", async () => {
    const users = await emu.admin<Array<{ userid: string; unionid: string }>>('GET', '/users');
    const contact = users.find((u) => u.userid === 'dt-fzb-c')!;
    const Client = cjsClass(todo);
    const res = await new Client(config).createTodoTaskWithOptions(
      contact.unionid,
      new todo.CreateTodoTaskRequest({
        subject: '签收:重点任务22',
        executorIds: [contact.unionid],
        detailUrl: new todo.CreateTodoTaskRequestDetailUrl({
          appUrl: 'http://127.0.0.1:3000/app',
          pcUrl: 'http://127.0.0.1:3000/app',
        }),
        sourceId: 'k22-fzb-ack',
        dueTime: Date.parse('2019-01-10T09:00:00+08:00'),
      }),
      new todo.CreateTodoTaskHeaders({ xAcsDingtalkAccessToken: await token() }),
      new teaUtil.RuntimeOptions({}),
    );
    expect(res.body!.id).toBeTruthy();
    expect(res.body!.subject).toBe('签收:重点任务22');
    const inbox = await emu.admin<{ todos: Array<{ id: string; done: boolean }> }>(
      'GET',
      `/messages?userid=${contact.userid}`,
    );
    expect(inbox.todos).toEqual([expect.objectContaining({ id: res.body!.id, done: false })]);
  });

  it('stream: dingtalk-stream receives a robot message over the socket and its ack is recorded', async () => {
    const client = new EmulatorStreamClient({ clientId: emu.appKey, clientSecret: emu.appSecret }, emu.url);
    const received = new Promise<DWClientDownStream>((resolve) => {
      client.registerCallbackListener(TOPIC_ROBOT, (message: DWClientDownStream) => {
        client.socketCallBackResponse(message.headers.messageId, null);
        resolve(message);
      });
    });
    await client.connect();
    await expect
      .poll(async () => (await emu.admin<{ connections: unknown[] }>('GET', '/stream')).connections.length)
      .toBe(1);
    const sent = await emu.admin<{ msgId: string; stream?: { messageId: string } }>('POST', '/robot/messages', {
      userid: 'dt-qfb-c',
      text: '进展 11 已完成试点申报',
    });
    const message = await received;
    const data = JSON.parse(message.data);
    expect(data).toMatchObject({
      msgId: sent.msgId,
      msgtype: 'text',
      text: { content: '进展 11 已完成试点申报' },
      senderStaffId: 'dt-qfb-c',
      conversationType: '1',
      robotCode: emu.appKey,
    });
    expect(data.sessionWebhook).toContain(`${emu.url}/robot/sendBySession?session=`);
    await expect.poll(async () => (await emu.admin<{ acked: number }>('GET', '/stream')).acked).toBe(1);
    client.disconnect();
  });
});
