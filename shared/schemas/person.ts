import { z } from 'zod';
import { Id } from './common.js';

export const Role = z.enum(['contact', 'leader', 'supervisor', 'evaluator', 'admin']);
export type Role = z.infer<typeof Role>;

/** The platforms a person can be reached on: public DingTalk (钉钉) and Zhejiang's 浙政钉. */
export const Platform = z.enum(['dingtalk', 'zzd']);
export type Platform = z.infer<typeof Platform>;

/**
 * A person's identity on one platform. DingTalk: `userId` (the org's userid) and `unionId` (for
 * 待办). 浙政钉: `accountId` (免登 and work notifications name people by it); `userId` is the
 * employee code where known, else the accountId.
 */
export const Account = z.object({
  platform: Platform,
  userId: z.string().min(1),
  unionId: z.string().min(1).optional(),
  accountId: z.string().min(1).optional(),
});
export type Account = z.infer<typeof Account>;

export const Person = z.object({
  id: Id,
  name: z.string().min(1),
  title: z.string().optional(),
  /** At most one account per platform; a district in transition has people on either or both. */
  accounts: z
    .array(Account)
    .min(1)
    .refine((list) => new Set(list.map((a) => a.platform)).size === list.length, '每个平台只能有一个账号'),
  mobile: z.string().optional(),
  unitIds: z.array(Id),
  roles: z.array(Role).min(1),
  /** Sample people shipped with the seeds, to be replaced by a DingTalk contacts sync. */
  sample: z.boolean().default(false),
});
export type Person = z.infer<typeof Person>;

/** A people file may still name a DingTalk identity the way earlier releases wrote it (`dingtalk: {userId, unionId}`). */
function withAccounts(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || 'accounts' in raw || !('dingtalk' in raw)) return raw;
  const { dingtalk, ...rest } = raw as { dingtalk: unknown };
  return { ...rest, accounts: [{ platform: 'dingtalk', ...(dingtalk as object) }] };
}

export const PeopleFile = z.object({
  sample: z.boolean().default(false),
  note: z.string().optional(),
  people: z.array(z.preprocess(withAccounts, Person)),
});
export type PeopleFile = z.infer<typeof PeopleFile>;

/** The person's account on `platform`, if they have one. */
export function accountOn(person: Pick<Person, 'accounts'>, platform: Platform): Account | undefined {
  return person.accounts.find((a) => a.platform === platform);
}

/**
 * The id a 待办 names its executor by: 待办 live on DingTalk's todo API, which takes unionIds, so
 * a person with no DingTalk account (or none synced yet) gets the notice without a 待办.
 */
export const todoUnionId = (person: Pick<Person, 'accounts'>): string | undefined =>
  accountOn(person, 'dingtalk')?.unionId;

/** The id a platform's messages name the person by: DingTalk's userid, 浙政钉's accountId. */
export function recipientOn(person: Pick<Person, 'accounts'>, platform: Platform): string | undefined {
  const a = accountOn(person, platform);
  return a && (platform === 'zzd' ? (a.accountId ?? a.userId) : a.userId);
}

/** The person a platform identity (DingTalk userid; 浙政钉 accountId or userId) belongs to. */
export function personByAccount<P extends Pick<Person, 'accounts'>>(
  people: readonly P[],
  platform: Platform,
  id: string,
): P | undefined {
  return people.find((p) =>
    p.accounts.some((a) => a.platform === platform && (a.userId === id || (platform === 'zzd' && a.accountId === id))),
  );
}

/** The name a person goes by in logs and lists: their DingTalk userid, else their 浙政钉 id. */
export function handleOf(person: Pick<Person, 'accounts'>): string {
  return recipientOn(person, 'dingtalk') ?? recipientOn(person, 'zzd') ?? '';
}
