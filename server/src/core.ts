/**
 * The composition root: one place that builds the services from a configuration and the
 * entry point's own dependencies (store, clock, channel, log). `main.ts`, the test app and the
 * benches each add only what is theirs — listening and signals, a temporary store and a fake
 * clock, a measuring loop. Building starts no work: the scheduler starts on `scheduler.start()`,
 * the task timeline's catch-up when the HTTP app is ready.
 */
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { ParsePool } from './importer/parse-pool.js';
import { ExportPool } from './export/export-pool.js';
import { checkStateAgainstLedger, describeProblems } from './domain/integrity/state-check.js';
import { StoreError } from './store/errors.js';
import { buildApp, type BuildAppOptions } from './app.js';
import { BotInbox, recentBotMsgIds, type BotPayloadParser } from './bot/bot-inbox.js';
import { createBot } from './bot/bot.js';
import type { WorkCalendar } from './calendar/work-calendar.js';
import { NO_CHANNEL, type Channel } from './channels/channel.js';
import type { ChannelSet } from './channels/channel-set.js';
import type { DigestReach } from './domain/reminders/digest-text.js';
import { toBotEvent } from './channels/dingtalk/robot-payload.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import type { Clock, Log } from './model/runtime.js';
import { DEFAULT_RULES, type AssessmentRules } from './domain/assessment/rules.js';
import { calendarWarnings, syncCalendar } from './domain/calendar/calendar-years.js';
import { ensureObligations } from './domain/obligations/obligation-book.js';
import { backfillFromLedger } from './domain/progress/backfill.js';
import { ProgressService } from './domain/progress/progress-service.js';
import { TaskTimeline } from './domain/progress/task-timeline.js';
import { ReviewService } from './domain/review/review-service.js';
import { Supervision } from './domain/supervision/supervision.js';
import { NoticeSheets } from './domain/supervision/notice-sheets.js';
import { Exemptions } from './domain/assessment/exemptions.js';
import { Instructions } from './domain/instructions/instructions.js';
import { Pilots } from './domain/pilots/pilots.js';
import { Evaluations } from './domain/evaluation/evaluations.js';
import { Assessments } from './domain/assessment/assessment.js';
import { evidenceSweep } from './scheduler/housekeeping.js';
import { dailyBackup } from './scheduler/daily-backup.js';
import { backupDeployment } from './store/backup.js';
import type { Services } from './services.js';
import type { ReminderPolicy } from './domain/policy/policy.js';
import { EvidenceStore } from './evidence/evidence-store.js';
import { Dispatcher, type DispatcherOptions } from './outbox/dispatcher.js';
import { Scheduler } from './scheduler/scheduler.js';
import type { Store } from './store/ports.js';

export interface CoreDeps {
  store: Store;
  clock: Clock;
  log: Log;
  /** The DingTalk channel (the bot, DingTalk 免登); absent in API-only tools and tests (sending then fails, 免登 says so). */
  channel?: Channel;
  /** Every configured platform's channel, in order of preference (the dispatcher's); default `channel` alone. */
  channels?: ChannelSet;
  calendar: WorkCalendar;
  policy: ReminderPolicy;
  /** The year-end 考评 rules (the defaults when absent). */
  assessment?: AssessmentRules;
  /** Where evidence files live (default `<dataDir>/evidence`). */
  evidence?: EvidenceStore;
  /** The robot payload parser of the platform the bot listens on (default DingTalk's). */
  parseBotPayload?: BotPayloadParser;
  /** Dispatcher tuning (concurrency, batch sizes); the defaults otherwise. */
  dispatcher?: Partial<DispatcherOptions>;
  /** What the mini-app passes to requestAuthCode. */
  dingtalk?: { corpId: string; clientId: string };
  /** Plan documents are read by this pool (default: cores − 1 threads). */
  parser?: ParsePool;
  /** 台账 workbooks are built by this pool (default: one thread). */
  exports?: ExportPool;
  /**
   * Evidence housekeeping (npm start), a chore of the scheduler: temp files of interrupted
   * uploads go, and files never attached to anything go after `graceMs`.
   */
  sweepEvidence?: { graceMs: number };
}

/** What an entry point adds to the HTTP app: its logger, sessions, pages, simulated clock… */
export type CoreAppOptions = Omit<BuildAppOptions, 'services' | 'dingtalk'>;

export interface Core extends Services {
  config: Config;
  deps: Deps;
  /** The services as one object (what routes are handed). */
  services: Services;
  /**
   * What start-up makes true before serving: the latest reports and requests carried over from
   * the ledger (an older state), this year's and last year's obligations stored.
   */
  prepare(): Promise<{ reports: number; requests: number; materialised: number }>;
  /** The options `app` builds with (the mini-app's API, the reminder preview, the entry point's own). */
  appOptions(own?: CoreAppOptions): BuildAppOptions;
  /** What an operator must hear now (a missing or soon-missing year of 放假安排): shown by /api/health and the banners. */
  warnings(): string[];
  /** The HTTP app with the mini-app's API, the reminder preview and whatever the entry point adds. */
  app(own?: CoreAppOptions): Promise<FastifyInstance>;
  /** Stops the scheduler and waits for bot messages in flight (the store is the entry point's to close). */
  stop(): Promise<void>;
}

