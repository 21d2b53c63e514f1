import type { WebSocket } from 'ws';
import type { EmulatorState } from './state.js';

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';

interface Connection {
  id: string;
  appKey: string;
  socket: WebSocket;
  subscriptions: Array<{ type: string; topic: string }>;
  openedAt: number;
}

interface Pending {
  frame: Record<string, unknown>;
  appKey: string;
  topic: string;
  firstSentAt: number;
  attempts: number;
  ackedAt?: number;
  ack?: unknown;
}

/**
 * The Stream mode gateway: single-use tickets (90 s), WebSocket connections, CALLBACK frames,
 * ACK tracking by messageId, redelivery of unacked callbacks for `redeliverForSeconds`,
 * SYSTEM ping / disconnect.
 */
export class StreamGateway {
  readonly tickets = new Map<
    string,
    { appKey: string; subscriptions: Connection['subscriptions']; expiresAt: number; used: boolean }
  >();
  readonly connections = new Map<string, Connection>();
  readonly pending = new Map<string, Pending>();
  readonly pings: Array<{ opaque: string; connectionId: string; answeredAt?: number }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly state: EmulatorState) {}

  start(intervalMs = 5000): void {
    this.timer = setInterval(() => this.redeliver(false), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const c of this.connections.values()) c.socket.terminate();
    this.connections.clear();
  }

  openTicket(appKey: string, subscriptions: Connection['subscriptions']): string {
    const ticket = this.state.id('tk');
    this.tickets.set(ticket, { appKey, subscriptions, expiresAt: Date.now() + 90_000, used: false });
    return ticket;
  }

  /** Consumes a ticket; undefined when unknown, used or expired. */
  useTicket(ticket: string | undefined): { appKey: string; subscriptions: Connection['subscriptions'] } | undefined {
    const t = this.tickets.get(ticket ?? '');
    if (!t || t.used || t.expiresAt < Date.now()) return undefined;
    t.used = true;
    return t;
  }

  attach(socket: WebSocket, appKey: string, subscriptions: Connection['subscriptions']): void {
    const id = this.state.id('conn');
    const connection: Connection = { id, appKey, socket, subscriptions, openedAt: Date.now() };
    this.connections.set(id, connection);
    socket.on('message', (data) => this.onClientFrame(connection, data.toString()));
    socket.on('close', () => this.connections.delete(id));
    socket.on('error', () => this.connections.delete(id));
  }

  private onClientFrame(connection: Connection, text: string): void {
    let frame: { code?: number; headers?: { messageId?: string; topic?: string }; data?: string };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    const messageId = frame.headers?.messageId;
    if (!messageId) return;
    const pending = this.pending.get(messageId);
    if (pending && pending.appKey === connection.appKey && frame.code === 200 && pending.ackedAt === undefined) {
      pending.ackedAt = Date.now();
      try {
        pending.ack = frame.data ? JSON.parse(frame.data) : null;
      } catch {
        pending.ack = frame.data;
      }
      return;
    }
    const ping = this.pings.find((p) => p.connectionId === connection.id && frame.data?.includes(p.opaque));
    if (ping && ping.answeredAt === undefined) ping.answeredAt = Date.now();
  }

  private subscribed(c: Connection, topic: string): boolean {
    return c.subscriptions.some((s) => s.type === 'CALLBACK' && (s.topic === topic || s.topic === '*'));
  }

  /** Whether some connection of the app would receive a callback on `topic`. */
  hasListener(appKey: string, topic: string): boolean {
    return [...this.connections.values()].some(
      (c) => c.appKey === appKey && this.subscribed(c, topic) && c.socket.readyState === c.socket.OPEN,
    );
  }

  /** Pushes a CALLBACK frame to one live connection of the app; it stays pending until acked. */
  pushCallback(appKey: string, topic: string, data: unknown): string {
    const messageId = this.state.id('msg');
    const frame = {
      specVersion: '1.0',
      type: 'CALLBACK',
      headers: {
        appId: appKey,
        connectionId: '',
        contentType: 'application/json',
        messageId,
        time: String(this.state.clock.now()),
        topic,
      },
      data: JSON.stringify(data),
    };
    const pending: Pending = { frame, appKey, topic, firstSentAt: Date.now(), attempts: 0 };
    this.pending.set(messageId, pending);
    this.send(pending);
    return messageId;
  }

  private send(p: Pending): boolean {
    const target = [...this.connections.values()].find(
      (c) => c.appKey === p.appKey && this.subscribed(c, p.topic) && c.socket.readyState === c.socket.OPEN,
    );
    if (!target) return false;
    (p.frame.headers as Record<string, string>).connectionId = target.id;
    p.attempts += 1;
    target.socket.send(JSON.stringify(p.frame));
    return true;
  }

  /** Sends again every unacked callback still inside the redelivery window. */
  redeliver(force: boolean): number {
    let n = 0;
    const windowMs = this.state.settings.redeliverForSeconds * 1000;
    for (const p of this.pending.values()) {
      if (p.ackedAt !== undefined) continue;
      if (!force && Date.now() - p.firstSentAt > windowMs) continue;
      if (this.send(p)) n += 1;
    }
    return n;
  }

  ping(): string[] {
    const sent: string[] = [];
    for (const c of this.connections.values()) {
      const opaque = this.state.id('op');
      this.pings.push({ opaque, connectionId: c.id });
      c.socket.send(
        JSON.stringify({
          specVersion: '1.0',
          type: 'SYSTEM',
          headers: {
            contentType: 'application/json',
            messageId: this.state.id('ping'),
            time: String(Date.now()),
            topic: 'ping',
          },
          data: JSON.stringify({ opaque }),
        }),
      );
      sent.push(opaque);
    }
    return sent;
  }

  disconnect(reason: string, closeAfterMs = 10_000): number {
    const all = [...this.connections.values()];
    for (const c of all) {
      c.socket.send(
        JSON.stringify({
          specVersion: '1.0',
          type: 'SYSTEM',
          headers: {
            contentType: 'application/json',
            messageId: this.state.id('dc'),
            time: String(Date.now()),
            topic: 'disconnect',
          },
          data: JSON.stringify({ reason }),
        }),
      );
      setTimeout(() => c.socket.close(), closeAfterMs).unref();
    }
    return all.length;
  }

  summary(): Record<string, unknown> {
    const pending = [...this.pending.values()];
    return {
      connections: [...this.connections.values()].map((c) => ({
        id: c.id,
        appKey: c.appKey,
        subscriptions: c.subscriptions,
        openedAt: c.openedAt,
      })),
      callbacks: pending.length,
      acked: pending.filter((p) => p.ackedAt !== undefined).length,
      unacked: pending
        .filter((p) => p.ackedAt === undefined)
        .map((p) => ({ messageId: (p.frame.headers as Record<string, string>).messageId, attempts: p.attempts })),
      pings: this.pings,
    };
  }
}
