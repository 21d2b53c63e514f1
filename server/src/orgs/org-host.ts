/**
 * The organisations below the deployment's own, each a whole 督办通 of its own — its store
 * (state, ledger, evidence), services, scheduler and HTTP app — served at `/o/<id>/`. The scope
 * is the structure, not a filter: a request under `/o/<id>/` reaches that organisation's app and
 * store and nothing else, and a session is signed with that organisation's key, so a token of one
 * district opens nothing of its sibling's. The thread pools, the platforms' channels and the
 * process are shared; nothing is built per pair of organisations.
 */
import { existsSync, unwatchFile, watchFile } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type {
  ChainLink,
  OrgAddBody,
  OrgEntry,
  OrgRegistry,
  OrgsSummary,
  OrgTree,
  OrgView,
} from '../../../shared/schemas/org.js';
import { shanghaiDate } from '../calendar/dates.js';
import { AppError } from '../errors.js';
import { onboard } from './onboard.js';
import type { Person } from '../../../shared/schemas/person.js';
import { loadSessionKey, SessionTokens } from '../auth/session-tokens.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { PayloadSink } from '../channels/bot-event.js';
import type { ChannelSet } from '../channels/channel-set.js';
import type { Channel } from '../channels/channel.js';
import type { BotPayloadParser } from '../bot/bot-inbox.js';
import type { Config } from '../config.js';
import { createCore, type Core, type CoreAppOptions } from '../core.js';
import type { OrgAdmin } from '../routes/org-routes.js';
import type { AssessmentRules } from '../domain/assessment/rules.js';
import { loadAssessmentRules } from '../domain/assessment/rules.js';
import type { ReminderPolicy } from '../domain/policy/policy.js';
import { loadPolicy } from '../domain/policy/policy.js';
import type { ExportPool } from '../export/export-pool.js';
import type { ParsePool } from '../importer/parse-pool.js';
import type { LedgerEvent } from '../model/ledger.js';
import type { Clock, Log } from '../model/runtime.js';
import { openStore } from '../store/open-store.js';
import { openPgStore } from '../store/pg/pg-store.js';
import type { Store } from '../store/ports.js';
import { cascadeCatchUp, cascadeDown, cascadeUp, chainBelow, summaryBelow, type Side } from './cascade.js';
import { orgChannel, orgChannels } from './org-channel.js';
import {
  ensureOrgSchema,
  orgDataDir,
  orgDatabaseUrl,
  orgSessionSecret,
  readRegistry,
  registryPath,
} from './registry.js';

/** An organisation's address prefix: /o/<id>/… */
const PREFIX = /^\/o\/([a-z][a-z0-9-]{1,30})(\/.*)?$/;

interface OpenOrg {
  entry: OrgEntry;
  store: Store;
  core: Core;
  app: FastifyInstance;
  sessions: SessionTokens;
}

export interface OrgHostOptions {
  config: Config;
  clock: Clock;
  log: Log;
  channel?: Channel;
  channels?: ChannelSet;
  parser: ParsePool;
  exports: ExportPool;
  /** A fresh working calendar (each organisation keeps its own 放假安排 additions). */
  calendar: () => Promise<WorkCalendar>;
  /** The deployment's rules: an organisation's own `reminder-policy.json` / `assessment-rules.json` in its folder win. */
  policy: ReminderPolicy;
  assessment: AssessmentRules;
  /** What every organisation's app is built with (logger, pages, 免登 parameters). */
  app: CoreAppOptions;
  dingtalk?: { corpId: string; clientId: string };
  /** The deployment's own organisation (served at `/`): for the switch, to tell its sessions apart, and the chain's top. */
  root: { store: Store; sessions: SessionTokens; core: Core };
}

