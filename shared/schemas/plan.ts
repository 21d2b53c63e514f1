import { z } from 'zod';
import { Id, IsoDate } from './common.js';

export const Plan = z.object({
  id: Id,
  title: z.string().min(1),
  issuer: z.string(),
  issuedOn: IsoDate.optional(),
  period: z.object({ from: z.number().int(), to: z.number().int() }).optional(),
  addressees: z.string().optional(),
  source: z.object({
    name: z.string(),
    format: z.enum(['text', 'xlsx', 'docx', 'pdf']),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});
export type Plan = z.infer<typeof Plan>;

/** 工程: one of the programmes of 主要任务, e.g. (一)大力实施政府系统党的建设工程. */
export const Section = z.object({
  id: Id,
  planId: Id,
  number: z.number().int().positive(),
  label: z.string(),
  title: z.string().min(1),
});
export type Section = z.infer<typeof Section>;

/**
 * A dated obligation stated in prose rather than in the task list, e.g.
 * 重点任务牵头部门要于2018年11月中旬前组织制订重点任务专项工作计划.
 */
export const ProseObligation = z.object({
  id: Id,
  planId: Id,
  text: z.string(),
  due: IsoDate,
  /** Who owes it, as written (重点任务牵头部门). */
  whoText: z.string(),
  /** Who owes it, resolved: the lead units of every key task, every assigned unit, or unresolved. */
  appliesTo: z.enum(['keyTaskLeads', 'allAssigned', 'unresolved']),
  /** What is owed (组织制订重点任务专项工作计划). */
  what: z.string(),
});
export type ProseObligation = z.infer<typeof ProseObligation>;
