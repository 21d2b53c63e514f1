import { z } from 'zod';
import { Id, Instant, IsoDate } from './common.js';

/**
 * 督办通知单: the 督考办's formal notice to one unit about its lagging items, numbered
 * 督办〔年〕N号 and graded 提示 / 黄色 / 红色. The unit signs for it (回执) and answers by the date
 * it names; one left unsigned or unanswered is escalated to the unit's leaders.
 */
export const SheetLevel = z.enum(['hint', 'yellow', 'red']);
export type SheetLevel = z.infer<typeof SheetLevel>;
export const SHEET_LEVEL_NAMES: Record<SheetLevel, string> = { hint: '提示', yellow: '黄色', red: '红色' };

export const SheetItem = z.object({
  obligationId: z.string(),
  taskId: Id,
  /** 重点任务8 · 年中进展(2019年) — as issued. */
  name: z.string(),
  due: IsoDate,
  /** 已逾期 5 个工作日 … — the light's reason when issued. */
  state: z.string(),
});
export type SheetItem = z.infer<typeof SheetItem>;

export const NoticeSheet = z.object({
  id: z.string().regex(/^D\d+$/),
  /** 督办〔2019〕3号: numbered within the year it is issued. */
  number: z.string(),
  year: z.number().int(),
  n: z.number().int().positive(),
  level: SheetLevel,
  unitId: Id,
  items: z.array(SheetItem).min(1),
  /** The facts and what is asked, in the 督考办's words. */
  text: z.string().min(2).max(1000),
  replyBy: IsoDate,
  issuedBy: z.string(),
  issuedAt: Instant,
  /** The ledger event that issued it. */
  seq: z.number().int().positive(),
  signed: z.object({ by: z.string(), at: Instant, channel: z.enum(['miniapp', 'bot']) }).optional(),
  answer: z
    .object({
      by: z.string(),
      at: Instant,
      channel: z.enum(['miniapp', 'bot']),
      text: z.string(),
      evidence: z.array(z.string()),
    })
    .optional(),
  /** Escalations sent to the unit's leaders (once each): not signed the next working day; not answered by replyBy. */
  escalated: z.object({ unsigned: IsoDate.optional(), unanswered: IsoDate.optional() }).optional(),
});
export type NoticeSheet = z.infer<typeof NoticeSheet>;

export const SheetBody = z.object({
  unitId: z.string().min(1).max(128),
  obligationIds: z.array(z.string().min(1).max(200)).min(1, '请至少选择一个事项').max(50),
  /** Chosen, or from the items' lights (red when any is overdue, yellow when any is close, else 提示). */
  level: SheetLevel.optional(),
  text: z.string().trim().min(2, '请写明督办事由和要求').max(1000, '督办事由最多 1000 字'),
  replyBy: IsoDate,
});
export type SheetBody = z.infer<typeof SheetBody>;

export const SheetAnswerBody = z.object({
  text: z.string().trim().min(2, '请写明办理情况').max(2000, '办理情况最多 2000 字'),
  evidence: z
    .array(z.string().regex(/^[0-9a-f]{64}$/, '文件标识不正确'))
    .max(20, '一次最多附 20 个文件')
    .default([]),
});
export type SheetAnswerBody = z.infer<typeof SheetAnswerBody>;

export const SheetView = NoticeSheet.extend({
  unit: z.object({ id: Id, name: z.string() }),
  /** 待签收 · 待回复 · 已回复 · 逾期未回复 */
  status: z.enum(['unsigned', 'signed', 'answered', 'late']),
  /** The Word document's link (signed for this viewer). */
  docUrl: z.string(),
});
export type SheetView = z.infer<typeof SheetView>;

export const SheetList = z.object({ today: IsoDate, items: z.array(SheetView) });

/** What a 督办通知单 to a unit may cover: its open items that are overdue or close, the worst first. */
export const SheetCandidates = z.object({
  today: IsoDate,
  unit: z.object({ id: Id, name: z.string() }),
  items: z.array(SheetItem.extend({ light: z.enum(['red', 'yellow', 'green']) })),
  /** The level the lights give (what the form proposes). */
  level: SheetLevel,
});
export type SheetCandidates = z.infer<typeof SheetCandidates>;
export type SheetList = z.infer<typeof SheetList>;
