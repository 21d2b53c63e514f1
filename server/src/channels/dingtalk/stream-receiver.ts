import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type { Log } from '../../model/runtime.js';
import type { PayloadSink } from '../bot-event.js';

const OFFICIAL_API = 'https://api.dingtalk.com';

/**
 * dingtalk-stream's client, with getEndpoint() pointed at `apiBase` (the SDK hard-codes the
 * official gateway). Everything else — socket, ping, reconnect — is the official SDK.
 */
class GatewayClient extends DWClient {
  constructor(
    opts: { clientId: string; clientSecret: string },
    private readonly apiBase: string,
  ) {
    super({ ...opts, ua: 'duban-tong' });
  }

  override async getEndpoint(): Promise<this> {
    if (this.apiBase === OFFICIAL_API) return super.getEndpoint();
    const res = await fetch(`${this.apiBase}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: this.config.ua,
        subscriptions: this.config.subscriptions,
      }),
    });
    const data = (await res.json()) as { endpoint?: string; ticket?: string };
    if (!res.ok || !data.endpoint || !data.ticket) throw new Error(`Stream 连接申请失败 HTTP ${res.status}`);
    (this as unknown as { dw_url: string }).dw_url = `${data.endpoint}?ticket=${data.ticket}`;
    return this;
  }
}

/** Receives robot messages over Stream mode: acks each callback at once, then hands it to the inbox. */
export class StreamReceiver {
  private readonly client: GatewayClient;

  constructor(
    opts: { clientId: string; clientSecret: string; apiBase: string },
    private readonly inbox: PayloadSink,
    private readonly log: Log,
  ) {
    this.client = new GatewayClient(
      { clientId: opts.clientId, clientSecret: opts.clientSecret },
      opts.apiBase.replace(/\/$/, ''),
    );
    this.client.registerCallbackListener(TOPIC_ROBOT, (message: DWClientDownStream) => this.onMessage(message));
  }

  private onMessage(message: DWClientDownStream): void {
    this.client.socketCallBackResponse(message.headers.messageId, null);
    let raw: unknown;
    try {
      raw = JSON.parse(message.data);
    } catch {
      this.log.warn(`Stream 消息 ${message.headers.messageId} 不是合法的JSON,已忽略`);
      return;
    }
    this.inbox.accept(raw, 'stream');
  }

  async start(): Promise<void> {
    await this.client.connect();
  }

  get connected(): boolean {
    return this.client.connected;
  }

  stop(): void {
    this.client.disconnect();
  }
}
