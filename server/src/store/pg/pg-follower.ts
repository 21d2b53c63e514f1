import pg from 'pg';

type Log = { info(m: string): void; warn(m: string): void };

/**
 * Reads follow the other instances: a notification after each of their commits, a poll as the
 * fallback. Refreshes run one after another (two reloads adopted out of order would go back in
 * time); a wake-up during a refresh is not lost: one more runs after it, and wake-ups meanwhile
 * share it.
 */
export class Follower {
  private readonly listener: pg.Client;
  private poll: NodeJS.Timeout | undefined;
  private closed = false;
  private refreshing: Promise<void> = Promise.resolve();
  private next: Promise<void> | undefined;

  constructor(
    connection: pg.ClientConfig,
    private readonly instanceId: string,
    /** Reads what the others committed (the committer's refresh). */
    private readonly read: () => Promise<unknown>,
    private readonly options: { pollMs?: number; log?: Log },
  ) {
    this.listener = new pg.Client(connection);
  }

  async start(): Promise<void> {
    const { listener, options } = this;
    await listener.connect();
    listener.on('notification', (n) => {
      if (n.payload !== this.instanceId) void this.refresh();
    });
    listener.on('error', (error) =>
      options.log?.warn(
        `数据库通知连接出错:${error.message}(改为每 ${Math.round((options.pollMs ?? 5000) / 1000)} 秒查询)`,
      ),
    );
    await listener.query('LISTEN duban_changed');
    // (a refresh that finds nothing moved reads the state's layout and the claims' count only)
    this.poll = setInterval(() => void this.refresh(), options.pollMs ?? 5000);
    this.poll.unref();
  }

  readonly refresh = (): Promise<void> => {
    if (this.closed) return this.refreshing;
    if (this.next) return this.next;
    const run = this.refreshing.then(async () => {
      this.next = undefined;
      await this.read().catch((error: unknown) =>
        this.options.log?.warn(`读取其他实例的写入失败:${(error as Error).message}`),
      );
    });
    this.next = run;
    this.refreshing = run;
    return run;
  };

  /** Stops listening and polling; resolves once the refresh under way has ended. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    await this.listener.end().catch(() => undefined);
    await this.refreshing;
  }
}
