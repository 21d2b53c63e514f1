import { ChannelError, type Channel } from '../channels/channel.js';
import type { ChannelSet } from '../channels/channel-set.js';
import { PLATFORM_NAME } from '../channels/platforms.js';
import type { AppendEvent } from '../model/ledger-events.js';
import type { OutboxRow } from '../model/outbox-row.js';
import type { State } from '../model/state.js';
import { accountOn, recipientOn } from '../../../shared/schemas/person.js';

/** What sending a row did: its result, the events to record, rows to follow, a change to the state. */
export interface Outcome {
  result: Record<string, unknown>;
  events: AppendEvent[];
  follow?: OutboxRow[];
  apply?: (d: State) => void;
}

/** A row of one kind, as its sender takes it. */
export type RowOf<K extends OutboxRow['kind']> = Extract<OutboxRow, { kind: K }>;

/** What a sender is given: the platforms, the state as it is now, the dispatcher's options, the time. */
export interface SendContext {
  channels: ChannelSet;
  state: () => Readonly<State>;
  /** Delivery is checked this long after a notice is sent (DispatcherOptions.checkAfterMs). */
  options: { checkAfterMs: number };
  now: Date;
}

/** The scheduler as the actor of what the outbox records. */
export const system = { type: 'scheduler' as const, name: '督办通提醒' };

/** The obligations a 待办 covers, when more than one (one is named by the event's subject). */
export const covers = (t: State['todos'][string]): { obligationIds?: string[] } =>
  t.obligationIds.length > 1 ? { obligationIds: t.obligationIds } : {};

/**
 * Where and to whom a row goes, as the directory says now: rows name the person, who is reached on
 * the first configured platform they have an account on, by their id there — so a userid changed
 * by a contacts sync reaches rows planned before it. Rows of a person no longer in the directory
 * (or of earlier releases, without one) go to the id they were planned for, on the first platform.
 */
export function recipient(x: SendContext, row: OutboxRow, planned: string): { channel: Channel; userId: string } {
  const person = row.personId ? x.state().people.find((p) => p.id === row.personId) : undefined;
  if (!person) return { channel: x.channels.primary, userId: planned };
  const channel = x.channels.for(person);
  if (!channel)
    throw new ChannelError(
      'NO_ACCOUNT',
      `${person.name} 没有${x.channels.platforms.map((p) => PLATFORM_NAME[p]).join('或')}账号`,
      false,
    );
  return { channel, userId: recipientOn(person, channel.platform)! };
}

/** The platform whose 待办 a person's 待办 go to, and the owner: their unionId as the directory says now, else the one planned. */
export function todoOwner(
  x: SendContext,
  todo: State['todos'][string],
): { channel: Channel; unionId: string } | undefined {
  const person = x.state().people.find((p) => p.id === todo.personId);
  const channel = person ? x.channels.for(person, (c) => c.capabilities.todo) : x.channels.primary;
  if (!channel?.capabilities.todo) return undefined;
  return { channel, unionId: (person && accountOn(person, channel.platform)?.unionId) ?? todo.unionId };
}