export class OrgHost implements OrgAdmin {
  private readonly orgs = new Map<string, OpenOrg>();
  /** The chain's work (tasks down, answers up), one step at a time. */
  private work: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: Array<() => void> = [];
  private watchingRoot = false;
  /** The registry file watched for organisations entered while running. */
  private watching: string | undefined;
  private registry: OrgRegistry | undefined;
  private opening: Promise<string[]> = Promise.resolve([]);
  private started = false;

  constructor(private readonly o: OrgHostOptions) {}

  /** The organisations open now (the root excluded). */
  get ids(): string[] {
    return [...this.orgs.keys()];
  }

  /** The open organisation `id`'s core (tests, CLIs). */
  core(id: string): Core | undefined {
    return this.orgs.get(id)?.core;
  }

  /**
   * Reads the registry and opens every organisation not open yet (onboarding needs no restart);
   * one refresh at a time. Returns the ids it opened.
   */
  refresh(): Promise<string[]> {
    this.opening = this.opening.then(async () => {
      this.registry = await readRegistry(this.o.config.dataDir);
      const opened: string[] = [];
      for (const entry of this.registry?.orgs ?? []) {
        if (!entry.parent || this.orgs.has(entry.id)) continue;
        const org = await this.openOrg(entry);
        this.orgs.set(entry.id, org);
        opened.push(entry.id);
        this.o.log.info(`已打开组织:${entry.name}(/o/${entry.id}/app/)`);
        this.follow(org);
      }
      if (!this.watchingRoot && this.registry) {
        this.watchingRoot = true;
        this.unsubscribe.push(
          this.o.root.store.ledger.subscribe((events) => {
            if (events.some(hands)) this.down(this.rootId);
          }),
        );
      }
      for (const id of opened) {
        const org = this.orgs.get(id)!;
        await this.cascadeDown(org);
        // what it approved while the server was down goes up now
        const parent = this.side(org.entry.parent);
        if (parent)
          await this.step(() =>
            cascadeCatchUp(parent, this.side(org.entry.id)!, org.entry.unit, this.o.log).then((done) => {
              if (done.length) this.o.log.info(`${org.entry.name}停机期间审核的 ${done.length} 项已报送${parent.name}`);
              return done;
            }),
          );
      }
      return opened;
    });
    return this.opening;
  }

  private async openOrg(entry: OrgEntry): Promise<OpenOrg> {
    const { config: root, log, clock } = this.o;
    const dataDir = orgDataDir(root.dataDir, entry);
    await mkdir(dataDir, { recursive: true });
    const databaseUrl = root.databaseUrl && orgDatabaseUrl(root.databaseUrl, entry);
    const secret = orgSessionSecret(root.sessionSecret, entry);
    const config: Config = {
      ...root,
      dataDir,
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(secret ? { sessionSecret: secret } : {}),
      // links in its notices open its own pages
      publicUrl: `${root.publicUrl}/o/${entry.id}`,
      // an organisation's backups go beside the deployment's, in a folder of its own
      ...(root.backup ? { backup: { ...root.backup, dir: join(root.backup.dir, 'orgs', entry.id) } } : {}),
    };
    if (root.databaseUrl) await ensureOrgSchema(root.databaseUrl, entry);
    const store = databaseUrl
      ? await openPgStore(databaseUrl, { clock: () => clock.now(), log })
      : await openStore(dataDir, { clock: () => clock.now(), log });
    const own = (file: string): boolean => existsSync(join(dataDir, file));
    const channel = this.o.channel && orgChannel(this.o.channel, entry.name);
    const channels = this.o.channels && orgChannels(this.o.channels, entry.name);
    const core = createCore(config, {
      store,
      clock,
      log,
      calendar: await this.o.calendar(),
      policy: own('reminder-policy.json') ? await loadPolicy(dataDir) : this.o.policy,
      assessment: own('assessment-rules.json') ? await loadAssessmentRules(dataDir) : this.o.assessment,
      parser: this.o.parser,
      exports: this.o.exports,
      ...(channel ? { channel } : {}),
      ...(channels ? { channels } : {}),
      ...(this.o.dingtalk ? { dingtalk: this.o.dingtalk } : {}),
    });
    await core.prepare();
    const sessions = new SessionTokens(
      await loadSessionKey(dataDir, secret),
      () => new Date(),
      undefined,
      `/o/${entry.id}`,
    );
    const app = await core.app({
      ...this.o.app,
      sessions,
      orgsOf: (p) => this.orgsOf(p, entry.id),
      chainOf: (taskId) => ({ links: this.chain(entry.id, taskId) }),
      summaryOf: () => this.summary(entry.id),
    });
    await app.ready();
    if (this.started) await core.scheduler.start();
    return { entry, store, core, app, sessions };
  }