/** Each digest is written for the platform its person is reached on (no robot on 浙政钉; its size). */
export function digestReach(store: Store, channels: ChannelSet): (personId: string) => DigestReach | undefined {
  return (personId) => {
    const person = store.state.get().people.find((p) => p.id === personId);
    const c = person && channels.for(person);
    // the text's share of the message JSON: what the card's envelope (title, button, keys) leaves
    return c && { robotChat: c.capabilities.robotChat, maxBytes: c.capabilities.maxMessageBytes - 148 };
  };
}

export function createCore(config: Config, d: CoreDeps): Core {
  const { store, clock, log, calendar, policy } = d;
  const deps: Deps = {
    config,
    clock,
    log,
    store,
    ...(d.channel ? { channel: d.channel } : {}),
    ...(d.channels ? { channels: d.channels } : {}),
  };
  const channel = d.channel ?? NO_CHANNEL;
  const publicUrl = config.publicUrl;
  const evidence = d.evidence ?? new EvidenceStore(join(config.dataDir, 'evidence'), store.evidence);
  const book = { calendar, policy };
  const rules = d.assessment ?? DEFAULT_RULES;
  const timeline = new TaskTimeline(store.ledger, () => store.state.get());
  const progress = new ProgressService({ store, calendar, policy, clock, publicUrl });
  const reviews = new ReviewService({ store, clock, publicUrl });
  const supervision = new Supervision({ store, rules: book, publicUrl });
  const assessments = new Assessments({ store, book, rules, publicUrl });
  const sheets = new NoticeSheets({ store, rules: book, publicUrl });
  const exemptions = new Exemptions({ store, book, rules, publicUrl });
  const instructions = new Instructions({ store, rules: book, publicUrl });
  const pilots = new Pilots({ store, publicUrl });
  const evaluations = new Evaluations({ store, rules: book, publicUrl });
  const dispatcher = new Dispatcher(store, d.channels ?? channel, log, d.dispatcher);
  // 待办 are planned only where a configured platform has them (浙政钉 alone has none)
  const todo = (d.channels?.channels ?? [channel]).some((c) => c.capabilities.todo);
  const planning = todo ? policy : { ...policy, todo: { ...policy.todo, enabled: false } };
  const reach = d.channels && digestReach(store, d.channels);
  const backup =
    config.backup &&
    dailyBackup({
      ...config.backup,
      take: (out) => backupDeployment(config, out),
      ...(store.leads ? { leads: () => store.leads!() } : {}),
    });
  const chores = [
    ...(d.sweepEvidence ? [evidenceSweep({ store, evidence, timeline }, d.sweepEvidence.graceMs)] : []),
    ...(backup ? [backup] : []),
  ];
  const scheduler = new Scheduler({
    store,
    calendar,
    policy: planning,
    clock,
    log,
    dispatcher,
    publicUrl,
    ...(reach ? { reach } : {}),
    ...(chores.length ? { chores } : {}),
    sheets,
  });
  const bot = createBot({ store, channel, calendar, policy, clock, log, publicUrl, evidence, progress, sheets });
  const inbox = new BotInbox(d.parseBotPayload ?? toBotEvent, bot.handle, log, Date.now, store.claimOnce?.bind(store));
  // plan documents are read in worker threads, with a time and a memory limit (importer/parse-pool.ts)
  const parser = d.parser ?? new ParsePool();
  const exports = d.exports ?? new ExportPool();
  const services: Services = {
    calendar,
    policy,
    rules,
    evidence,
    timeline,
    progress,
    reviews,
    supervision,
    sheets,
    exemptions,
    instructions,
    pilots,
    evaluations,
    assessments,
    parser,
    exports,
    dispatcher,
    scheduler,
    bot,
    inbox,
    ...(backup ? { backup } : {}),
  };
  const warnings = (): string[] => {
    syncCalendar(calendar, store.state.get());
    return calendarWarnings(store.state.get(), calendar, clock.now());
  };
  const appOptions = (own: CoreAppOptions = {}): BuildAppOptions => ({
    warnings,
    ...own,
    services,
    dingtalk: d.dingtalk ?? { corpId: 'ding-local', clientId: 'local' },
  });
  return {
    config,
    deps,
    ...services,
    services,
    warnings,
    async prepare() {
      // a state edited outside the server (a 签收 flipped to fulfilled) is not served
      const problems = await checkStateAgainstLedger(store.state.get(), store.ledger);
      if (problems.length > 0)
        throw new StoreError(
          `状态与台账不一致,服务未启动(状态可能在督办通之外被改动;npm run ledger:verify 列出全部):${describeProblems(problems)}`,
          'STATE_CORRUPT',
        );
      syncCalendar(calendar, store.state.get());
      inbox.remember(await recentBotMsgIds(store.ledger, Date.now()));
      const carried = await backfillFromLedger(store);
      const materialised = await ensureObligations(store, { calendar, policy }, clock.now());
      return { ...carried, materialised };
    },
    appOptions,
    app: (own) => buildApp(deps, appOptions(own)),
    async stop() {
      await parser.close();
      await exports.close();
      await scheduler.stop();
      await inbox.idle();
    },
  };
}
