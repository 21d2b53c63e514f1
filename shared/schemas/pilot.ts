import { z } from 'zod';
import { Id, Instant, IsoDate } from './common.js';
import { EvidenceMeta } from './request.js';

/**
 * 试点示范 (the plan's 工作要求 (二)): pilots a unit seeks or holds — 国家/省/市级, 争取中 → 已获批 →
 * 已验收 — and 典型经验 it submits; the 督考办 adopts (or returns) them, marks the best as 越城样本,
 * publishes the adopted ones (a notice and an 经验汇编). Approved pilots and samples count in 考评.
 */
export const PilotLevel = z.enum(['national', 'provincial', 'city']);
export type PilotLevel = z.infer<typeof PilotLevel>;
export const PILOT_LEVEL_NAMES: Record<PilotLevel, string> = { national: '国家级', provincial: '省级', city: '市级' };
export const PilotStatus = z.enum(['seeking', 'approved', 'accepted']);
export type PilotStatus = z.infer<typeof PilotStatus>;
export const PILOT_STATUS_NAMES: Record<PilotStatus, string> = {
  seeking: '争取中',
  approved: '已获批',
  accepted: '已验收',
};

export const Pilot = z.object({
  id: z.string().regex(/^P\d+$/),
  seq: z.number().int().positive(),
  unitId: Id,
  level: PilotLevel,
  name: z.string().min(2).max(100),
  status: PilotStatus,
  /** The approving document (批复文件), once approved. */
  doc: z.string().max(200).optional(),
  taskIds: z.array(Id).max(10),
  by: z.string(),
  createdAt: Instant,
  /** When it was approved (the year it counts in 考评), and accepted. */
  approvedAt: Instant.optional(),
  /** The ledger event that approved it (the 考评 line rests on it). */
  approvedSeq: z.number().int().optional(),
  acceptedAt: Instant.optional(),
});
export type Pilot = z.infer<typeof Pilot>;

export const PilotBody = z.object({
  level: PilotLevel,
  name: z.string().trim().min(2, '请写明试点名称').max(100),
  status: PilotStatus.default('seeking'),
  doc: z.string().trim().max(200).optional(),
  taskIds: z.array(z.string().min(1).max(128)).max(10).default([]),
  unitId: z.string().min(1).max(128).optional(),
});
export const PilotStatusBody = z.object({
  status: PilotStatus,
  doc: z.string().trim().max(200).optional(),
});

export const Experience = z.object({
  id: z.string().regex(/^X\d+$/),
  seq: z.number().int().positive(),
  unitId: Id,
  title: z.string().min(2).max(100),
  text: z.string().min(20).max(5000),
  evidence: z.array(EvidenceMeta).default([]),
  taskIds: z.array(Id).max(10),
  by: z.string(),
  createdAt: Instant,
  state: z.enum(['pending', 'returned', 'adopted']),
  decision: z.object({ by: z.string(), at: Instant, comment: z.string(), seq: z.number().int() }).optional(),
  /** 越城样本: an adopted experience the 督考办 holds up as the district's model. */
  sample: z.boolean().default(false),
  /** When the 督考办 published it (the 通报 of adopted experiences). */
  publishedAt: Instant.optional(),
});
export type Experience = z.infer<typeof Experience>;

export const ExperienceBody = z.object({
  title: z.string().trim().min(2, '请写明经验标题').max(100),
  text: z.string().trim().min(20, '请写明经验做法(至少 20 字)').max(5000, '经验正文最多 5000 字'),
  taskIds: z.array(z.string().min(1).max(128)).max(10).default([]),
  evidence: z
    .array(z.string().regex(/^[0-9a-f]{64}$/, '文件标识不正确'))
    .max(20)
    .default([]),
  unitId: z.string().min(1).max(128).optional(),
});
export const ExperienceDecisionBody = z
  .object({
    adopt: z.boolean(),
    sample: z.boolean().default(false),
    comment: z.string().trim().max(500).default(''),
  })
  .refine((b) => b.adopt || b.comment.length >= 2, { message: '退回时请写明理由', path: ['comment'] })
  .refine((b) => b.adopt || !b.sample, { message: '只有采纳的经验可以列为越城样本', path: ['sample'] });

export const PilotView = Pilot.extend({ unit: z.object({ id: Id, name: z.string() }) });
export const ExperienceView = Experience.extend({ unit: z.object({ id: Id, name: z.string() }) });
export const PilotsView = z.object({
  today: IsoDate,
  pilots: z.array(PilotView),
  experiences: z.array(ExperienceView),
});
export type PilotsView = z.infer<typeof PilotsView>;