  /** The side of the chain `id` is (the root when it names no open organisation below). */
  private side(id: string | undefined): Side | undefined {
    if (id === undefined || id === this.rootId)
      return this.rootId
        ? { id: this.rootId, name: this.rootName, store: this.o.root.store, core: this.o.root.core }
        : undefined;
    const org = this.orgs.get(id);
    return org && { id, name: org.entry.name, store: org.store, core: org.core };
  }

  /** An organisation's answers go up to its parent; its own tasks, when they change, go down to its children. */
  private follow(org: OpenOrg): void {
    this.unsubscribe.push(
      org.store.ledger.subscribe((events) => {
        const parent = this.side(org.entry.parent);
        if (parent)
          void this.step(() => cascadeUp(parent, this.side(org.entry.id)!, org.entry.unit, events, this.o.log));
        if (events.some(hands)) this.down(org.entry.id);
      }),
    );
  }

  /** The tasks of `parentId` handed down to each of its children that is not holding them yet. */
  private down(parentId: string | undefined): void {
    for (const child of this.orgs.values())
      if (child.entry.parent === parentId && child.entry.unit) void this.cascadeDown(child);
  }

  private cascadeDown(child: OpenOrg): Promise<unknown> {
    const parent = this.side(child.entry.parent);
    if (!parent || !child.entry.unit) return Promise.resolve([]);
    return this.step(() =>
      cascadeDown(parent, this.side(child.entry.id)!, child.entry.unit, this.o.clock.now()).then((made) => {
        for (const id of made) this.o.log.info(`${parent.name}的任务已交办到${child.entry.name}(计划 ${id})`);
        return made;
      }),
    );
  }

