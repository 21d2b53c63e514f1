import pg from 'pg';

type Log = { info(m: string): void; warn(m: string): void };

/**
 * Which instance schedules and sends: a session-level advisory lock (one per schema: deployments
 * sharing a database do not compete) on a connection of its own, held while it lives. An instance
 * whose program knows fewer migrations than the database (a rolling upgrade under way) steps aside
 * for the newer one and says so in its health.
 */
export class Leadership {
  private leader: pg.Client | undefined;
  private closed = false;
  /** Set once the database was migrated past what this program knows: the operator's warning. */
  outdated: string | undefined;

  constructor(
    private readonly connection: pg.ClientConfig,
    private readonly pool: pg.Pool,
    /** The newest migration this program knows. */
    private readonly knows: number,
    private readonly log?: Log,
  ) {}

  leads(): boolean {
    return this.leader !== undefined;
  }

  /** False when a newer version of the program migrated the database (rolling upgrade): it leads from then on. */
  private async current(): Promise<boolean> {
    const newest = Number(
      (await this.pool.query<{ v: number | null }>('SELECT max(version) AS v FROM duban_migrations')).rows[0]?.v ?? 0,
    );
    if (newest <= this.knows) return true;
    if (!this.outdated) {
      this.outdated = `数据库已由新版本的督办通升级(迁移到第 ${newest} 号,本实例只认识到第 ${this.knows} 号):本实例不再负责提醒调度和发送,请尽快升级本实例`;
      this.log?.warn(this.outdated);
    }
    return false;
  }

  readonly lead = async (): Promise<boolean> => {
    if (this.closed) return false;
    // an older program steps aside for the newer one, between two ticks: what it sent is recorded,
    // what is left pending the newer one sends (the day is planned once: lastPlannedDate is shared)
    if (!(await this.current().catch(() => true))) {
      await this.release();
      return false;
    }
    if (this.leader) return true;
    return this.acquire();
  };

  private async acquire(): Promise<boolean> {
    const client = new pg.Client(this.connection);
    try {
      await client.connect();
      const got =
        (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(727002, hashtext(current_schema())) AS ok'))
          .rows[0]?.ok === true;
      if (!got) {
        await client.end();
        return false;
      }
      client.on('error', (error) => {
        this.log?.warn(`调度主实例的数据库连接断开:${error.message}(其他实例将接替)`);
        if (this.leader === client) this.leader = undefined;
      });
      this.leader = client;
      this.log?.info('本实例负责提醒调度和发送(其他实例待命)');
      return true;
    } catch (error) {
      await client.end().catch(() => undefined);
      this.log?.warn(`争取调度主实例失败:${(error as Error).message}`);
      return false;
    }
  }

  /** No lead from now on (the store is closing); the lock itself goes with `release`. */
  stop(): void {
    this.closed = true;
  }

  async release(): Promise<void> {
    const held = this.leader;
    this.leader = undefined;
    await held?.end().catch(() => undefined);
  }
}
