import { z } from 'zod';
import { Id, Instant, IsoDate } from './common.js';

/**
 * 激励 and 问责: a 通报表扬 or 通报批评 of units, citing what the ledger records, or a 约谈 recorded
 * against a unit. A 通报批评 opens a 整改 item per unit (a hand-made obligation on the task), chased
 * by the reminders until the unit's 整改报告 is approved.
 */
export const BulletinKind = z.enum(['praise', 'criticism', 'interview']);
export type BulletinKind = z.infer<typeof BulletinKind>;

export const Bulletin = z.object({
  id: z.string().regex(/^B\d+$/),
  /** The ledger event that issued it. */
  seq: z.number().int().positive(),
  kind: BulletinKind,
  year: z.number().int(),
  unitIds: z.array(Id).min(1),
  taskId: Id.optional(),
  text: z.string().min(2).max(1000),
  /** Ledger events cited as the facts behind it. */
  refs: z.array(z.number().int().positive()),
  createdBy: z.string(),
  createdAt: Instant,
  /** 通报批评: the 整改 item each unit owes (manual obligation ids) and its due date. */
  rectification: z.object({ manualIds: z.array(Id), due: IsoDate }).optional(),
});
export type Bulletin = z.infer<typeof Bulletin>;

export const BulletinBody = z.object({
  kind: BulletinKind,
  unitIds: z.array(z.string().min(1).max(128)).min(1, '请至少选择一个单位').max(100),
  taskId: z.string().min(1).max(128).optional(),
  text: z.string().trim().min(2, '请写明通报内容').max(1000, '通报内容最多 1000 字'),
  refs: z.array(z.number().int().positive()).max(50).default([]),
  /** 通报批评: the date the 整改报告 is due. */
  rectifyBy: IsoDate.optional(),
  /** The year it is about (its 考评): this year or last; this year when absent. */
  year: z.number().int().min(2000).max(2100).optional(),
});
export const BulletinList = z.object({
  today: IsoDate,
  items: z.array(Bulletin.extend({ units: z.array(z.object({ id: Id, name: z.string() })), rectified: z.array(Id) })),
});