  /** One step of the chain after the others; a failure is logged, the chain goes on. */
  private step<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const run = this.work.then(fn).catch((error: unknown) => {
      this.o.log.warn(`组织间交办/汇总出错:${(error as Error).message}`);
      return undefined;
    });
    this.work = run;
    return run;
  }

  /**
   * A task of organisation `orgId` (the root when undefined) in the organisations below it: how
   * each decomposed it, each unit's state, and further down — what the city's task page shows.
   */
  /** The organisations directly below `orgId` (the root when undefined), as its overview sees them. */
  summary(orgId: string | undefined): OrgsSummary {
    const me = this.side(orgId);
    return me ? summaryBelow(this.below(), me.id, shanghaiDate(this.o.clock.now())) : { orgs: [] };
  }

  private below() {
    return [...this.orgs.values()].map((o) => ({
      id: o.entry.id,
      name: o.entry.name,
      parent: o.entry.parent,
      store: o.store,
    }));
  }

  chain(orgId: string | undefined, taskId: string): ChainLink[] {
    const me = this.side(orgId);
    if (!me) return [];
    return chainBelow(this.below(), me.id, taskId, shanghaiDate(this.o.clock.now()));
  }

  /**
   * The robot's messages, to the organisation the sender belongs to: the deployment's own when it
   * has them (as before), else the first organisation below whose people include their account —
   * its bot answers, naming it (one robot serves the deployment).
   */
  botSink(root: PayloadSink, parse: BotPayloadParser): PayloadSink {
    return {
      accept: (raw, transport) => {
        const event = this.orgs.size > 0 ? parse(raw, transport) : undefined;
        const has = (store: Store): boolean =>
          event !== undefined &&
          store.state
            .get()
            .people.some((p) =>
              p.accounts.some((a) => a.platform === event.platform && a.userId === event.sender.userId),
            );
        if (!event || has(this.o.root.store)) return root.accept(raw, transport);
        const org = [...this.orgs.values()].find((o) => has(o.store));
        return (org ? org.core.inbox : root).accept(raw, transport);
      },
    };
  }

  /** Waits for the chain's work under way (tests, shutdown). */
  async settled(): Promise<void> {
    let seen: Promise<unknown> | undefined;
    while (seen !== this.work) {
      seen = this.work;
      await seen;
    }
  }

  /**
   * Starts every open organisation's scheduler (and those opened later); `watch`: opens what
   * `npm run org -- add` enters in orgs.json from now on (checked every 2 s; no restart).
   */
  async start(o: { watch?: boolean } = {}): Promise<void> {
    this.started = true;
    for (const org of this.orgs.values()) await org.core.scheduler.start();
    if (!o.watch || this.watching) return;
    this.watching = registryPath(this.o.config.dataDir);
    watchFile(this.watching, { interval: 2000 }, () => {
      this.refresh().catch((error: unknown) => this.o.log.error(`打开新登记的组织失败:${(error as Error).message}`));
    });
  }

  /**
   * The HTTP server's first look at a request: `/o/<id>/…` goes to that organisation's app with
   * the prefix taken off. Returns false for what the root app serves (and rewrites `/o/<root>/…`
   * for it).
   */
  readonly route = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    const m = PREFIX.exec(url.split('?')[0]!);
    const org = m && m[1] !== this.rootId ? this.orgs.get(m[1]!) : undefined;
    if (m && m[1] !== this.rootId && !org) {
      answer(res, 404, 'ORG_NOT_FOUND', `没有编号为 ${m[1]} 的组织,请从工作台重新打开督办通`);
      return true;
    }
    // a session of another organisation of this deployment: refused as such, before any route reads anything
    const other = this.sessionOfAnother(req, org);
    if (other !== undefined) {
      const here = org?.entry.name ?? this.rootName;
      answer(res, 403, 'FORBIDDEN', `这是${here}的督办通,您当前登录的是${other}:请在督办通中切换组织后再打开`);
      return true;
    }
    if (!m) return false;
    req.url = `${m[2] ?? '/'}${url.includes('?') ? url.slice(url.indexOf('?')) : ''}`;
    if (!org) return false; // /o/<root>/… is the root's own
    org.app.routing(req, res);
    return true;
  };

  /** The name of the organisation whose key signed the request's session, when it is not `org` (the root when undefined). */
  private sessionOfAnother(req: IncomingMessage, org: OpenOrg | undefined): string | undefined {
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ') || this.orgs.size === 0) return undefined;
    const token = auth.slice(7);
    if (accepts(org?.sessions ?? this.o.root.sessions, token)) return undefined;
    if (org && accepts(this.o.root.sessions, token)) return this.rootName;
    for (const other of this.orgs.values())
      if (other !== org && accepts(other.sessions, token)) return other.entry.name;
    return undefined;
  }

  private get rootId(): string | undefined {
    return this.registry?.orgs.find((o) => !o.parent)?.id;
  }

  private get rootName(): string {
    return this.registry?.orgs.find((o) => !o.parent)?.name ?? '上级组织';
  }

  /**
   * The organisations `person` (of the organisation `current`, the root when undefined) belongs
   * to: those whose people include one of their platform accounts — the switch's list.
   */
  orgsOf(person: Person, current?: string): OrgView[] {
    const mine = new Set(person.accounts.map((a) => `${a.platform}:${a.userId}`));
    const views: OrgView[] = [];
    for (const entry of this.registry?.orgs ?? []) {
      const store = entry.parent ? this.orgs.get(entry.id)?.store : this.o.root.store;
      const member = store?.state
        .get()
        .people.some((p) => p.accounts.some((a) => mine.has(`${a.platform}:${a.userId}`)));
      if (!member) continue;
      views.push({
        id: entry.id,
        name: entry.name,
        level: entry.level,
        url: entry.parent ? `/o/${entry.id}/app/` : '/app/',
        current: entry.parent ? entry.id === current : current === undefined,
      });
    }
    return views;
  }

  /** The deployment's organisations with what each holds: the admin page's tree. */
  tree(): OrgTree {
    return {
      orgs: (this.registry?.orgs ?? []).map((entry) => {
        const store = entry.parent ? this.orgs.get(entry.id)?.store : this.o.root.store;
        const s = store?.state.get();
        return {
          ...entry,
          url: entry.parent ? `/o/${entry.id}/app/` : '/app/',
          open: store !== undefined,
          units: s?.units.length ?? 0,
          people: s?.people.length ?? 0,
          tasks: s?.tasks.length ?? 0,
        };
      }),
    };
  }

  /**
   * 登记下级组织 from the admin page: onboarded with a 督考办 of its own whose first person is
   * `body.adminPersonId` of the deployment's own people (the same account signs in there, and
   * imports its directory and first plan); recorded in the deployment's ledger; open at once.
   */
  readonly add = async (body: OrgAddBody, by: Person): Promise<OrgTree> => {
    const registry = await readRegistry(this.o.config.dataDir);
    if (!registry && !body.root)
      throw new AppError('VALIDATION_FAILED', '第一次登记下级组织,请先填写本级组织(本部署自己)的编号、名称和级别');
    const root = registry?.orgs.find((o) => !o.parent) ?? body.root!;
    const personId = body.adminPersonId ?? by.id;
    const person = this.o.root.store.state.get().people.find((p) => p.id === personId);
    if (!person) throw new AppError('NOT_FOUND', `本级人员中没有编号为 ${personId} 的人员`);
    const entry: OrgEntry = {
      id: body.id,
      name: body.name,
      level: body.level,
      parent: body.parent ?? root.id,
      ...(body.unit ? { unit: body.unit } : {}),
    };
    await onboard(this.o.config, {
      entry,
      ...(registry ? {} : { root: { id: root.id, name: root.name, level: root.level } }),
      directory: {
        district: body.name,
        sample: false,
        units: [{ id: 'dkb', name: '督考办', aliases: [`${body.name}督考办`], kind: 'office' }],
        groups: [],
      },
      people: {
        sample: false,
        people: [{ ...person, unitIds: ['dkb'], roles: ['supervisor', 'admin'], sample: false }],
      },
      now: this.o.clock.now(),
    });
    await this.o.root.store.transact((_, tx) => {
      tx.append({
        type: 'org.registered',
        actor: { type: 'person', id: by.id, name: by.name },
        subject: { type: 'org', id: entry.id },
        channel: 'miniapp',
        payload: {
          id: entry.id,
          name: entry.name,
          level: entry.level,
          parent: entry.parent!,
          adminPersonId: person.id,
        },
      });
    });
    await this.refresh();
    return this.tree();
  };

  async close(): Promise<void> {
    if (this.watching) unwatchFile(this.watching);
    this.watching = undefined;
    await this.opening.catch(() => undefined);
    for (const stop of this.unsubscribe.splice(0)) stop();
    await this.settled();
    for (const org of this.orgs.values()) {
      await org.core.scheduler.stop();
      await org.core.inbox.idle();
      await org.app.close();
      await org.store.close();
    }
    this.orgs.clear();
  }
}

/** Events after which an organisation may have tasks to hand down (a plan arrived, units were named). */
const hands = (e: LedgerEvent): boolean => e.type === 'plan.imported' || e.type === 'units.designated';

function accepts(sessions: SessionTokens, token: string): boolean {
  try {
    sessions.verify(token);
    return true;
  } catch {
    return false;
  }
}

function answer(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ code, message }));
}
